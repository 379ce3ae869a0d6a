"""Changes in the Django admin: to read, never to write, for the roles that see all sales."""

from django.contrib import admin

from upsell.accounts.admin import RoleAdmin
from upsell.accounts.models import SALES_WIDE_ROLES
from upsell.history.models import Change


@admin.register(Change)
class ChangeAdmin(RoleAdmin):
    viewing_roles = SALES_WIDE_ROLES
    read_only = True
    addable = False
    deletable = False
    list_display = ("changed_at", "subject", "object_id", "month", "field", "before", "after",
                    "changed_by", "source")  # fmt: skip
    list_filter = ("subject", "source")
    date_hierarchy = "changed_at"
    readonly_fields = list_display
