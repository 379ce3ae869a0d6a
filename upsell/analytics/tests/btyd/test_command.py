import csv
import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow.csv as pa_csv
import pytest

from upsell.analytics.btyd.command import btyd_command_run
from upsell.analytics.tests.btyd.data import company_table

PROJECT = Path(__file__).resolve().parents[4]


@pytest.fixture
def orders_csv(tmp_path):
    """Two years of a small company's orders, with Russian-style column names."""
    table = company_table(
        seed=21,
        customers=60,
        start=dt.date(2023, 1, 1),
        end=dt.date(2024, 12, 31),
        mean_days_between_orders=20.0,
        dropout=True,
    ).rename_columns(["клиент", "дата", "сумма"])
    path = tmp_path / "orders.csv"
    pa_csv.write_csv(table, path)
    return path


def _rows(path):
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _run(orders_csv, out, **overrides):
    arguments = {
        "transactions_path": orders_csv,
        "calibration_end": dt.date(2024, 9, 30),
        "holdout_end": dt.date(2024, 12, 31),
        "model": "auto",
        "customer_column": "клиент",
        "date_column": "дата",
        "amount_column": "сумма",
        "freq": "D",
        "out_path": out,
    }
    return btyd_command_run(**(arguments | overrides))


def test_auto_chooses_by_backtest_and_writes_forecasts_with_actuals(orders_csv, tmp_path):
    # given a file that covers the holdout quarter
    out = tmp_path / "forecast.csv"

    # when the command runs with model choice by backtest
    report = _run(orders_csv, out)

    # then it reports the chosen model with its fit and the candidates' inner-split scores
    assert report["model"] == "pnbd"
    assert report["blend"] == [{"model": "pnbd", "weight": 1.0}]
    assert report["requested"] == "auto"
    assert report["identifiable"] is True
    assert set(report["params"]) == {"r", "alpha", "s", "beta"}
    assert report["time_unit"] == "day"
    assert report["holdout_end"] == "2024-12-31"
    assert report["backtest"]["folds"] == [
        {"fit_to": "2024-06-30", "scored_to": "2024-09-30"},
        {"fit_to": "2024-07-23", "scored_to": "2024-09-30"},
        {"fit_to": "2024-08-15", "scored_to": "2024-09-30"},
    ]
    candidates = report["backtest"]["candidates"]
    assert list(candidates) == ["bgnbd", "pnbd", "nbd", "historic_rate"]
    assert all(candidate["eligible"] for candidate in candidates.values())
    assert report["backtest"]["chosen"]["label"] == "pnbd"
    assert round(report["backtest"]["chosen"]["score"], 4) == 1.0026
    assert report["actuals"] is True
    assert report["actuals_through"] == "2024-12-29"

    # and writes one row per client known by the calibration end, with the actual quarter
    rows = _rows(out)
    assert len(rows) == report["customers"] == 60
    assert list(rows[0]) == [
        "customer",
        "frequency",
        "recency",
        "T",
        "expected_transactions",
        "expected_spend",
        "probability_alive",
        "actual_transactions",
        "actual_spend",
    ]
    # The file's rows add up to the report: 52.113 purchases expected in the quarter, 51 made.
    assert round(report["expected_transactions"], 3) == 52.113
    assert report["actual_transactions"] == 51.0
    assert round(sum(float(row["expected_transactions"]) for row in rows), 3) == 52.113
    assert sum(float(row["actual_transactions"]) for row in rows) == 51.0


def test_auto_names_the_chosen_blend_with_its_weights(tmp_path):
    # given clients who never leave: BG/NBD runs to its no-dropout boundary
    path = tmp_path / "orders.csv"
    pa_csv.write_csv(
        company_table(
            seed=7,
            customers=60,
            start=dt.date(2023, 1, 1),
            end=dt.date(2024, 12, 31),
            mean_days_between_orders=20.0,
            dropout=False,
        ),
        path,
    )

    report = _run(
        path,
        tmp_path / "forecast.csv",
        customer_column="customer",
        date_column="date",
        amount_column="amount",
    )

    # then the inner backtest chose a blend, and BG/NBD in it is its NBD limit
    assert report["model"] == "blend"
    assert report["blend"] == [
        {"model": "bgnbd", "weight": 0.51},
        {"model": "historic_rate", "weight": 0.49},
    ]
    assert report["fits"]["bgnbd"]["form"] == "nbd_limit"
    assert report["fits"]["bgnbd"]["reason"] == "the fit ran to the boundary: a → 0, b → ∞"
    assert report["backtest"]["chosen"]["label"] == "0.51 bgnbd + 0.49 historic_rate"
    assert report["params"] == {}


def test_without_a_holdout_end_the_forecast_runs_a_year_and_has_no_actuals(orders_csv, tmp_path):
    out = tmp_path / "forecast.csv"

    report = _run(orders_csv, out, holdout_end=None, model="pnbd")

    assert report["model"] == "pnbd"
    assert report["backtest"] == {}
    assert report["holdout_end"] == "2025-09-30"
    assert report["actuals"] is False
    assert "actual_transactions" not in _rows(out)[0]


def test_a_missing_column_is_reported_with_the_file_and_nothing_is_written(orders_csv, tmp_path):
    out = tmp_path / "forecast.csv"

    with pytest.raises(ValueError, match=r"orders\.csv: no column 'amount'"):
        _run(orders_csv, out, amount_column="amount")

    assert not out.exists()


def test_the_management_command_prints_the_report_as_json(orders_csv, tmp_path):
    # given the console entry point, as an analyst runs it
    out = tmp_path / "forecast.csv"
    environment = os.environ | {"DJANGO_SETTINGS_MODULE": "upsell.config.settings_test"}

    # when called on the file with explicit options
    completed = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-m",
            "upsell",
            "btyd",
            str(orders_csv),
            "--calibration-end",
            "2024-09-30",
            "--holdout-end",
            "2024-12-31",
            "--model",
            "bgnbd",
            "--customer-col",
            "клиент",
            "--date-col",
            "дата",
            "--amount-col",
            "сумма",
            "--freq",
            "W",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=PROJECT,
        env=environment,
        timeout=120,
    )

    # then it prints the model, its parameters and log-likelihood, and writes the forecasts
    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout)
    assert report["model"] == "bgnbd"
    assert report["time_unit"] == "week"
    assert report["log_likelihood"] < 0
    assert len(_rows(out)) == 60


def test_the_management_command_refuses_a_bad_date(orders_csv, tmp_path):
    completed = subprocess.run(  # noqa: S603
        [
            *(sys.executable, "-m", "upsell", "btyd", str(orders_csv)),
            *("--calibration-end", "30.09.2024", "--out", str(tmp_path / "forecast.csv")),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=PROJECT,
        env=os.environ | {"DJANGO_SETTINGS_MODULE": "upsell.config.settings_test"},
        timeout=120,
    )
    assert completed.returncode == 2
    assert "'30.09.2024' is not a date (YYYY-MM-DD)" in completed.stderr
    assert not (tmp_path / "forecast.csv").exists()
