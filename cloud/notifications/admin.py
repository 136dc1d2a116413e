from django.contrib import admin

from .models import Channel, Notice


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "target", "min_severity", "enabled", "status", "last_sent_at"]
    list_filter = ["kind", "status", "enabled"]
    # Created and changed through the console or the API (same rules, secret shown once).
    readonly_fields = [f.name for f in Channel._meta.fields if f.name != "secret"]
    exclude = ["secret"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["created_at", "channel", "event", "incident", "state", "attempts", "sent_at"]
    list_filter = ["state", "event"]
    readonly_fields = [f.name for f in Notice._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
