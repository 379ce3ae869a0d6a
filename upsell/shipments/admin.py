"""Shipment documents in the Django admin, to look up: they come from the ERP by import."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from upsell.accounts.admin import RoleAdmin
from upsell.accounts.models import SALES_WIDE_ROLES
from upsell.shipments.models import Shipment, ShipmentLine


class ShipmentLineInline(admin.TabularInline[ShipmentLine, Shipment]):
    model = ShipmentLine
    fields = ("line_no", "product", "quantity", "price", "amount")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[ShipmentLine]:
        return super().get_queryset(request).select_related("product")


@admin.register(Shipment)
class ShipmentAdmin(RoleAdmin):
    viewing_roles = SALES_WIDE_ROLES
    read_only = True
    list_display = ("number", "date", "client", "manager", "line_count", "total")
    list_select_related = ("client", "manager")
    search_fields = ("number", "client__name", "client__tax_id")
    date_hierarchy = "date"
    show_full_result_count = False
    fields = ("number", "date", "client", "manager", "line_count", "total")
    readonly_fields = fields
    inlines = (ShipmentLineInline,)
