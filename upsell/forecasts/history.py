"""The history of a client's forecast cells and of a manager's plans, as the reader may see it,
and how their fields read. The services keep the history (``forecast_cell_save``,
``sales_plan_set``); callers check access to the client or the grid first."""

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from upsell.accounts.models import User
from upsell.clients.models import Client
from upsell.forecasts.models import Confidence, ForecastCell
from upsell.history.models import Change, Subject
from upsell.history.presenters import FieldShape, choice_text, money_text
from upsell.history.selectors import changes_of

CELL_SHAPES = {
    "amount": FieldShape(_("Forecast"), money_text),
    "confidence": FieldShape(_("Confidence"), choice_text(Confidence.choices)),
    "comment": FieldShape(_("Comment")),
}
PLAN_SHAPES = {"amount": FieldShape(_("Plan"), money_text)}


def _months_hidden_from(user: User, client: Client) -> QuerySet[ForecastCell, dt.date]:
    """The months of ``client`` that another manager forecast: a manager who took the client
    over sees the cells from its own time on, as the API's cells do."""
    return (
        ForecastCell.objects.filter(client=client)
        .exclude(Q(manager=user) | Q(manager__isnull=True))
        .values_list("month", flat=True)
    )


def forecast_cell_changes(
    *, user: User, client: Client, month: dt.date | None = None
) -> QuerySet[Change]:
    """How ``client``'s cells (of ``month``, where given) changed, newest first."""
    changes = changes_of(subject=Subject.FORECAST_CELL, object_id=client.pk, month=month)
    if user.is_manager:
        changes = changes.exclude(month__in=_months_hidden_from(user, client))
    return changes


def forecast_months_changed(*, user: User, client: Client, months: list[dt.date]) -> set[dt.date]:
    """Which of ``months`` of ``client`` have a change ``user`` may see."""
    changed = (
        forecast_cell_changes(user=user, client=client)
        .filter(month__in=months)
        .order_by()
        .values_list("month", flat=True)
        .distinct()
    )
    return {month for month in changed if month is not None}


def sales_plan_changes(*, manager: User, year: int) -> QuerySet[Change]:
    """How ``manager``'s plans for the months of ``year`` changed, newest first."""
    return changes_of(subject=Subject.SALES_PLAN, object_id=manager.pk, year=year)
