from __future__ import annotations

from django.contrib import admin

from .models import Barcode, PriceChange, Product, StockLevel


class BarcodeInline(admin.TabularInline):
    model = Barcode
    extra = 0


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "price", "vat_rate", "unit", "active", "erp_updated_at"]
    list_filter = ["active", "unit", "vat_rate"]
    search_fields = ["code", "name", "barcodes__code"]
    inlines = [BarcodeInline]


@admin.register(StockLevel)
class StockLevelAdmin(admin.ModelAdmin):
    list_display = ["product", "quantity", "erp_updated_at", "synced_at"]
    search_fields = ["product__code", "product__name"]


@admin.register(PriceChange)
class PriceChangeAdmin(admin.ModelAdmin):
    list_display = ["product", "old_price", "new_price", "changed_at"]
    search_fields = ["product__code"]
