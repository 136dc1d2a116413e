from django.contrib import admin

from .models import Incident, IncidentEvent, ProblemState


class EventInline(admin.TabularInline):
    model = IncidentEvent
    extra = 0
    readonly_fields = ["at", "kind", "detail"]
    can_delete = False


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ["id", "store", "problem", "severity", "state", "flapping", "opened_at"]
    list_filter = ["state", "severity", "flapping"]
    search_fields = ["store__code", "problem", "title"]
    # Opened and resolved by the sweep only (what the stores report); never edited by hand.
    readonly_fields = [f.name for f in Incident._meta.fields]
    inlines = [EventInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ProblemState)
class ProblemStateAdmin(admin.ModelAdmin):
    """Deleting a row lets its problem start over from ok at the next sweep (docs: Recovery)."""

    list_display = ["store", "problem", "status", "bad_since", "good_since", "updated_at"]
    list_filter = ["status", "problem"]
    search_fields = ["store__code"]
    readonly_fields = [f.name for f in ProblemState._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
