"""Numbers, money and dates as the reader's language writes them.

Russian: ``1 234 567,89 ₽`` and ``31.12.2025``; English: ``₽1,234,567.89`` and ``12/31/2025``.
The currency is the system's (``settings.UPSELL_CURRENCY``). Empty values show as a dash, so a
table cell is never blank by accident.
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils import formats, timezone

from upsell.core.money import (
    EMPTY,
    Number,
    currency_symbol,
    format_amount,
    format_millions,
    format_money,
)

register = template.Library()


@register.filter
def money(value: Number | None) -> str:
    """An amount with the currency symbol."""
    return EMPTY if value is None else format_money(value)


@register.filter
def amount(value: Number | None) -> str:
    """An amount without the symbol, for table columns whose header names the currency."""
    return EMPTY if value is None else format_amount(value)


def _whole(value: Number) -> int:
    """Rounded half up, as people round (Python's round() goes to the even neighbour)."""
    exact = value if isinstance(value, Decimal) else Decimal(str(value))
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@register.filter
def millions(value: Number | None) -> str:
    """A total in millions with one decimal, where kopecks are noise."""
    return EMPTY if value is None else format_millions(value)


@register.filter
def number(value: Number | None) -> str:
    """A whole number with the thousands grouped."""
    return EMPTY if value is None else formats.number_format(_whole(value), force_grouping=True)


@register.filter
def quantity(value: Decimal | None) -> str:
    """A quantity with as many decimals as it needs (``12``, ``0,5``, ``1 250,125``)."""
    if value is None:
        return EMPTY
    exponent = value.normalize().as_tuple().exponent
    decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return formats.number_format(value, decimal_pos=decimals, force_grouping=True)


@register.filter
def percent(value: Number | None) -> str:
    """A share from 0 to 100 as a whole percent."""
    return EMPTY if value is None else f"{formats.number_format(_whole(value))}\xa0%"


@register.filter
def short_date(value: dt.date | None) -> str:
    """``31.12.2025`` / ``12/31/2025``; a datetime in the local time zone, with its time."""
    if value is None:
        return EMPTY
    if isinstance(value, dt.datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    return formats.date_format(value, "SHORT_DATE_FORMAT")


@register.simple_tag
def currency() -> str:
    return currency_symbol()
