from __future__ import annotations

from rest_framework import serializers

from cloud.incidents.models import Severity
from cloud.notifications.models import Channel, Notice


class ChannelSerializer(serializers.ModelSerializer):
    """A channel as ops see it; the webhook secret is shown only when it is set (create, or a
    PATCH that sets a new one)."""

    store_groups = serializers.SlugRelatedField(
        slug_field="name", many=True, read_only=True, help_text="empty: every store"
    )

    class Meta:
        model = Channel
        fields = [
            "id",
            "name",
            "kind",
            "target",
            "store_groups",
            "min_severity",
            "enabled",
            "status",
            "last_error",
            "last_sent_at",
            "failing_since",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields


class ChannelWithSecretSerializer(ChannelSerializer):
    secret = serializers.CharField(
        read_only=True, help_text="HMAC-SHA256 key of X-SmartCart-Signature: keep it now"
    )

    class Meta(ChannelSerializer.Meta):
        fields = [*ChannelSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class ChannelWriteSerializer(serializers.Serializer):
    """What ops may set; the rules (target per kind, known groups, unique name) are checked by
    the service and answered as a 400 naming the field."""

    name = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=Channel.Kind.choices)
    target = serializers.CharField(
        max_length=500, help_text="email: address(es), comma-separated; webhook/slack: http(s) URL"
    )
    secret = serializers.CharField(
        required=False,
        min_length=16,
        max_length=128,
        write_only=True,
        help_text="webhook HMAC key; generated when left out",
    )
    store_groups = serializers.ListField(
        child=serializers.CharField(max_length=64),
        required=False,
        max_length=100,
        help_text="store group names; empty or left out: every store",
    )
    min_severity = serializers.ChoiceField(choices=Severity.choices, required=False)
    enabled = serializers.BooleanField(required=False)


class NoticeSerializer(serializers.ModelSerializer):
    incident = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Notice
        fields = [
            "id",
            "event",
            "incident",
            "state",
            "attempts",
            "next_attempt_at",
            "last_error",
            "sent_at",
            "created_at",
        ]
        read_only_fields = fields
