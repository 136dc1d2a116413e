from django.contrib import admin

from .models import RemoteAccessGrant, RemoteRequest


@admin.register(RemoteAccessGrant)
class RemoteAccessGrantAdmin(admin.ModelAdmin):
    list_display = ["store", "user", "granted_at"]
    list_filter = ["store"]
    search_fields = ["store__code", "user__username"]


@admin.register(RemoteRequest)
class RemoteRequestAdmin(admin.ModelAdmin):
    list_display = [
        "started_at",
        "username",
        "store_code",
        "method",
        "path",
        "status",
        "bytes",
        "duration_ms",
        "refused",
    ]
    list_filter = ["store_code", "status"]
    search_fields = ["username", "path", "store_code"]
    date_hierarchy = "started_at"

    # The audit is written by the proxy only: nobody edits or deletes what happened.
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
