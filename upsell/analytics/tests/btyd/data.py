"""Data for the BTYD tests: the CDNOW sample shipped in the lifetimes wheel, and small
company histories simulated with a fixed seed."""

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from importlib import resources

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv

from upsell.analytics.btyd.summary import Transactions, transactions_from_table
from upsell.analytics.contracts import BUDGETS_SCHEMA, MONTH_BUDGETS_LEFT_SCHEMA

# lifetimes.datasets needs pkg_resources, so its files are read directly.
_DATASETS = resources.files("lifetimes") / "datasets"
CDNOW_CALIBRATION_END = dt.date(1997, 9, 30)  # 39 weeks after 1997-01-01


def cdnow_summary() -> pa.Table:
    """ID, frequency, recency, T (weeks) of the 2 357 customers, 39-week calibration."""
    with resources.as_file(_DATASETS / "cdnow_customers_summary.csv") as path:
        return pa_csv.read_csv(path)


def cdnow_summary_with_spend() -> pa.Table:
    """ID, x, t_x, T, zbar: the same customers with their average repeat spend (rounded)."""
    with resources.as_file(_DATASETS / "cdnow_customers_summary_with_transactions.csv") as path:
        return pa_csv.read_csv(path)


def cdnow_transactions() -> Transactions:
    """The 6 919 purchases of the sample: master id, sample id, date, CDs, dollars."""
    with resources.as_file(_DATASETS / "CDNOW_sample.txt") as path:
        lines = path.read_text().split()
    fields = np.array(lines, dtype=object).reshape(-1, 5)
    table = pa.table(
        {
            "customer": fields[:, 1].astype(str),
            "date": pa.array([dt.date.fromisoformat(value) for value in fields[:, 2]]),
            "amount": fields[:, 4].astype(float),
        }
    )
    return transactions_from_table(
        table=table, customer_column="customer", date_column="date", amount_column="amount"
    )


def company_table(
    *,
    seed: int,
    customers: int,
    start: dt.date,
    end: dt.date,
    mean_days_between_orders: float,
    dropout: bool,
) -> pa.Table:
    """Orders of a B2B company: clients acquired over the first half of the period, each
    ordering as a Poisson process (rates varying across clients) and, with ``dropout``,
    leaving for good after each order with a client-specific probability. Order amounts
    are gamma-distributed around a client-specific mean."""
    rng = np.random.default_rng(seed)
    days = (end - start).days
    first = rng.integers(0, days // 2, size=customers)
    rate = rng.gamma(2.0, 1.0 / (2.0 * mean_days_between_orders), size=customers)
    leave = rng.beta(1.0, 6.0, size=customers) if dropout else np.zeros(customers)
    mean_amount = rng.gamma(4.0, 25_000.0, size=customers)
    names, dates, amounts = [], [], []
    for client in range(customers):
        day = float(first[client])
        while day <= days:
            names.append(f"client-{client:03d}")
            dates.append(start + dt.timedelta(days=int(day)))
            amounts.append(round(float(rng.gamma(5.0, mean_amount[client] / 5.0)), 2))
            if rng.random() < leave[client]:
                break
            day += rng.exponential(1.0 / rate[client])
    return pa.table({"customer": names, "date": pa.array(dates), "amount": amounts})


def table_transactions(table: pa.Table) -> Transactions:
    return transactions_from_table(
        table=table,
        customer_column="customer",
        date_column="date",
        amount_column="amount",
    )


def budgets_table(rows: Sequence[tuple[int, int, str, str]]) -> pa.Table:
    """(client_id, budget year, budget, bought in that year) rows."""
    return pa.Table.from_pylist(
        [
            {
                "client_id": client_id,
                "budget_year": year,
                "annual_budget": Decimal(budget),
                "bought": Decimal(bought),
            }
            for client_id, year, budget, bought in rows
        ],
        schema=BUDGETS_SCHEMA,
    )


def month_budgets_left_table(rows: Sequence[tuple[int, dt.date, str]]) -> pa.Table:
    """(client_id, month, budget left) rows."""
    return pa.Table.from_pylist(
        [
            {"client_id": client_id, "month": month, "left": Decimal(left)}
            for client_id, month, left in rows
        ],
        schema=MONTH_BUDGETS_LEFT_SCHEMA,
    )
