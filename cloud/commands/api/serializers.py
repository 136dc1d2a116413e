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

    name = serializers.CharField(max_length=64, help_text=f"one of {store_commands.known_names()}")
    args = serializers.DictField(required=False, default=dict, help_text="the command's arguments")
    ttl_s = serializers.IntegerField(
        required=False,
        default=store_commands.DEFAULT_TTL_S,
        min_value=1,
        max_value=store_commands.MAX_TTL_S,
        help_text="seconds the command may wait for the store before it expires",
    )
