"""Alerts as the staff API shows them, and the list's query parameters."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tierkit.api.query import ChoiceParam, QueryParam

from ..choices import AlertKind, AlertState
from ..models import Alert
from ..services import who
from ..texts import detail_of, title_of


class AlertSerializer(serializers.ModelSerializer):
    title = serializers.SerializerMethodField(help_text="what the alert is, in the request's language")
    detail = serializers.SerializerMethodField(help_text="one sentence more, in the request's language")
    acknowledged_by = serializers.SerializerMethodField(help_text="first name (or username); null until acknowledged")
    resolved_by = serializers.SerializerMethodField(
        help_text="first name (or username) of who resolved it; null if open or cleared automatically")
    help_request = serializers.UUIDField(source="help_request_id", read_only=True, allow_null=True,
                                         help_text="the shopper's help request (kind help), else null")

    class Meta:
        model = Alert
        fields = ["id", "kind", "severity", "state", "device_kind", "device_id", "title", "detail", "data",
                  "raised_at", "updated_at", "occurrences", "flapping", "acknowledged_by", "acknowledged_at",
                  "resolved_by", "resolved_at", "help_request"]
        read_only_fields = fields

    def get_title(self, alert: Alert) -> str:
        return title_of(alert)

    def get_detail(self, alert: Alert) -> str:
        return detail_of(alert)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_acknowledged_by(self, alert: Alert) -> str | None:
        return who(alert.acknowledged_by)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_resolved_by(self, alert: Alert) -> str | None:
        return who(alert.resolved_by)


class TextParam(QueryParam, serializers.CharField):
    pass


class AlertFilters(serializers.Serializer):
    """`?state=`, `?kind=` and `?device=` of the alert list."""

    state = ChoiceParam(AlertState.choices, required=False, help_text="only alerts in this state")
    kind = ChoiceParam(AlertKind.choices, required=False, help_text="only alerts of this kind")
    device = TextParam(required=False, max_length=64, help_text="only alerts about this device id")
