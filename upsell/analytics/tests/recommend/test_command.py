import csv
import datetime as dt
import json
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pyarrow.csv as pa_csv
import pytest

from upsell.analytics.recommend.command import OUTPUT_COLUMNS, recommend_command_run
from upsell.analytics.recommend.simulate import lines_simulate

PROJECT = Path(__file__).resolve().parents[4]
HEADER = "клиент,товар,дата,количество,сумма\n"


@pytest.fixture(scope="module")
def lines_csv(tmp_path_factory):
    """A year of 120 clients' lines in 3 clusters, with Russian column names."""
    table = lines_simulate(
        clients=120,
        items=30,
        clusters=3,
        start=dt.date(2024, 1, 1),
        end=dt.date(2024, 12, 31),
        seed=11,
        mean_basket=6,
        share_in_cluster=0.9,
    ).rename_columns(["клиент", "товар", "дата", "количество", "сумма"])
    path = tmp_path_factory.mktemp("lines") / "lines.csv"
    pa_csv.write_csv(table, path)
    return path


def _run(path, **overrides):
    arguments = {
        "lines_path": path,
        "calibration_end": dt.date(2024, 9, 30),
        "holdout_end": dt.date(2024, 12, 31),
        "k": 5,
        "model": "auto",
        "client_column": "клиент",
        "item_column": "товар",
        "date_column": "дата",
        "quantity_column": "количество",
        "amount_column": "сумма",
        "max_rows": 1_000_000,
        "max_columns": 256,
    }
    return recommend_command_run(**(arguments | overrides))


