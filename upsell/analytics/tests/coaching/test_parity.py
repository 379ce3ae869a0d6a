"""DuckDB and Spark give identical figures per manager and month, and so identical effects."""

import datetime as dt

import pytest

from upsell.analytics.coaching import coaching_effects, manager_months
from upsell.analytics.engines import Engine
from upsell.analytics.tests.coaching.builders import managers_table, periods_table, team_generate

pytestmark = pytest.mark.spark


def test_figures_and_effects_are_identical_on_both_engines(spark_session):
    team = team_generate(
        managers=6,
        months=[dt.date(2026, month, 1) for month in range(1, 6)],
        deals_per_month=12,
        win_rate=0.45,
        coached=2,
        coached_from=dt.date(2026, 3, 1),
        planted=0.2,
        seed=4,
    )
    duckdb = manager_months(session=Engine.DUCKDB, **team)
    spark = manager_months(session=spark_session, **team)

    assert duckdb[0].num_rows == 30
    assert spark[0].to_pylist() == duckdb[0].to_pylist()
    assert spark[1].to_pylist() == duckdb[1].to_pylist()

    def effects(figures, closed):
        return coaching_effects(
            figures=figures,
            closed_deals=closed,
            managers=managers_table(list(range(1, 7))),
            periods=periods_table([(1, 2, dt.date(2026, 3, 1), dt.date(2026, 4, 30))]),
            as_of=dt.date(2026, 6, 1),
        ).to_pylist()

    assert effects(*spark) == effects(*duckdb)
