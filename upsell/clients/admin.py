"""Clients in the Django admin: to look up, not to edit.

A client's details and who serves it are changed on its card, through the services that check
and record each change; the admin shows them, with the record of reassignments.
"""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from upsell.accounts.admin import RoleAdmin
from upsell.accounts.models import SALES_WIDE_ROLES
from upsell.clients.models import Client, ClientAssignmentChange, ClientBudgetMonth


class ReadOnlyInline(admin.TabularInline[Any, Any]):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AssignmentChangeInline(ReadOnlyInline):
    model = ClientAssignmentChange
    fields = ("changed_at", "role", "previous", "new", "changed_by", "reason")
    readonly_fields = fields


class BudgetMonthInline(ReadOnlyInline):
    model = ClientBudgetMonth
    fields = ("month", "amount")
    readonly_fields = fields


@admin.register(Client)
class ClientAdmin(RoleAdmin):
    viewing_roles = SALES_WIDE_ROLES
    read_only = True
    list_display = ("name", "tax_id", "status", "region", "segment", "manager", "assistant")
    list_filter = ("status", "segment", "region", "is_partner", "plans_budget")
    list_select_related = ("manager", "assistant")
    search_fields = ("name", "tax_id")
    show_full_result_count = False
    fields = (
        "card_link", "name", "tax_id", "status", "region", "segment", "manager", "assistant",
        "is_partner", "plans_budget", "annual_budget", "budget_year", "created_at", "updated_at",
    )  # fmt: skip
    readonly_fields = fields
    inlines = (BudgetMonthInline, AssignmentChangeInline)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Client]:
        return super().get_queryset(request).select_related("manager", "assistant")

    @admin.display(description=_("card"))
    def card_link(self, client: Client) -> SafeString:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("clients:detail", kwargs={"client_id": client.pk}),
            _("Open the client's card to change it"),
        )
