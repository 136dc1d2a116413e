from __future__ import annotations

from rest_framework import serializers

from cloud.incidents.detectors import PROBLEMS
from cloud.incidents.models import Incident, IncidentEvent, Severity
from cloud.remote.api.serializers import StoreCodeParam
from tierkit.api.query import ChoiceParam


class IncidentSerializer(serializers.ModelSerializer):
    store = serializers.CharField(source="store.code", help_text="the store's code")

    class Meta:
        model = Incident
        fields = [
            "id",
            "store",
            "problem",
            "severity",
            "state",
            "title",
            "detail",
            "data",
            "opened_at",
            "resolved_at",
            "flapping",
            "flips",
            "last_bad_at",
        ]


class IncidentEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = IncidentEvent
        fields = ["at", "kind", "detail"]


class IncidentDetailSerializer(IncidentSerializer):
    events = IncidentEventSerializer(
        many=True, read_only=True, help_text="opened, each bad/good flip, flapping, resolved"
    )

    class Meta(IncidentSerializer.Meta):
        fields = [*IncidentSerializer.Meta.fields, "events"]


class IncidentFilters(serializers.Serializer):
    """`?store=`, `?state=`, `?severity=` and `?problem=` of the incident list."""

    store = StoreCodeParam(
        r"^[A-Za-z0-9_.-]{1,64}\Z", required=False, help_text="only this store's incidents"
    )
    state = ChoiceParam(Incident.State.choices, required=False, help_text="open or resolved")
    severity = ChoiceParam(Severity.choices, required=False, help_text="only this severity")
    problem = ChoiceParam([(p, p) for p in PROBLEMS], required=False, help_text="only this problem")
