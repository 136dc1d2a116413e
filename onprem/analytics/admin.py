from django.contrib import admin

from .models import ErpDailyOrders


@admin.register(ErpDailyOrders)
class ErpDailyOrdersAdmin(admin.ModelAdmin):
    """Where staff type the ERP's daily order count when no report feeds it."""

    list_display = ("day", "orders", "source", "updated_at")
    date_hierarchy = "day"
