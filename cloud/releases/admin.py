from django.contrib import admin

from .models import Campaign, CampaignAction, CampaignDevice, DeviceFirmware, Release


@admin.register(Release)
class ReleaseAdmin(admin.ModelAdmin):
    list_display = ["hardware", "version", "channel", "expires", "uploaded_by", "created_at"]
    list_filter = ["hardware", "channel"]
    # Uploaded and verified through the API or the console only: a release is never edited.
    readonly_fields = [f.name for f in Release._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "release", "state", "phase", "revision", "created_by"]
    list_filter = ["state"]
    # State changes go through the console or the API (a revision sent to every store).
    readonly_fields = [f.name for f in Campaign._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(CampaignAction)
class CampaignActionAdmin(admin.ModelAdmin):
    list_display = ["at", "campaign", "action", "by", "revision"]
    list_filter = ["action"]

    # The audit: nobody edits or deletes what happened.
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CampaignDevice)
class CampaignDeviceAdmin(admin.ModelAdmin):
    list_display = ["device", "store", "campaign", "state", "percent", "to_version", "updated_at"]
    list_filter = ["state", "kind"]
    search_fields = ["device"]


@admin.register(DeviceFirmware)
class DeviceFirmwareAdmin(admin.ModelAdmin):
    list_display = ["device", "kind", "store", "version", "updated_at"]
    list_filter = ["kind", "version"]
    search_fields = ["device"]
