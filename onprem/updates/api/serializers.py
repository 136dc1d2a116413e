from __future__ import annotations

from rest_framework import serializers

from onprem.commands.api.serializers import TextParam
from smartcart.release import HARDWARE
from tierkit.api.query import ChoiceParam

from ..choices import JobState
from ..models import JobTransition, Release, UpdateJob


class UpdateRequestSerializer(serializers.Serializer):
    """A forced update: the release's version; the install waits for the same gates as a
    campaign's (docked, charging, battery floor, no shopper), the window aside if overridden."""

    version = serializers.RegexField(
        r"^\d{1,9}\.\d{1,9}\.\d{1,9}$",
        max_length=32,
        help_text="a release the store knows, e.g. 1.1.0",
    )
    override_window = serializers.BooleanField(
        default=False,
        help_text="install outside the store's window (never below the battery floor)",
    )


class TransitionSerializer(serializers.ModelSerializer):
    class Meta:
        model = JobTransition
        fields = ["from_state", "to_state", "reason", "by", "at"]


class JobSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True, help_text="cart or rack")
    device = serializers.CharField(source="device_id", read_only=True)
    to_version = serializers.CharField(source="release.version", read_only=True)
    hardware = serializers.CharField(source="release.hardware", read_only=True)
    campaign = serializers.IntegerField(
        source="campaign.cloud_campaign",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="the cloud campaign's id, or null when forced",
    )
    waiting_reason = serializers.CharField(
        read_only=True, help_text='"code: sentence" while waiting, else ""'
    )

    class Meta:
        model = UpdateJob
        fields = [
            "id",
            "kind",
            "device",
            "hardware",
            "from_version",
            "to_version",
            "campaign",
            "phase",
            "requested_by",
            "override_window",
            "state",
            "waiting_reason",
            "percent",
            "reason",
            "detail",
            "command_id",
            "created_at",
            "updated_at",
            "finished_at",
        ]


class JobDetailSerializer(JobSerializer):
    transitions = TransitionSerializer(many=True, read_only=True)

    class Meta(JobSerializer.Meta):
        fields = [*JobSerializer.Meta.fields, "transitions"]


class RackUpdateSerializer(serializers.Serializer):
    jobs = JobSerializer(many=True)
    skipped = serializers.ListField(child=serializers.DictField(), help_text='[{"cart", "reason"}]')


class ReleaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Release
        fields = [
            "id",
            "version",
            "hardware",
            "channel",
            "expires",
            "sha256",
            "size",
            "artifact_state",
            "refused_reason",
            "cloud_release",
            "created_at",
        ]


class CartFirmwareSerializer(serializers.Serializer):
    device = serializers.CharField()
    firmware = serializers.CharField(help_text="the version the cart runs, as it last reported")
    jobs = JobSerializer(many=True, help_text="its update jobs, newest first")


class JobFilters(serializers.Serializer):
    """`?cart=` and `?state=` of the job list."""

    cart = TextParam(required=False, max_length=64, help_text="only this device's jobs")
    state = ChoiceParam(JobState.choices, required=False, help_text="only jobs in this state")


class ReleaseFilters(serializers.Serializer):
    hardware = ChoiceParam(
        [(h, h) for h in HARDWARE], required=False, help_text="only this hardware"
    )
