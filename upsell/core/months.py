"""The calendar, for every app: month arithmetic (a month is the date of its first day) and
the span of dates the product takes.

A date outside a sensible span is a typing error or an attack, never business: an audit as
of 1900 empties every status, one as of 9999 cannot compute, a forecast for 2100 is noise. Every
entry that takes a date asks ``date_problem`` with the latest date that makes sense for it.
"""

import datetime as dt

from django.utils.formats import date_format
from django.utils.translation import gettext as _

# No business history is older than this; nothing the product keeps starts before it.
EARLIEST = dt.date(2000, 1, 1)


def date_problem(value: dt.date, *, latest: dt.date, earliest: dt.date = EARLIEST) -> str | None:
    """Why ``value`` is outside [``earliest``, ``latest``], or None when it is inside."""
    if earliest <= value <= latest:
        return None
    return _("Give a date from %(earliest)s to %(latest)s.") % {
        "earliest": date_format(earliest, "SHORT_DATE_FORMAT"),
        "latest": date_format(latest, "SHORT_DATE_FORMAT"),
    }


def years_after(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later (28 February for a 29th that the year lacks)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def months_after(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (earlier when negative), or the month's last day when it
    is shorter (30 November for 31 August + 3)."""
    first = month_add(month_start(day), months)
    return min(first.replace(day=1) + dt.timedelta(days=day.day - 1), month_end(first))


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    """The last day of ``day``'s month."""
    return month_add(month_start(day), 1) - dt.timedelta(days=1)


def month_add(month: dt.date, months: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def year_months(year: int) -> list[dt.date]:
    return [dt.date(year, number, 1) for number in range(1, 13)]


def month_parse(text: str) -> dt.date:
    """``2026-03`` or ``2026-03-01`` as the month's first day; ``ValueError`` otherwise."""
    value = dt.date.fromisoformat(text if len(text) > 7 else f"{text}-01")
    if value.day != 1:
        raise ValueError(f"{text} is not the first day of a month")
    return value
