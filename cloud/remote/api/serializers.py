from __future__ import annotations

from rest_framework import serializers

from cloud.remote.models import RemoteRequest
from tierkit.api.query import QueryParam


class RemoteRequestSerializer(serializers.ModelSerializer):
    store = serializers.CharField(source="store_code", help_text="the store code as asked")

    class Meta:
        model = RemoteRequest
        fields = [
            "id",
            "started_at",
            "username",
            "store",
            "method",
            "path",
            "status",
            "bytes",
            "duration_ms",
            "refused",
        ]


class StoreCodeParam(QueryParam, serializers.RegexField):
    """`?store=`: given once, a store code; empty is a 400, not "all stores"."""


class AuditQuerySerializer(serializers.Serializer):
    store = StoreCodeParam(
        r"^[A-Za-z0-9_.-]{1,64}\Z", required=False, help_text="only this store's requests"
    )
