from django.db.models import QuerySet

from upsell.accounts.models import Role, User
from upsell.imports.models import ImportRun


def import_runs_visible_to(user: User) -> QuerySet[ImportRun]:
    """The import runs ``user`` may see: all for an administrator or the head of sales, else none.

    Imports carry the whole company's data (clients, amounts, errors quoting them), so no
    narrower view exists: a manager sees none.
    """
    runs = ImportRun.objects.select_related("imported_by")
    if not user.is_authenticated or not user.is_active:
        return runs.none()
    if user.is_admin_role or user.role == Role.HEAD_OF_SALES:
        return runs
    return runs.none()
