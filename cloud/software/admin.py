from django.contrib import admin

from .models import Rollout, RolloutAction, StoreUpdate


class ReadOnly(admin.ModelAdmin):
    """Rollouts start and stop through the API or the console (compat-checked, audited, sent to
    the stores); the admin only shows them."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Rollout)
class RolloutAdmin(ReadOnly):
    list_display = ["id", "release", "state", "created_by", "created_at", "finished_at"]
    list_filter = ["state"]


@admin.register(StoreUpdate)
class StoreUpdateAdmin(ReadOnly):
    list_display = ["rollout", "store", "state", "step", "from_version", "to_version", "updated_at"]
    list_filter = ["state"]
    search_fields = ["store__code"]


@admin.register(RolloutAction)
class RolloutActionAdmin(ReadOnly):
    list_display = ["at", "rollout", "action", "by"]
