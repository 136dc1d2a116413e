from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cloud.releases.models import Release
from cloud.software.models import Rollout, RolloutAction, StoreUpdate


@extend_schema_field(
    {
        "oneOf": [
            {"type": "array", "items": {"type": "string"}, "minItems": 1},
            {"type": "object", "properties": {"group": {"type": "string"}}, "required": ["group"]},
        ],
        "description": 'a list of store codes, or {"group": "<store group name>"}',
    }
)
class StoresField(serializers.JSONField):
    pass


class RolloutRequestSerializer(serializers.Serializer):
    release = serializers.PrimaryKeyRelatedField(
        queryset=Release.objects.all(), help_text="an onprem-v1 release id"
    )
    stores = StoresField(help_text='[codes] or {"group": name}')
    note = serializers.CharField(required=False, default="", max_length=300, allow_blank=True)


class ReleaseBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Release
        fields = ["id", "hardware", "version", "channel"]
        read_only_fields = fields


class ProgressSerializer(serializers.Serializer):
    stores = serializers.IntegerField(help_text="stores in the rollout")
    final = serializers.IntegerField(help_text="stores whose update is over (any way)")
    by_state = serializers.DictField(
        child=serializers.IntegerField(), help_text="stores per StoreUpdate state"
    )


class RolloutSerializer(serializers.ModelSerializer):
    release = ReleaseBriefSerializer(read_only=True)
    progress = ProgressSerializer(read_only=True)

    class Meta:
        model = Rollout
        fields = [
            "id",
            "release",
            "stores_asked",
            "state",
            "note",
            "created_by",
            "created_at",
            "finished_at",
            "progress",
        ]
        read_only_fields = fields


class StoreUpdateSerializer(serializers.ModelSerializer):
    store = serializers.CharField(source="store.code", read_only=True)

    class Meta:
        model = StoreUpdate
        fields = [
            "rollout",
            "store",
            "state",
            "step",
            "reason",
            "from_version",
            "to_version",
            "command_id",
            "reported_at",
            "updated_at",
            "finished_at",
            "history",
        ]
        read_only_fields = fields


class RolloutActionSerializer(serializers.ModelSerializer):
    class Meta:
        model = RolloutAction
        fields = ["action", "by", "at", "detail"]
        read_only_fields = fields


class RolloutDetailSerializer(RolloutSerializer):
    """The rollout with every store's update and what was done to it."""

    updates = StoreUpdateSerializer(many=True, read_only=True)
    actions = RolloutActionSerializer(many=True, read_only=True)

    class Meta(RolloutSerializer.Meta):
        fields = [*RolloutSerializer.Meta.fields, "updates", "actions"]
        read_only_fields = fields


class StoreSoftwareSerializer(serializers.Serializer):
    store = serializers.CharField()
    online = serializers.BooleanField()
    version = serializers.CharField(
        allow_null=True, help_text="the on-prem version of its last heartbeat; null: never said"
    )
    protocol = serializers.IntegerField(allow_null=True, help_text="its tunnel protocol")
    reported_at = serializers.DateTimeField(allow_null=True, help_text="its last heartbeat")
    current = StoreUpdateSerializer(allow_null=True, help_text="the update under way, if any")
    updates = StoreUpdateSerializer(many=True, help_text="its last updates, newest first")
