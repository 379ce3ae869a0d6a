"""Reading the history of one thing, newest first. Callers check access to the thing first."""

import datetime as dt

from django.db.models import QuerySet

from upsell.history.models import Change, Subject


def changes_of(
    *,
    subject: Subject,
    object_id: int | None,
    month: dt.date | None = None,
    year: int | None = None,
) -> QuerySet[Change]:
    """The changes of one thing (of one month or year of it, where given), newest first."""
    changes = Change.objects.filter(subject=subject, object_id=object_id)
    if month is not None:
        changes = changes.filter(month=month)
    if year is not None:
        changes = changes.filter(month__year=year)
    return changes.select_related("changed_by").order_by("-changed_at", "-id")
