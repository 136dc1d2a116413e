from django.contrib import admin

from .models import Cart, CartReading, DeadLetter, IngestState, Rack, Slot, Store


class SlotInline(admin.TabularInline):
    model = Slot
    extra = 0
    fields = ["number", "cart", "charging_current", "updated_at"]
    readonly_fields = ["updated_at"]


@admin.register(Store)
class StoreAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]


@admin.register(Rack)
class RackAdmin(admin.ModelAdmin):
    list_display = ["device_id", "name", "online", "health", "firmware", "slot_count", "last_seen"]
    list_filter = ["online", "health"]
    search_fields = ["device_id", "name"]
    readonly_fields = ["mqtt_password_hash", "boot_id", "last_seen"]
    inlines = [SlotInline]


@admin.register(Cart)
class CartAdmin(admin.ModelAdmin):
    list_display = ["device_id", "online", "state", "firmware", "last_seen"]
    list_filter = ["online", "state__health", "state__charging"]
    search_fields = ["device_id", "name"]
    readonly_fields = ["mqtt_password_hash", "boot_id", "last_seen"]
    list_select_related = ["state"]


@admin.register(CartReading)
class CartReadingAdmin(admin.ModelAdmin):
    list_display = ["device_id", "ts", "soc", "health", "dock_rack", "dock_slot"]
    search_fields = ["device_id"]
    date_hierarchy = "ts"


@admin.register(DeadLetter)
class DeadLetterAdmin(admin.ModelAdmin):
    list_display = ["received_at", "topic", "reason"]
    search_fields = ["topic", "reason"]


admin.site.register(IngestState)
