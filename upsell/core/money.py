"""Money and quantities: their quantum and the widest values the columns hold.

Every amount is a ``Decimal`` of kopecks (two decimals) with at most fourteen digits before the
point (``money_field``); a quantity has three decimals and at most twelve digits before the
point. On SQLite a decimal column is stored as a float, exact to fifteen significant digits,
so the limits keep every stored amount within what reads back as the same Decimal.
"""

from decimal import ROUND_HALF_UP, Decimal

KOPECK = Decimal("0.01")
QUANTITY_QUANTUM = Decimal("0.001")
# The first value a column can no longer hold: money 14 digits before the point, quantities 12.
MONEY_LIMIT = Decimal(10) ** 14
QUANTITY_LIMIT = Decimal(10) ** 12
MONEY_MAX = MONEY_LIMIT - KOPECK


def money_round(value: Decimal) -> Decimal:
    """``value`` to the kopeck, half up, as a bookkeeper rounds (not to the even neighbour)."""
    return value.quantize(KOPECK, rounding=ROUND_HALF_UP)
