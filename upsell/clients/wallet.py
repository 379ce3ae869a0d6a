"""Share of wallet by month: a budgeting client's month budgets against what it was shipped.

The budget is all the client means to spend on our kind of goods, from us and from the
competitors together: what we did not ship of it, the competitors took. What a client was
shipped in a month is the shipments app's answer (``shipped_per_month``), the same figure the
forecast grid and the reports show.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from upsell.clients.models import Client
from upsell.clients.selectors import client_budget_months, clients_budget_month
from upsell.core.months import month_add
from upsell.shipments.selectors import shipped_per_client, shipped_per_month

# A share is kept to a hundredth of a percent.
SHARE_PLACES = 4
QUARTER_MONTHS = 3


@dataclass(frozen=True, kw_only=True)
class WalletPeriod:
    """A run of months, ``first`` to ``last`` (each the month's first day)."""

    first: dt.date
    last: dt.date
    budget: Decimal
    shipped: Decimal

    @property
    def share(self) -> float | None:
        """What we shipped as a part of the budget; None when nothing was budgeted."""
        if not self.budget:
            return None
        return round(float(self.shipped / self.budget), SHARE_PLACES)

    @property
    def competitors(self) -> Decimal:
        """What the competitors took: the budget we did not ship, never below nothing."""
        return max(self.budget - self.shipped, Decimal("0.00"))


@dataclass(frozen=True, kw_only=True)
class ClientWallet:
    year: int
    months: tuple[WalletPeriod, ...]
    quarters: tuple[WalletPeriod, ...]
    total: WalletPeriod


def _period(months: tuple[WalletPeriod, ...]) -> WalletPeriod:
    return WalletPeriod(
        first=months[0].first,
        last=months[-1].last,
        budget=sum((month.budget for month in months), Decimal("0.00")),
        shipped=sum((month.shipped for month in months), Decimal("0.00")),
    )


def client_wallet(*, client: Client, year: int) -> ClientWallet | None:
    """The client's share of wallet in each month of ``year``, each quarter and the year; None
    when it planned no month of that year. A month it planned nothing for has a budget of 0."""
    budgets = client_budget_months(client=client, year=year)
    if not budgets:
        return None
    first = dt.date(year, 1, 1)
    shipped = shipped_per_month(first=first, end=dt.date(year + 1, 1, 1), clients=[client.pk])
    months = tuple(
        WalletPeriod(
            first=month,
            last=month,
            budget=budgets.get(month, Decimal("0.00")),
            shipped=shipped.get((client.pk, month), Decimal("0.00")),
        )
        for month in (month_add(first, index) for index in range(12))
    )
    return ClientWallet(
        year=year,
        months=months,
        quarters=tuple(
            _period(months[start : start + QUARTER_MONTHS])
            for start in range(0, 12, QUARTER_MONTHS)
        ),
        total=_period(months),
    )


def clients_wallet_month(
    *, clients: list[int], month: dt.date, shipped: Mapping[int, Decimal] | None = None
) -> dict[int, WalletPeriod]:
    """The share of wallet in ``month`` (its first day) of each of ``clients`` that budgeted
    it, by client id: the month of ``client_wallet`` for many clients at once. ``shipped`` is
    ``shipped_per_client`` of that month for (at least) those clients, when the caller has it in
    hand; it is read here otherwise."""
    budgets = clients_budget_month(clients=clients, month=month)
    if not budgets:
        return {}
    if shipped is None:
        shipped = shipped_per_client(first=month, end=month_add(month, 1), clients=list(budgets))
    return {
        client_id: WalletPeriod(
            first=month,
            last=month,
            budget=budget,
            shipped=shipped.get(client_id, Decimal("0.00")),
        )
        for client_id, budget in budgets.items()
    }
