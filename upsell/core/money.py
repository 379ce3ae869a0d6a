"""Money and quantities, in one place: their quantum, the widest values the columns hold,
reading one from a person's text, checking it, and writing it as the reader's language does.

Every amount is a ``Decimal`` of kopecks (two decimals) with at most thirteen digits before the
point; a quantity has three decimals and at most twelve digits before the point. The columns
are wider (``money_field``); these bounds, checked wherever a figure comes in, keep every value
exact on both databases. A file import reads whole columns at once with the same limits
(``upsell.imports.formats.values``).

Russian writes ``1 234 567,89 ₽``, English ``₽1,234,567.89``. The currency is the system's
(``settings.UPSELL_CURRENCY``).
"""

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _

KOPECK = Decimal("0.01")
QUANTITY_QUANTUM = Decimal("0.001")
# The first value the product no longer takes: money 13 digits before the point, quantities 12.
# SQLite keeps a decimal column as a float, exact to 15 significant digits: 13 + 2 and 12 + 3
# read back as the very Decimal written, on SQLite as on PostgreSQL (whose columns are wider).
MONEY_WHOLE_DIGITS, QUANTITY_WHOLE_DIGITS = 13, 12
MONEY_LIMIT = Decimal(10) ** MONEY_WHOLE_DIGITS
QUANTITY_LIMIT = Decimal(10) ** QUANTITY_WHOLE_DIGITS
MONEY_MAX = MONEY_LIMIT - KOPECK
# What a table shows for an empty value, so that a cell is never blank by accident.
EMPTY = "—"
# As the columns declare them: digits in all and after the point (wider than the bounds above).
MONEY_DIGITS, MONEY_PLACES = 16, 2
QUANTITY_DIGITS, QUANTITY_PLACES = 15, 3


def money_round(value: Decimal) -> Decimal:
    """``value`` to the kopeck, half up, as a bookkeeper rounds (not to the even neighbour)."""
    return value.quantize(KOPECK, rounding=ROUND_HALF_UP)


def money_parse(value: Any) -> Decimal:
    """An amount as a person or a spreadsheet writes it (``1 234,5``, ``1234.50``, a number);
    ``ValueError`` for anything else. It is not checked: see ``money_problem``."""
    if isinstance(value, bool) or value is None:
        raise ValueError(value)
    if isinstance(value, int | float):
        text = str(value)
    else:
        text = str(value).replace("\xa0", "").replace("\u202f", "").replace(" ", "")
        text = text.replace(",", ".")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(value) from None
    if not amount.is_finite():
        raise ValueError(value)
    return amount


def money_problem(amount: Decimal) -> str | None:
    """Why ``amount`` cannot be stored as money (negative, too large, finer than a kopeck)."""
    if not amount.is_finite():
        return _("Enter an amount.")
    if amount < 0:
        return _("An amount cannot be negative.")
    if amount >= MONEY_LIMIT:
        return _("The amount is too large.")
    if amount != amount.quantize(KOPECK, rounding=ROUND_DOWN):
        return _("An amount has at most 2 decimals.")
    return None


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


MILLION = Decimal(1_000_000)


def format_millions(value: Number) -> str:
    """An amount in millions with one decimal, for totals whose kopecks are noise:
    ``4,2 млн`` / ``4.2 M``."""
    millions = (Decimal(str(value)) / MILLION).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return _("%(amount)s M") % {
        "amount": formats.number_format(millions, decimal_pos=1, force_grouping=True)
    }
