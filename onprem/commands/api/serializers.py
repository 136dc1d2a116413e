from __future__ import annotations

from rest_framework import serializers

from onprem.commands.choices import CommandState
from onprem.commands.models import Command
from onprem.commands.services import MAX_TTL_S, MIN_TTL_S
from tierkit.api.query import ChoiceParam, QueryParam


class CommandRequestSerializer(serializers.Serializer):
    """A hardware command for one device (docs/protocol.md lists each command's args)."""

    command = serializers.CharField(
        max_length=32, help_text="locate, lock, reboot, display_message..."
    )
    args = serializers.DictField(required=False, default=dict, help_text="the command's arguments")
    ttl_s = serializers.IntegerField(
        min_value=MIN_TTL_S,
        max_value=MAX_TTL_S,
        default=600,
        help_text="seconds the store keeps trying before the command is expired",
    )
    force = serializers.BooleanField(
        default=False, help_text="lock or maintenance on a cart in a shopper's session (staff only)"
    )


class CommandSerializer(serializers.ModelSerializer):
    # A plain string: an enum here would collide with the ERP sync's `kind` in the schema.
    kind = serializers.CharField(read_only=True, help_text="cart or rack")
    device = serializers.CharField(source="device_id", help_text="the device's id")

    class Meta:
        model = Command
        fields = [
            "id",
            "kind",
            "device",
            "command",
            "args",
            "state",
            "result",
            "requested_by",
            "force",
            "created_at",
            "sent_at",
            "acked_at",
            "finished_at",
            "expires_at",
        ]


class TextParam(QueryParam, serializers.CharField):
    """One non-empty string (an empty `?device=` is a 400, not "any device")."""


class CommandFilters(serializers.Serializer):
    """`?device=` and `?state=` of the command list."""

    device = TextParam(required=False, max_length=64, help_text="only this device's commands")
    state = ChoiceParam(
        CommandState.choices, required=False, help_text="only commands in this state"
    )
