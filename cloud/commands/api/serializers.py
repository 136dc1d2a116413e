from __future__ import annotations

from rest_framework import serializers

from cloud.commands.models import StoreCommand
from smartcart import store_commands


class StoreCommandSerializer(serializers.ModelSerializer):
    store = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = StoreCommand
        fields = [
            "id",
            "store",
            "name",
            "args",
            "state",
            "result",
            "requested_by",
            "created_at",
            "sent_at",
            "acked_at",
            "finished_at",
            "expires_at",
            "attempts",
        ]
        read_only_fields = fields


class StoreCommandRequestSerializer(serializers.Serializer):
    """What ops ask a store to do; the service checks the name and args (one list, both tiers)."""

    name = serializers.ChoiceField(
        choices=store_commands.by_hand(),
        help_text="the store command (docs/tunnel.md, Commands)",
        error_messages={
            "invalid_choice": "unknown store command '{input}': the known commands are "
            + store_commands.known_names(store_commands.by_hand())
        },
    )
    args = serializers.DictField(required=False, default=dict, help_text="the command's arguments")
    ttl_s = serializers.IntegerField(
        required=False,
        default=store_commands.DEFAULT_TTL_S,
        min_value=1,
        max_value=store_commands.MAX_TTL_S,
        help_text="seconds the command may wait for the store before it expires",
    )


class ChainCommandRequestSerializer(StoreCommandRequestSerializer):
    """The same command for many stores: those listed, or every registered store."""

    stores = serializers.ListField(
        child=serializers.RegexField(r"^[A-Za-z0-9_.-]{1,64}$", max_length=64),
        required=False,
        allow_empty=False,
        min_length=1,
        max_length=100_000,
        help_text="store codes; every registered store when left out",
    )
