from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cloud.stores.models import Store
from cloud.stores.services import heartbeat_summary, readable_heartbeat


class StoreSerializer(serializers.ModelSerializer):
    heartbeat = serializers.SerializerMethodField(
        help_text="summary of the last heartbeat ({} before the first)"
    )
    connected = serializers.SerializerMethodField(help_text="a tunnel is open right now")

    class Meta:
        model = Store
        fields = [
            "code",
            "name",
            "online",
            "connected",
            "last_heartbeat_at",
            "connected_at",
            "disconnected_at",
            "heartbeat",
        ]

    def get_connected(self, store: Store) -> bool:
        return bool(store.tunnel_channel)

    @extend_schema_field(serializers.DictField())
    def get_heartbeat(self, store: Store) -> dict:
        return heartbeat_summary(store.last_heartbeat)


class StoreDetailSerializer(StoreSerializer):
    """The detail view adds the last heartbeat as the store sent it."""

    last_heartbeat = serializers.SerializerMethodField(
        help_text="the last heartbeat as the store sent it ({} if none, or if it cannot be read)"
    )

    class Meta(StoreSerializer.Meta):
        fields = [*StoreSerializer.Meta.fields, "last_heartbeat"]

    @extend_schema_field(serializers.DictField())
    def get_last_heartbeat(self, store: Store) -> dict:
        return readable_heartbeat(store.last_heartbeat)
