"""Shopping in the admin: for looking, not for changing. Sessions, baskets, payments and
orders change only through their verbs (sessions.py, basket.py, checkout.py), which keep the
cart, the basket version and the money consistent; an edit here would bypass all of that."""

from __future__ import annotations

from django.contrib import admin

from .models import BasketLine, HelpRequest, Order, Payment, ShoppingSession


class ReadOnly:
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class BasketLineInline(ReadOnly, admin.TabularInline):
    model = BasketLine
    extra = 0
    fields = ["name", "barcode", "unit", "unit_price", "vat_rate", "quantity", "total", "weighed"]
    readonly_fields = fields


@admin.register(ShoppingSession)
class ShoppingSessionAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["id", "shopper", "cart", "state", "basket_version", "started_at", "ended_at"]
    list_filter = ["state"]
    list_select_related = ["shopper", "cart"]
    search_fields = ["id", "shopper__username", "cart__device_id"]
    date_hierarchy = "started_at"
    inlines = [BasketLineInline]


@admin.register(HelpRequest)
class HelpRequestAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["created_at", "cart", "source", "state", "reason", "acknowledged_by"]
    list_filter = ["state", "source"]
    list_select_related = ["cart", "acknowledged_by"]
    search_fields = ["cart__device_id", "reason"]


@admin.register(Payment)
class PaymentAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["created_at", "session", "method", "state", "amount", "paid_at"]
    list_filter = ["state", "method"]
    search_fields = ["id", "session__id", "till_code"]


@admin.register(Order)
class OrderAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["number", "created_at", "shopper", "method", "total"]
    list_filter = ["method"]
    list_select_related = ["shopper"]
    search_fields = ["number", "shopper__username"]
    date_hierarchy = "created_at"