def _file(tmp_path, text, name="lines.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _net_bought(path, through):
    """(client, item) pairs with a positive net quantity up to ``through``, read plainly."""
    net: dict[tuple[str, str], float] = defaultdict(float)
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["дата"].strip('"') <= through:
                net[row["клиент"], row["товар"]] += float(row["количество"])
    return {pair for pair, quantity in net.items() if quantity > 0}


def test_the_command_scores_the_models_and_recommends_with_the_chosen_one(lines_csv):
    report, table = _run(lines_csv)

    assert report["model"] == "ease"
    assert report["requested"] == "auto"
    assert report["params"] == {"lambda": 1000.0}
    assert (report["lines"], report["lines_after_holdout_end"]) == (830, 0)
    assert (report["clients"], report["items"]) == (120, 30)
    backtest = report["backtest"]
    assert (
        backtest["clients_scored"],
        backtest["clients_without_new_items"],
        backtest["clients_new_in_holdout"],
    ) == (73, 42, 5)
    assert {
        model: (round(score["recall_at_k"], 4), round(score["ndcg_at_k"], 4))
        for model, score in backtest["models"].items()
        if score["eligible"]
    } == {"popular": (0.5183, 0.3549), "itemknn": (0.8037, 0.6359), "ease": (0.7945, 0.666)}
    assert [entry["lambda"] for entry in backtest["models"]["ease"]["lambda_grid"]] == [
        10.0,
        100.0,
        1000.0,
    ]
    assert backtest["models"]["als"]["reason"].startswith("needs a Spark session")
    assert report["recommendations"] == {
        "fitted_through": "2024-12-31",
        "clients": 120,
        "rows": 600,
    }

    # every client gets 5 items in rank order, never one it had bought by the holdout end
    assert table.column_names == list(OUTPUT_COLUMNS)
    rows = table.to_pylist()
    assert len(rows) == 600
    assert [row["rank"] for row in rows[:5]] == [1, 2, 3, 4, 5]
    already = _net_bought(lines_csv, "2024-12-31")
    assert not [row for row in rows if (row["customer_id"], row["item_id"]) in already]
    # and the reason is a count in the file: of the buyers of one of the client's items, how
    # many buy the item offered
    first = rows[0]
    assert (first["customer_id"], first["item_id"], first["because_of"]) == ("0", "16", "10")
    assert ("0", "10") in already
    buyers_of_10 = {client for client, item in already if item == "10"}
    buyers_of_both = {client for client in buyers_of_10 if (client, "16") in already}
    assert (first["among"], first["buyers"]) == (len(buyers_of_10), len(buyers_of_both)) == (39, 29)


def test_a_named_model_is_the_only_one_scored(lines_csv):
    report, table = _run(lines_csv, model="popular", k=3)

    assert report["model"] == "popular"
    assert list(report["backtest"]["models"]) == ["popular"]
    assert table.num_rows == 360
    assert set(table.column("because_of").to_pylist()) == {""}


def test_returns_cancel_a_purchase_and_ids_sort_as_numbers(tmp_path):
    # given client 1 that returned item 10 in full, and items 9 and 10 with three buyers each,
    # in a file separated by semicolons as a Russian Excel writes it
    path = _file(
        tmp_path,
        HEADER.replace(",", ";")
        + "1;9;2024-01-10;1;100\n1;10;2024-01-10;2;200\n1;10;2024-02-01;-2;-200\n"
        + "2;9;2024-01-10;1;100\n2;10;2024-01-11;1;1 000,50\n2;10;2024-03-01;1;100\n"
        + "3;11;15.02.2024;1;100\n3;9;2024-04-02;1;100\n"
        + "4;10;2024-01-12;1;100\n5;10;2024-01-12;1;100\n6;11;2024-01-12;1;100\n",
    )

    report, table = _run(
        path, calibration_end=dt.date(2024, 3, 31), holdout_end=dt.date(2024, 6, 30),
        model="popular", k=2,
    )  # fmt: skip

    # then item 10 is offered to client 1, whose net quantity of it is 0; client 6 gets items
    # 9 and 10, equally popular, in the order of their numbers ("10" < "9" as text)
    rows = table.to_pylist()
    assert [(row["customer_id"], row["item_id"], row["rank"]) for row in rows] == [
        ("1", "10", 1),
        ("1", "11", 2),
        ("2", "11", 1),
        ("3", "10", 1),
        ("4", "9", 1),
        ("4", "11", 2),
        ("5", "9", 1),
        ("5", "11", 2),
        ("6", "9", 1),
        ("6", "10", 2),
    ]
    # item 10's buyers spent 1 000,50 + 100, 100 and 100 on it: 433.5 each; client 1's
    # returned purchase is no spend
    assert rows[0]["amount_per_buyer"] == 433.5
    assert [(row["buyers"], row["among"]) for row in rows[:2]] == [(3, 6), (2, 6)]
    assert report["backtest"]["clients_scored"] == 1


@pytest.mark.parametrize(
    ("text", "overrides", "message"),
    [
        ("", {}, "the file is empty"),
        (HEADER, {}, "the file has a header but no lines"),
        (
            "клиент,товар,дата,количество\n1,9,2024-01-10,1\n",
            {},
            "no column 'сумма'; the columns are ['клиент', 'товар', 'дата', 'количество']",
        ),
        (HEADER + "1,9,2024-01-10,1,100\n1,9,2024-31-01,1,100\n", {},
         "column 'дата', row 3: '2024-31-01' is not a date (YYYY-MM-DD or DD.MM.YYYY)"),
        (HEADER + "1,9,2024-01-10,1,100\n1,9,2024-01-11,две,100\n", {},
         "column 'количество', row 3: 'две' is not a number"),
        (HEADER + "1,9,2024-01-10,1,100\n1,,2024-01-11,1,100\n", {},
         "column 'товар' is empty in row 3"),
        (HEADER + "1,9,2024-01-10,1,100\n2,9,2024-01-11,1,100\n", {},
         "no line in the holdout, after 2024-03-31 up to 2024-06-30: "
         "the models cannot be compared"),
        (HEADER + "1,9,2024-05-10,1,100\n2,9,2024-05-11,1,100\n", {},
         "no line on or before the calibration end 2024-03-31"),
        (HEADER + "1,9,2024-01-10,1,100\n1,8,2024-05-11,1,100\n", {},
         "there is one client only: recommendations compare a client with others"),
        (HEADER + "1,9,2024-01-10,1,100\n", {"holdout_end": dt.date(2024, 3, 31)},
         "the holdout end must come after the calibration end"),
        (HEADER + "1,9,2024-01-10,1,100\n2,9,2024-01-10,1,100\n", {"max_rows": 1},
         "the file has 2 lines; a file may have 1 at most"),
        (HEADER + "1,9,2024-01-10,1,100\n", {"max_columns": 4},
         "the file has 5 columns; a file may have 4 at most"),
        (HEADER + "1,9,2024-01-10,1,100\n1,9,2024-05-11,1,100\n2,9,2024-05-11,1,100\n", {},
         "no client known by the calibration end bought a new item in the holdout: "
         "there is nothing to score the models on"),
    ],
)  # fmt: skip
def test_bad_input_is_refused_naming_the_column_row_or_reason(tmp_path, text, overrides, message):
    path = _file(tmp_path, text)
    arguments = {
        "calibration_end": dt.date(2024, 3, 31),
        "holdout_end": dt.date(2024, 6, 30),
    } | overrides

    with pytest.raises(ValueError, match=r".") as refused:
        _run(path, **arguments)

    assert str(refused.value).removeprefix(f"{path}: ") == message


def _command(*arguments, environment=None):
    return subprocess.run(  # noqa: S603 - our own command, fixed arguments
        [sys.executable, "-m", "upsell", "recommend", *map(str, arguments)],
        capture_output=True,
        text=True,
        check=False,
        cwd=PROJECT,
        env=os.environ | {"DJANGO_SETTINGS_MODULE": "upsell.config.settings_test"}
        | (environment or {}),
        timeout=300,
    )  # fmt: skip


def test_the_management_command_prints_json_and_writes_the_csv_with_reasons(lines_csv, tmp_path):
    out = tmp_path / "offers.csv"

    completed = _command(
        lines_csv,
        *("--calibration-end", "2024-09-30", "--holdout-end", "2024-12-31", "--k", "5"),
        *("--customer-col", "клиент", "--item-col", "товар", "--date-col", "дата"),
        *("--quantity-col", "количество", "--amount-col", "сумма", "--out", out),
    )

    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout)
    assert report["model"] == "ease"
    assert report["output"] == str(out)
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 600
    assert list(rows[0]) == [*OUTPUT_COLUMNS, "reason"]
    assert rows[0]["reason"] == "bought by 29 of the 39 clients who buy 10"


def test_the_management_command_refuses_a_file_over_the_size_limit(lines_csv, tmp_path):
    out = tmp_path / "offers.csv"

    completed = _command(
        lines_csv,
        *("--calibration-end", "2024-09-30", "--holdout-end", "2024-12-31", "--out", out),
        environment={"UPSELL_FILE_MAX_MB": "0"},
    )

    assert completed.returncode == 1
    assert f"CommandError: {lines_csv}: the file is 0.0 MB; a file may be 0 MB at most" in (
        completed.stderr
    )
    assert not out.exists()
