"""The audit overview's figures, read from the stored audit as the audit stores it: budgets
sorted and cut by the database, the status migration between two month-ends."""

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest

from upsell.clients.services import client_audits_replace, client_status_months_replace
from upsell.clients.tests.factories import ClientFactory
from upsell.reporting.selectors import Migration, budget_captures, status_migration_matrix

AS_OF = dt.date(2026, 6, 15)


def _audit(client, budget: str, bought: str, to_competitors: str) -> dict[str, object]:
    return {
        "client_id": client.pk, "as_of": AS_OF, "computed_status": "regular",
        "status_rule": "regular", "perspective": 50, "abc_class": "B", "xyz_class": "Y",
        "revenue_365": Decimal(bought), "last_order_date": AS_OF, "orders_365": 3,
        "annual_budget": Decimal(budget), "bought_budget_year": Decimal(bought),
        "share_of_wallet": float(Decimal(bought) / Decimal(budget)),
        "competitors_amount": Decimal(to_competitors),
    }  # fmt: skip


@pytest.fixture
def budgets(manager_anna, manager_boris):
    clients = {
        name: ClientFactory.create(name=name, manager=manager, plans_budget=True)
        for name, manager in (
            ("Гамма", manager_anna),
            ("Альфа", manager_anna),
            ("Бета", manager_anna),
            ("Дельта", manager_boris),
        )
    }
    # Amounts whose order as text ("9…" above "1…") is not their order as numbers.
    client_audits_replace(
        frame=pl.DataFrame([
            _audit(clients["Гамма"], "2000000.00", "1910000.50", "89999.50"),
            _audit(clients["Альфа"], "1500000.00", "300000.00", "1200000.00"),
            _audit(clients["Бета"], "900000.00", "0.00", "900000.00"),
            _audit(clients["Дельта"], "5000000.00", "0.00", "5000000.00"),
        ])
    )  # fmt: skip
    return clients


def test_the_biggest_budget_going_to_competitors_comes_first(head_of_sales, budgets):
    captures = budget_captures(user=head_of_sales)

    assert [(c.client.name, c.budget, c.bought, c.to_competitors) for c in captures] == [
        ("Дельта", Decimal("5000000.00"), Decimal("0.00"), Decimal("5000000.00")),
        ("Альфа", Decimal("1500000.00"), Decimal("300000.00"), Decimal("1200000.00")),
        ("Бета", Decimal("900000.00"), Decimal("0.00"), Decimal("900000.00")),
        ("Гамма", Decimal("2000000.00"), Decimal("1910000.50"), Decimal("89999.50")),
    ]
    assert captures[1].share_of_wallet == 0.2


def test_the_database_cuts_the_budgets_to_the_first_few(
    head_of_sales, budgets, django_assert_num_queries
):
    with django_assert_num_queries(1):
        captures = budget_captures(user=head_of_sales, limit=2)

    assert [capture.client.name for capture in captures] == ["Дельта", "Альфа"]


def test_a_manager_sees_the_budgets_of_its_own_clients_only(manager_boris, budgets):
    assert [c.client.name for c in budget_captures(user=manager_boris)] == ["Дельта"]


def _history(rows: list[tuple[int, dt.date, str, str]]) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {"client_id": client_id, "month": month, "status": status,
             "status_rule": status or "none", "revenue_365": revenue}
            for client_id, month, status, revenue in rows
        ],
        schema={"client_id": pl.Int64, "month": pl.Date, "status": pl.String,
                "status_rule": pl.String, "revenue_365": pl.String},
    )  # fmt: skip


def test_the_migration_counts_clients_from_each_status_to_each(head_of_sales, manager_anna):
    regular, lapsing, newcomer = (
        ClientFactory.create(name=name, manager=manager_anna) for name in ("А", "Б", "В")
    )
    before, after = dt.date(2025, 6, 1), dt.date(2026, 6, 1)
    client_status_months_replace(
        history=_history(
            [
                (regular.pk, before, "regular", "1000.00"),
                (regular.pk, after, "vip", "4000.00"),
                (lapsing.pk, before, "regular", "3000.00"),
                (lapsing.pk, after, "lapsing", "500.00"),
                # Not yet buying a year before: it comes from no status.
                (newcomer.pk, after, "new", "250.00"),
            ]
        )
    )

    migrations = status_migration_matrix(user=head_of_sales, month_from=before, month_to=after)

    assert migrations == [
        Migration(
            from_status="", to_status="new", clients=1,
            revenue_from=Decimal("0.00"), revenue_to=Decimal("250.00"),
        ),
        Migration(
            from_status="regular", to_status="lapsing", clients=1,
            revenue_from=Decimal("3000.00"), revenue_to=Decimal("500.00"),
        ),
        Migration(
            from_status="regular", to_status="vip", clients=1,
            revenue_from=Decimal("1000.00"), revenue_to=Decimal("4000.00"),
        ),
    ]  # fmt: skip
