"""Staff endpoints of the ERP integration: start a sync now, see how syncs and orders stand."""

from __future__ import annotations

from django.db.models import Count
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from onprem.core.permissions import ScopedAccess

from . import tasks
from .models import ErpOrder, SyncRun

SYNC_TASKS = {
    "full": tasks.sync_catalog_full,
    "incremental": tasks.sync_catalog_incremental,
    "stock": tasks.sync_stock,
}
RUN_FIELDS = [
    "id",
    "kind",
    "full",
    "status",
    "started_at",
    "finished_at",
    "created",
    "updated",
    "unchanged",
    "rejected_count",
    "error",
    "transient",
]


class SyncView(APIView):
    """Queue a sync with the ERP now: `kind` is full, incremental or stock."""

    permission_classes = [ScopedAccess]
    required_scopes = ["staff"]

    @extend_schema(
        request=inline_serializer(
            "ErpSyncRequest", {"kind": serializers.ChoiceField(list(SYNC_TASKS))}
        ),
        responses={
            202: inline_serializer(
                "ErpSyncQueued",
                {"kind": serializers.CharField(), "task_id": serializers.CharField()},
            )
        },
    )
    def post(self, request):
        kind = request.data.get("kind")
        if kind not in SYNC_TASKS:
            raise ValidationError(
                {"kind": [f"must be one of {', '.join(SYNC_TASKS)}, not {kind!r}"]}
            )
        return Response({"kind": kind, "task_id": SYNC_TASKS[kind].delay().id}, status=202)


class StatusView(APIView):
    """The latest sync run of each kind, orders by state, and the orders that need a person."""

    permission_classes = [ScopedAccess]
    required_scopes = ["staff", "ops"]

    @extend_schema(
        responses={
            200: inline_serializer(
                "ErpStatus",
                {
                    "runs": serializers.ListField(),
                    "orders": serializers.DictField(),
                    "failed_orders": serializers.ListField(),
                },
            )
        }
    )
    def get(self, request):
        runs = [
            SyncRun.objects.filter(kind=kind, full=full).values(*RUN_FIELDS).first()
            for kind, full in (
                ("products", True),
                ("products", False),
                ("stock", False),
                ("stock", True),
            )
        ]
        counts = dict(ErpOrder.objects.values_list("state").annotate(n=Count("id")).order_by())
        failed = ErpOrder.objects.filter(state=ErpOrder.State.FAILED).values(
            "order_id", "last_error", "attempts"
        )[:20]
        return Response(
            {"runs": [r for r in runs if r], "orders": counts, "failed_orders": list(failed)}
        )
