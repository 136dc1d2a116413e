from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cloud.releases.models import Campaign, CampaignAction, Release
from cloud.releases.phases import MAX_CARTS, MAX_PHASES
from tierkit.api.openapi import ErrorSerializer

MAX_MANIFEST = 16 * 1024


class RefusalSerializer(ErrorSerializer):
    """A 4xx of the releases API: the usual error body and, when a rule refused it, the reason
    code again as `code` (what scripts match on)."""

    code = serializers.CharField(
        required=False,
        help_text="bad_signature, unknown_key, sha256_mismatch, size_mismatch, wrong_hardware, "
        "expired, not_newer, malformed; invalid or conflict for campaigns",
    )

    class Meta:
        ref_name = "Refusal"


class ReleaseSerializer(serializers.ModelSerializer):
    artifact_path = serializers.CharField(read_only=True, help_text="where stores download it")

    class Meta:
        model = Release
        fields = [
            "id",
            "hardware",
            "version",
            "channel",
            "sha256",
            "size",
            "key_id",
            "expires",
            "uploaded_by",
            "created_at",
            "artifact_path",
            "manifest",
        ]
        read_only_fields = fields


class ReleaseUploadSerializer(serializers.Serializer):
    """A release signed offline (`smartcart release build`): its manifest and artifact files."""

    manifest = serializers.FileField(help_text="the signed manifest (JSON)")
    artifact = serializers.FileField(help_text="the image the manifest signs")

    def validate_manifest(self, upload):
        if upload.size > MAX_MANIFEST:
            raise serializers.ValidationError(f"a manifest is at most {MAX_MANIFEST} bytes")
        return upload


class PhaseSerializer(serializers.Serializer):
    """One phase: exactly one of carts or percent (cumulative per store)."""

    carts = serializers.IntegerField(required=False, min_value=1, max_value=MAX_CARTS)
    percent = serializers.IntegerField(required=False, min_value=1, max_value=100)


class WindowSerializer(serializers.Serializer):
    """A maintenance window in the store's local time; an end before the start runs over midnight."""

    start = serializers.RegexField(r"^([01]\d|2[0-3]):[0-5]\d\Z", help_text="HH:MM")
    end = serializers.RegexField(r"^([01]\d|2[0-3]):[0-5]\d\Z", help_text="HH:MM")


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string", "enum": ["all"]},
            {"type": "array", "items": {"type": "string"}, "minItems": 1},
            {"type": "object", "properties": {"group": {"type": "string"}}, "required": ["group"]},
        ],
        "description": '"all", a list of store codes, or {"group": "<store group name>"}',
    }
)
class StoresField(serializers.JSONField):
    pass


class CampaignRequestSerializer(serializers.Serializer):
    release = serializers.PrimaryKeyRelatedField(
        queryset=Release.objects.all(), help_text="the release id"
    )
    name = serializers.CharField(required=False, default="", max_length=100, allow_blank=True)
    stores = StoresField(help_text='"all", [codes] or {"group": name}')
    phases = PhaseSerializer(
        many=True,
        required=False,
        max_length=MAX_PHASES,
        min_length=1,
        help_text='cumulative per store; default [{"carts": 1}, {"percent": 10}, {"percent": 100}]',
    )
    max_failure_percent = serializers.FloatField(
        required=False,
        default=10,
        min_value=0,
        max_value=100,
        help_text="failed or rolled back / finished, in percent, above which it pauses itself",
    )
    approval = serializers.BooleanField(
        required=False, default=False, help_text="wait for ops to approve each next phase"
    )
    window = WindowSerializer(required=False, allow_null=True, default=None)
    windows = serializers.DictField(
        child=WindowSerializer(),
        required=False,
        default=dict,
        help_text="per store code, replacing `window` for that store",
    )
    observe_hours = serializers.IntegerField(
        required=False,
        default=24,
        min_value=0,
        max_value=720,
        help_text="hours after install during which behaviour is compared with the control group",
    )
    max_regression_percent = serializers.FloatField(
        required=False,
        default=25,
        min_value=0,
        max_value=10_000,
        help_text="how much worse (percent) updated carts may do than the control group",
    )

    def validate_phases(self, phases):
        for n, phase in enumerate(phases, start=1):
            if len(phase) != 1:
                raise serializers.ValidationError(
                    f'phase {n} must be {{"carts": n}} or {{"percent": p}}, exactly one of them'
                )
        return phases


class CampaignSerializer(serializers.ModelSerializer):
    release = serializers.SerializerMethodField()
    stores = serializers.SerializerMethodField()

    class Meta:
        model = Campaign
        fields = [
            "id",
            "name",
            "release",
            "stores",
            "stores_asked",
            "phases",
            "phase",
            "state",
            "revision",
            "approval",
            "max_failure_percent",
            "max_regression_percent",
            "observe_hours",
            "window",
            "paused_reason",
            "pause_figures",
            "behaviour",
            "created_by",
            "created_at",
            "updated_at",
            "finished_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.DictField())
    def get_release(self, campaign: Campaign) -> dict:
        r = campaign.release
        return {"id": r.pk, "hardware": r.hardware, "version": r.version, "channel": r.channel}

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_stores(self, campaign: Campaign) -> list[str]:
        return [m.store.code for m in campaign.stores.all()]


class CampaignActionSerializer(serializers.ModelSerializer):
    class Meta:
        model = CampaignAction
        fields = ["action", "by", "at", "revision", "detail"]


class CampaignDetailSerializer(CampaignSerializer):
    """The campaign with its progress: per phase, per store and per device."""

    progress = serializers.DictField(
        read_only=True,
        help_text="totals, phases_progress, stores_progress, devices (see docs/ota.md)",
    )
    actions = CampaignActionSerializer(many=True, read_only=True)

    class Meta(CampaignSerializer.Meta):
        fields = [*CampaignSerializer.Meta.fields, "progress", "actions"]
        read_only_fields = fields


class FirmwareHistorySerializer(serializers.Serializer):
    campaign = serializers.IntegerField(allow_null=True)
    state = serializers.CharField()
    reason = serializers.CharField()
    detail = serializers.CharField()
    from_version = serializers.CharField()
    to_version = serializers.CharField()
    requested_by = serializers.CharField()
    updated_at = serializers.DateTimeField()


class DeviceFirmwareSerializer(serializers.Serializer):
    device = serializers.CharField()
    kind = serializers.CharField()
    version = serializers.CharField(allow_null=True, help_text="null: not reported yet")
    updated_at = serializers.DateTimeField(allow_null=True)
    history = FirmwareHistorySerializer(many=True)


class StoreFirmwareSerializer(serializers.Serializer):
    store = serializers.CharField()
    devices = DeviceFirmwareSerializer(many=True)
