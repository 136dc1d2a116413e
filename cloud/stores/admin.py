from django.contrib import admin

from .models import Store, StoreGroup


@admin.register(Store)
class StoreAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "online", "last_heartbeat_at", "connected_at", "key_prefix"]
    list_filter = ["online"]
    search_fields = ["code", "name"]
    # Keys are registered with `manage.py register_store` (shown once); the admin never sees one.
    readonly_fields = [
        "key_hash",
        "key_prefix",
        "online",
        "last_heartbeat_at",
        "last_heartbeat",
        "tunnel_channel",
        "connected_at",
        "disconnected_at",
        "created_at",
    ]


@admin.register(StoreGroup)
class StoreGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name"]
    filter_horizontal = ["stores"]
