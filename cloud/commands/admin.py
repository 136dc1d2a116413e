from django.contrib import admin

from .models import StoreCommand


@admin.register(StoreCommand)
class StoreCommandAdmin(admin.ModelAdmin):
    list_display = ["id", "store", "name", "state", "requested_by", "created_at", "finished_at"]
    list_filter = ["state", "name"]
    search_fields = ["id", "store__code", "name", "requested_by"]
    list_select_related = ["store"]
    # The outbox and the tunnel own every field: queue commands through the API.
    readonly_fields = [f.name for f in StoreCommand._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
