"""Numbers, money and dates as the reader's language writes them.

Russian: ``1 234 567,89 ₽`` and ``31.12.2025``; English: ``₽1,234,567.89`` and ``12/31/2025``.
The currency is the system's (``settings.UPSELL_CURRENCY``). Empty values show as a dash, so a
table cell is never blank by accident.
"""

import datetime as dt
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django import template
from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import get_language

from upsell.core.money import KOPECK

register = template.Library()

EMPTY = "—"
CURRENCY_SYMBOLS = {
    "RUB": "₽",
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "CNY": "¥",
    "KZT": "₸",
    "BYN": "Br",
    "UZS": "сўм",
}
# Where the symbol goes, per language (CLDR): after the amount in Russian, before it in English.
SYMBOL_AFTER_AMOUNT = frozenset({"ru"})

Number = Decimal | int | float


def currency_symbol() -> str:
    return CURRENCY_SYMBOLS.get(settings.UPSELL_CURRENCY, settings.UPSELL_CURRENCY)


def format_amount(value: Number) -> str:
    """Two decimals with the thousands grouped: ``1 234 567,89`` / ``1,234,567.89``."""
    return formats.number_format(value, decimal_pos=2, force_grouping=True)


# Past this many digits before the point, Decimal's default context could not hold the amount
# with its cents; such values go through Django's own formatting.
FAST_AMOUNT_DIGITS = 20


class AmountFormatter:
    """``amount`` for the many values of one page, in the language active when it is made.

    ``format_amount`` looks the separators up again for every number, which a grid of 15 000
    figures pays for in whole tenths of a second. This looks them up once, groups by three
    with Python's own formatting, and remembers what it already wrote (grids repeat their
    zeros). The text is the filter's, character for character: the cents are cut, not rounded,
    as Django's ``number_format`` cuts them, and anything it cannot do quickly (floats, groups
    other than threes, huge values) it hands to ``format_amount``.
    """

    def __init__(self) -> None:
        language = get_language()
        grouping = formats.get_format("NUMBER_GROUPING", language)
        self._grouped_by_three = grouping == 3
        self._decimal_separator: str = formats.get_format("DECIMAL_SEPARATOR", language)
        self._thousand_separator: str = formats.get_format("THOUSAND_SEPARATOR", language)
        self._written: dict[Decimal | int, str] = {}

    def __call__(self, value: Number | None) -> str:
        if value is None:
            return EMPTY
        if (
            not self._grouped_by_three
            # a float's digits are its repr's, which number_format alone follows
            or isinstance(value, bool | float)
            or (isinstance(value, Decimal) and not value.is_finite())
        ):
            return format_amount(value)
        text = self._written.get(value)
        if text is None:
            text = self._written[value] = self._write(Decimal(value))
        return text

    def _write(self, exact: Decimal) -> str:
        if exact.adjusted() >= FAST_AMOUNT_DIGITS:
            return format_amount(exact)
        # number_format writes an amount under a cent as zero, without its sign.
        cents = Decimal(0) if abs(exact) < KOPECK else exact.quantize(KOPECK, rounding=ROUND_DOWN)
        written = f"{cents:,.2f}"  # "-1,234.50": the last three characters are the point and cents
        return (
            written[:-3].replace(",", self._thousand_separator)
            + self._decimal_separator
            + written[-2:]
        )


def format_money(value: Number) -> str:
    sign = "-" if value < 0 else ""
    amount = format_amount(-value if value < 0 else value)
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    if language in SYMBOL_AFTER_AMOUNT:
        return f"{sign}{amount}\xa0{currency_symbol()}"
    return f"{sign}{currency_symbol()}{amount}"


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
