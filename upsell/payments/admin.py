"""Payments in the Django admin, to look up: they come from the ERP by import."""

from django.contrib import admin

from upsell.accounts.admin import RoleAdmin
from upsell.accounts.models import SALES_WIDE_ROLES
from upsell.payments.models import Payment


@admin.register(Payment)
class PaymentAdmin(RoleAdmin):
    viewing_roles = SALES_WIDE_ROLES
    read_only = True
    list_display = ("date", "client", "number", "amount", "due_date")
    list_select_related = ("client",)
    search_fields = ("number", "client__name", "client__tax_id")
    date_hierarchy = "date"
    show_full_result_count = False
    fields = list_display
    readonly_fields = fields
