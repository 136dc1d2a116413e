"""Alerts in the admin: each store's rules are edited here; alerts are for looking, and for
acknowledging or resolving through the same verbs as the dashboard (never edited by hand)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Alert, AlertRule


@admin.register(AlertRule)
class AlertRuleAdmin(admin.ModelAdmin):
    list_display = ["store", "low_battery_percent", "flap_window_minutes", "closing_time", "slot_min_current",
                    "slot_minutes"]
    fieldsets = [
        (None, {"fields": ["store"]}),
        (_("Low battery"), {"fields": ["low_battery_enabled", "low_battery_percent", "low_battery_hysteresis"]}),
        (_("Offline"), {"fields": ["offline_enabled", "flap_window_minutes"]}),
        (_("Faults and help"), {"fields": ["faults_enabled", "help_enabled"]}),
        (_("Closing time"), {"fields": ["closing_enabled", "closing_time"]}),
        (_("Rack slots"), {"fields": ["slot_enabled", "slot_min_current", "slot_full_percent", "slot_minutes"]}),
    ]


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ["raised_at", "kind", "severity", "device_id", "state", "occurrences", "flapping",
                    "acknowledged_by", "resolved_by", "resolved_at"]
    list_filter = ["state", "kind", "severity", "flapping"]
    list_select_related = ["acknowledged_by", "resolved_by"]
    search_fields = ["device_id", "key"]
    date_hierarchy = "raised_at"
    actions = ["acknowledge_selected", "resolve_selected"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # read-only pages; the actions below go through services

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Acknowledge selected alerts"), permissions=["view"])
    def acknowledge_selected(self, request, queryset) -> None:
        done = refused = 0
        for alert in queryset:
            try:
                services.acknowledge(alert, request.user)
                done += 1
            except services.AlertRefused:
                refused += 1
        self.message_user(request, _("%(done)d acknowledged, %(refused)d already resolved")
                          % {"done": done, "refused": refused}, messages.INFO)

    @admin.action(description=_("Resolve selected alerts"), permissions=["view"])
    def resolve_selected(self, request, queryset) -> None:
        for alert in queryset:
            services.resolve(alert, request.user)
        self.message_user(request, _("%(count)d resolved") % {"count": queryset.count()}, messages.INFO)
