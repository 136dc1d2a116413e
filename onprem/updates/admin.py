"""Updates in the admin: for looking. Jobs move only through the state machine (machine.py)."""

from __future__ import annotations

from django.contrib import admin

from .models import Campaign, JobTransition, Release, UpdateJob


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Release)
class ReleaseAdmin(ReadOnly):
    list_display = [
        "hardware",
        "version",
        "channel",
        "artifact_state",
        "artifact_bytes",
        "refused_reason",
        "created_at",
    ]
    list_filter = ["hardware", "artifact_state"]


@admin.register(Campaign)
class CampaignAdmin(ReadOnly):
    list_display = [
        "cloud_campaign",
        "release",
        "state",
        "revision",
        "phase",
        "target",
        "updated_at",
    ]


class TransitionInline(admin.TabularInline):
    model = JobTransition
    extra = 0
    can_delete = False
    readonly_fields = ["from_state", "to_state", "reason", "by", "at"]


@admin.register(UpdateJob)
class UpdateJobAdmin(ReadOnly):
    list_display = [
        "id",
        "kind",
        "device_id",
        "release",
        "state",
        "waiting_reason",
        "percent",
        "requested_by",
        "updated_at",
    ]
    list_filter = ["state", "kind"]
    search_fields = ["device_id", "id"]
    inlines = [TransitionInline]
