"""Shapes of the ERP staff endpoints: the sync request, its answer, and the status report."""

from __future__ import annotations

from rest_framework import serializers

SYNC_KINDS = ("full", "incremental", "stock")


class SyncRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        SYNC_KINDS,
        error_messages={
            "invalid_choice": f"must be one of {', '.join(SYNC_KINDS)}, not {{input!r}}"
        },
    )


class SyncQueuedSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(SYNC_KINDS)
    task_id = serializers.CharField()


class SyncRunSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    full = serializers.BooleanField()
    status = serializers.CharField()
    started_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    rejected_count = serializers.IntegerField()
    error = serializers.CharField(allow_blank=True)
    transient = serializers.BooleanField()


class FailedOrderSerializer(serializers.Serializer):
    order_id = serializers.CharField()
    last_error = serializers.CharField(allow_blank=True)
    attempts = serializers.IntegerField()


class StatusSerializer(serializers.Serializer):
    runs = SyncRunSerializer(many=True, help_text="the latest run of each kind")
    orders = serializers.DictField(
        child=serializers.IntegerField(), help_text="order count by state"
    )
    failed_orders = FailedOrderSerializer(many=True, help_text="up to 20 orders that need a person")
