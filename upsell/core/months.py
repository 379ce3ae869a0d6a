"""Month arithmetic, for every app: a month is the date of its first day."""

import datetime as dt


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
