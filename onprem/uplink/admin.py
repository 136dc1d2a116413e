from django.contrib import admin

from .models import ReceivedCommand


@admin.register(ReceivedCommand)
class ReceivedCommandAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "state", "received_at", "finished_at", "deliveries"]
    list_filter = ["state", "name"]
    search_fields = ["id", "name"]
    # A record of what the cloud asked and what the store answered: never edited by hand.
    readonly_fields = [f.name for f in ReceivedCommand._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
