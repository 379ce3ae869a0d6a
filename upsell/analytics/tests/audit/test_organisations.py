"""Per organisation, a branch's documents are its head organisation's, and the head's results
are copied to each branch."""

import datetime as dt
from decimal import Decimal

import pyarrow as pa

from upsell.analytics.audit import audit_clients
from upsell.analytics.audit.organisations import branches_drop, branches_pool, branches_spread
from upsell.analytics.contracts import BRANCHES_SCHEMA
from upsell.analytics.settings import AuditSettings
from upsell.analytics.tests.audit.builders import (
    D,
    clients_table,
    days_before,
    orders_table,
    payments_table,
)

HEAD, NORTH, SOUTH, OTHER = 1, 2, 3, 4
BRANCHES = pa.table({"client_id": [NORTH, SOUTH], "head_id": [HEAD, HEAD]}, schema=BRANCHES_SCHEMA)


def test_a_branchs_documents_become_its_head_organisations() -> None:
    orders = orders_table(
        [(NORTH, days_before(200), "500.00"), (SOUTH, days_before(12), "700.00"),
         (OTHER, days_before(30), "90.00"), (HEAD, days_before(40), "10.00")]
    )  # fmt: skip
    payments = payments_table([(SOUTH, days_before(5), "700.00", None)])

    pooled = branches_pool(table=orders, branches=BRANCHES)

    assert pooled.schema == orders.schema
    assert pooled.column("client_id").to_pylist() == [HEAD, HEAD, OTHER, HEAD]
    assert pooled.column("order_id").to_pylist() == [1, 2, 3, 4]
    assert branches_pool(table=payments, branches=BRANCHES).column("client_id").to_pylist() == [
        HEAD
    ]


def test_the_buyers_per_organisation_are_the_clients_that_are_not_branches() -> None:
    clients = clients_table([{"client_id": number} for number in (HEAD, NORTH, SOUTH, OTHER)])

    assert branches_drop(clients=clients, branches=BRANCHES).column("client_id").to_pylist() == [
        HEAD,
        OTHER,
    ]


def test_each_branch_gets_a_copy_of_its_head_organisations_rows() -> None:
    history = pa.table(
        {
            "client_id": pa.array([HEAD, HEAD, OTHER], pa.int64()),
            "month": [dt.date(2025, 5, 1), dt.date(2025, 6, 1), dt.date(2025, 5, 1)],
            "status": ["new", None, "lost"],
            "revenue_365": pa.array(
                [Decimal("5.00"), Decimal("6.00"), Decimal("7.00")], pa.decimal128(18, 2)
            ),
        }
    )

    spread = branches_spread(table=history, branches=BRANCHES, sort_keys=("client_id", "month"))

    assert spread.schema == history.schema
    assert [tuple(row.values()) for row in spread.to_pylist()] == [
        (HEAD, dt.date(2025, 5, 1), "new", Decimal("5.00")),
        (HEAD, dt.date(2025, 6, 1), None, Decimal("6.00")),
        (NORTH, dt.date(2025, 5, 1), "new", Decimal("5.00")),
        (NORTH, dt.date(2025, 6, 1), None, Decimal("6.00")),
        (SOUTH, dt.date(2025, 5, 1), "new", Decimal("5.00")),
        (SOUTH, dt.date(2025, 6, 1), None, Decimal("6.00")),
        (OTHER, dt.date(2025, 5, 1), "lost", Decimal("7.00")),
    ]


def test_the_pooled_audit_calls_the_organisation_regular_where_its_branch_is_lost() -> None:
    orders = orders_table(
        [(NORTH, days_before(days), "500.00") for days in (400, 350, 300, 250, 200)]
        + [(SOUTH, days_before(days), "700.00") for days in (12, 53, 94, 135, 176)]
    )
    clients = clients_table([{"client_id": number} for number in (HEAD, NORTH, SOUTH)])

    def statuses(orders: pa.Table, clients: pa.Table) -> dict[int, tuple[str, str]]:
        audit = audit_clients(
            orders, clients, payments_table([]), as_of=D, settings=AuditSettings()
        )
        audit = branches_spread(table=audit, branches=BRANCHES, sort_keys=("client_id",))
        return {row["client_id"]: (row["status"], row["status_rule"]) for row in audit.to_pylist()}

    per_branch = audit_clients(
        orders, clients, payments_table([]), as_of=D, settings=AuditSettings()
    )
    assert {row["client_id"]: row["status"] for row in per_branch.to_pylist()} == {
        HEAD: None,
        NORTH: "lost",
        SOUTH: "vip",
    }
    assert statuses(
        branches_pool(table=orders, branches=BRANCHES),
        branches_drop(clients=clients, branches=BRANCHES),
    ) == {
        HEAD: ("vip", "regular_in_abc_a"),
        NORTH: ("vip", "regular_in_abc_a"),
        SOUTH: ("vip", "regular_in_abc_a"),
    }
