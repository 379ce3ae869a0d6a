"""DuckDB and Spark give identical progress and stock tables: same rows, exact decimals."""

from decimal import Decimal

import pyarrow as pa
import pytest

from benchmarks.bench_programs import AS_OF, programs_generate
from upsell.analytics.engines import Engine
from upsell.analytics.programs import ProgramKind, program_progress
from upsell.analytics.tests.programs.builders import (
    day,
    member,
    members_table,
    orders_table,
    payments_table,
    stock_table,
    tiers_table,
)

pytestmark = pytest.mark.spark

# Kinds the synthetic company does not hold, and the edges: a return making purchases
# negative, an order paid in advance, a period not started and one already over.
EDGE_MEMBERS = [
    member(6, 9001, ProgramKind.ADVANCE_DISCOUNT),
    member(7, 9002, ProgramKind.RETRO_BONUS),
    member(1, 9003, ProgramKind.RETRO_BONUS, start=day(10, 1), end=day(12, 31)),
    member(1, 9004, ProgramKind.RETRO_BONUS, start=day(1, 1), end=day(3, 31)),
]
EDGE_TIERS = [(6, "0.00", "5.00"), (7, "0.00", "2.50")]
EDGE_ORDERS = [
    (9001, day(2, 1), "80000.00"),
    (9001, day(2, 2), "30000.00"),
    (9002, day(1, 10), "-1000.10"),
    (9003, day(9, 1), "700000.00"),
    (9004, day(3, 1), "600000.00"),
    (9004, day(5, 1), "900000.00"),
]
EDGE_PAYMENTS = [(9001, day(1, 20), "100000.00")]


@pytest.fixture(scope="module")
def company():
    company = programs_generate(clients=300, documents=2400, seed=5)
    company["members"] = pa.concat_tables([company["members"], members_table(EDGE_MEMBERS)])
    company["tiers"] = pa.concat_tables([company["tiers"], tiers_table(EDGE_TIERS)])
    company["orders"] = pa.concat_tables([company["orders"], orders_table(EDGE_ORDERS)])
    company["payments"] = pa.concat_tables([company["payments"], payments_table(EDGE_PAYMENTS)])
    return company


def test_progress_is_identical_on_both_engines(company, spark_session):
    def progress(engine):
        return program_progress(session=engine, as_of=AS_OF, reach_share=Decimal("0.2"), **company)

    duckdb_rows = progress(Engine.DUCKDB).to_pylist()
    spark_rows = progress(spark_session).to_pylist()

    assert len(duckdb_rows) == company["members"].num_rows
    accrued_kinds = {
        row["program_id"] for row in duckdb_rows if row["accrued"] and row["accrued"] > 0
    }
    assert accrued_kinds == {1, 2, 3, 6}
    assert spark_rows == duckdb_rows


def test_stock_is_identical_on_both_engines(spark_session):
    members = [
        member(8, client, ProgramKind.GUARANTEED_STOCK, start=day(4, 1)) for client in (1, 2)
    ]
    commitments = [(8, 1, 9, "10.500"), (8, 1, 8, "2.000"), (8, 2, 9, "1.250")]
    lines = [
        (1, day(4, 3), 9, "4.250"),
        (1, day(4, 28), 9, "3.125"),
        (1, day(5, 10), 8, "12.000"),
        (2, day(3, 31), 9, "1.000"),
        (2, day(6, 30), 9, "2.500"),
    ]

    def stock(engine):
        return stock_table(
            members, commitments=commitments, lines=lines, as_of=day(7, 15), engine=engine
        ).to_pylist()

    duckdb_rows = stock(Engine.DUCKDB)

    assert len(duckdb_rows) == 12
    assert stock(spark_session) == duckdb_rows
