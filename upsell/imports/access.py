"""Who brings the company's files in: the administrator and the head of sales.

Imports carry the whole company's data (clients, amounts, errors quoting them), so there is
no narrower view of them: anybody else sees no import at all.
"""

from django.db.models import QuerySet

from upsell.accounts.models import Role, User
from upsell.imports.models import ColumnMapping, ImportRun


def can_import(user: User) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and (user.is_admin_role or user.role == Role.HEAD_OF_SALES)
    )


def import_runs_visible_to(user: User) -> QuerySet[ImportRun]:
    runs = ImportRun.objects.select_related("imported_by")
    return runs if can_import(user) else runs.none()


def column_mappings_visible_to(user: User) -> QuerySet[ColumnMapping]:
    mappings = ColumnMapping.objects.select_related("mapped_by")
    return mappings if can_import(user) else mappings.none()
