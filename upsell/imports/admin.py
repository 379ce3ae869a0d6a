"""Import runs in the Django admin, to look up: runs are made by uploading on the import screen."""

from django.contrib import admin

from upsell.accounts.admin import RoleAdmin
from upsell.accounts.models import Role
from upsell.imports.models import ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(RoleAdmin):
    viewing_roles = frozenset({Role.ADMIN, Role.HEAD_OF_SALES})
    read_only = True
    list_display = (
        "created_at", "file_name", "kind", "status", "imported_by", "rows_total", "error_count",
    )  # fmt: skip
    list_filter = ("status", "kind")
    list_select_related = ("imported_by",)
    search_fields = ("file_name",)
    date_hierarchy = "created_at"
    fields = (
        "file_name", "kind", "status", "keep_valid_rows", "imported_by", "created_at",
        "started_at", "finished_at", "worker_id", "attempts", "rows_total", "rows_done",
        "counts", "error_count", "errors", "rejected_file",
    )  # fmt: skip
    readonly_fields = fields
