"""The review's figures as its readers take them: sentences for where growth stopped, and the
charts' data with labels and hover texts already in the reader's language."""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.dateformat import format as format_date
from django.utils.formats import get_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from upsell.clients.models import ClientStatus
from upsell.core.money import format_millions, format_money
from upsell.reporting.selectors import Migration
from upsell.review.selectors import (
    MonthPlan,
    Stagnation,
    StagnationSpan,
    StatusHistory,
    status_order,
)


def signed_percent(value: Decimal | None) -> str:
    """``+12 %``, ``−1 %``, ``0 %``: a change as a whole percent with its sign."""
    if value is None:
        return "—"
    whole = int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    sign = "+" if whole > 0 else "−" if whole < 0 else ""
    return f"{sign}{number_format(abs(whole))}\xa0%"


def stagnation_sentence(line: Stagnation, *, who: str | None = None) -> str:
    """The span in a sentence: "Ivanov: shipments of the last 6 months 4.2 M, the same as the 6
    before (−1 %)"."""
    figures = {
        "who": who if who is not None else line.name,
        "months": line.months,
        "after": format_millions(line.after),
        "before": format_millions(line.before),
        "change": signed_percent(line.change_percent),
    }
    if line.flat:
        text = ngettext(
            "%(who)s: shipments of the last %(months)s month %(after)s, the same as the "
            "%(months)s before (%(change)s)",
            "%(who)s: shipments of the last %(months)s months %(after)s, the same as the "
            "%(months)s before (%(change)s)",
            line.months,
        )
    elif line.after < line.before:
        text = ngettext(
            "%(who)s: shipments of the last %(months)s month %(after)s, down from %(before)s "
            "in the %(months)s before (%(change)s)",
            "%(who)s: shipments of the last %(months)s months %(after)s, down from %(before)s "
            "in the %(months)s before (%(change)s)",
            line.months,
        )
    else:
        text = ngettext(
            "%(who)s: shipments of the last %(months)s month %(after)s, up from %(before)s "
            "in the %(months)s before (%(change)s)",
            "%(who)s: shipments of the last %(months)s months %(after)s, up from %(before)s "
            "in the %(months)s before (%(change)s)",
            line.months,
        )
    return text % figures


def _separators() -> str:
    return f"{get_format('DECIMAL_SEPARATOR')}{get_format('THOUSAND_SEPARATOR')}"


def _month_label(month: dt.date) -> str:
    return format_date(month, "M Y")


def plan_chart(months: list[MonthPlan]) -> dict[str, object]:
    """Plan, forecast and fact of the team by month."""

    def series(name: str, values: list[Decimal | None]) -> dict[str, object]:
        return {
            "name": name,
            "values": [None if value is None else float(value) for value in values],
            "hover": ["—" if value is None else format_money(value) for value in values],
        }

    return {
        "labels": [_month_label(month.month) for month in months],
        "series": [
            series(_("Plan"), [month.figures.plan for month in months]),
            series(_("Forecast"), [month.figures.forecast for month in months]),
            series(_("Fact"), [month.figures.fact for month in months]),
        ],
        "separators": _separators(),
    }


def status_revenue_rows(history: StatusHistory) -> list[tuple[str, str, list[Decimal]]]:
    """(status, label, revenue over 365 days at each month end) for the statuses that occur."""
    labels = dict(ClientStatus.choices)
    revenue = {(total.month, total.status): total.revenue_365 for total in history.totals}
    statuses = sorted({total.status for total in history.totals}, key=status_order)
    return [
        (
            status,
            str(labels.get(status, status)),
            [revenue.get((month, status), Decimal("0.00")) for month in history.months],
        )
        for status in statuses
    ]


def status_revenue_chart(history: StatusHistory) -> dict[str, object]:
    """Revenue over 365 days by month-end status, one stacked area per status."""
    return {
        "labels": [_month_label(month) for month in history.months],
        "series": [
            {
                "name": label,
                "status": status,
                "values": [float(value) for value in values],
                "hover": [format_money(value) for value in values],
            }
            for status, label, values in status_revenue_rows(history)
        ],
        "separators": _separators(),
    }


def migration_chart(migration: list[Migration]) -> dict[str, object]:
    """Status migration as a flow: nodes are statuses at each end, links carry the clients."""
    labels = dict(ClientStatus.choices)
    none = _("No status")
    sources = sorted({move.from_status for move in migration}, key=status_order)
    targets = sorted({move.to_status for move in migration}, key=status_order)
    nodes = [str(labels.get(status, none)) for status in sources] + [
        str(labels.get(status, none)) for status in targets
    ]
    return {
        "nodes": nodes,
        "statuses": [*sources, *targets],
        "source": [sources.index(move.from_status) for move in migration],
        "target": [len(sources) + targets.index(move.to_status) for move in migration],
        "value": [move.clients for move in migration],
        "hover": [
            ngettext("%(count)s client", "%(count)s clients", move.clients)
            % {"count": number_format(move.clients, force_grouping=True)}
            for move in migration
        ],
    }


@dataclass(frozen=True, kw_only=True)
class StagnationText:
    months: int
    company: str
    managers: list[tuple[int | None, str]]
    clients: list[tuple[int | None, str]]


def stagnation_texts(spans: list[StagnationSpan]) -> list[StagnationText]:
    """Each span in words: the company's, then each manager's and client's that stopped."""
    return [
        StagnationText(
            months=span.months,
            company=stagnation_sentence(span.company, who=_("The company")),
            managers=[(line.owner_id, stagnation_sentence(line)) for line in span.managers],
            clients=[(line.owner_id, stagnation_sentence(line)) for line in span.clients],
        )
        for span in spans
    ]


def migration_rows(migration: list[Migration]) -> list[tuple[str, str, Migration]]:
    """(from label, to label, move) of each move, the biggest flows first."""
    labels = dict(ClientStatus.choices)
    none = _("No status")
    moves = sorted(migration, key=lambda move: (-move.clients, status_order(move.from_status)))
    return [
        (str(labels.get(move.from_status, none)), str(labels.get(move.to_status, none)), move)
        for move in moves
    ]
