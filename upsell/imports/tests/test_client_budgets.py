"""Client budgets by month: each known client's months through the clients' one service, all
or nothing, the same file again changing nothing, every error named by row and column."""

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import pytest

from upsell.clients.models import Client, ClientBudgetMonth
from upsell.clients.tests.factories import ClientFactory
from upsell.history.models import Change, ChangeSource
from upsell.imports.models import ImportKind, ImportStatus
from upsell.imports.problems import Problem
from upsell.imports.services import import_path
from upsell.imports.tests.files import csv_write, table_counts, xlsx_write

HEADER = ("Контрагент", "ИНН", "Месяц", "Бюджет")


def _file(tmp_path: Path, rows: Sequence[Sequence[str]], *, header=HEADER, name="budgets.csv"):
    return csv_write(tmp_path / name, [header, *rows], encoding="cp1251", newline="\r\n")


@pytest.fixture
def alpha(db):
    return ClientFactory.create(name='ООО "Альфа"', tax_id="7707083893")


@pytest.fixture
def petrov(db):
    return ClientFactory.create(name="ИП Петров", tax_id="")


def months_of(client: Client) -> list[tuple[dt.date, Decimal]]:
    return list(
        ClientBudgetMonth.objects.filter(client=client)
        .order_by("month")
        .values_list("month", "amount")
    )


def test_months_are_stored_and_make_each_clients_annual_budget(
    alpha, petrov, admin_adam, tmp_path, today
):
    rows = [
        ('ООО "Альфа"', "7707083893", "01.2026", "100 000,50"),
        ("", "7707083893", "Февраль 2026", "200000"),
        ("ИП Петров", "", "2026-12-01", "0"),
        ("ИП Петров", "", "декабря 2025", "1\u00a0500"),
    ]

    run = import_path(path=_file(tmp_path, rows), imported_by=admin_adam)

    assert (run.kind, run.status, run.errors) == (
        ImportKind.CLIENT_BUDGETS,
        ImportStatus.SUCCEEDED,
        [],
    )
    assert run.counts == {"budget_months": {"created": 4, "updated": 0, "unchanged": 0}}
    assert months_of(alpha) == [
        (dt.date(2026, 1, 1), Decimal("100000.50")),
        (dt.date(2026, 2, 1), Decimal("200000.00")),
    ]
    alpha.refresh_from_db()
    petrov.refresh_from_db()
    assert (alpha.plans_budget, alpha.annual_budget, alpha.budget_year) == (
        True,
        Decimal("300000.50"),
        2026,
    )
    # Petrov's latest year planned is 2026: its budget is that year's months, 0
    assert (petrov.annual_budget, petrov.budget_year) == (Decimal("0.00"), 2026)
    assert list(
        Change.objects.filter(object_id=alpha.pk, month__isnull=False)
        .order_by("month")
        .values_list("field", "month", "before", "after", "source")
    ) == [
        ("budget_month", dt.date(2026, 1, 1), None, "100000.50", ChangeSource.IMPORT),
        ("budget_month", dt.date(2026, 2, 1), None, "200000.00", ChangeSource.IMPORT),
    ]
    assert set(Change.objects.values_list("changed_by", flat=True)) == {admin_adam.pk}


def test_the_same_file_again_changes_nothing_and_a_corrected_one_only_its_months(
    alpha, tmp_path, today
):
    rows = [("", "7707083893", "01.2026", "100"), ("", "7707083893", "02.2026", "200")]
    import_path(path=_file(tmp_path, rows))
    changes = Change.objects.count()

    again = import_path(path=_file(tmp_path, rows))
    corrected = import_path(
        path=_file(tmp_path, [("", "7707083893", "02.2026", "250")], name="corrected.csv")
    )

    assert again.counts == {"budget_months": {"created": 0, "updated": 0, "unchanged": 2}}
    assert Change.objects.count() == changes + 2  # February, and the annual budget
    assert corrected.counts == {"budget_months": {"created": 0, "updated": 1, "unchanged": 0}}
    assert months_of(alpha) == [
        (dt.date(2026, 1, 1), Decimal("100.00")),
        (dt.date(2026, 2, 1), Decimal("250.00")),
    ]
    alpha.refresh_from_db()
    assert alpha.annual_budget == Decimal("350.00")


def test_english_headers_and_a_workbook(alpha, tmp_path, today):
    path = xlsx_write(
        tmp_path / "budgets.xlsx",
        [("client", "tax_id", "period", "amount"), ('ООО "Альфа"', "7707083893", "Mar 2026", 75)],
    )

    run = import_path(path=path)

    assert (run.kind, run.status) == (ImportKind.CLIENT_BUDGETS, ImportStatus.SUCCEEDED)
    assert months_of(alpha) == [(dt.date(2026, 3, 1), Decimal("75.00"))]


def test_bad_rows_fail_the_whole_file_by_row_and_column(alpha, petrov, tmp_path, today):
    ClientFactory.create(name="ИП Петров", tax_id="")
    before = table_counts()
    rows = [
        ('ООО "Альфа"', "7707083893", "01.2026", "100"),
        ("ООО Неизвестное", "", "01.2026", "100"),
        ('ООО "Альфа"', "7707083893", "15.01.2026", "-5"),
        ("ИП Петров", "", "01.2026", "1"),
        ("", "", "01.2026", "1,234"),
        ('ООО "Альфа"', "7707083893", "Январь 2026", "100"),
        ('ООО "Альфа"', "7707083893", "01.1999", "100"),
    ]

    run = import_path(path=_file(tmp_path, rows))

    assert run.status == ImportStatus.FAILED
    assert [Problem(**error).format(run.file_name) for error in run.errors] == [
        "budgets.csv:3:Контрагент: no such client: import it with the clients file first",
        "budgets.csv:4:Месяц: not a month: «15.01.2026» (write 01.2026 or Январь 2026)",
        "budgets.csv:4:Бюджет: a budget cannot be negative",
        "budgets.csv:5:Контрагент: 2 clients have this name: give the ИНН to tell which",
        "budgets.csv:6:Контрагент: a value is required: the client's name or its ИНН",
        "budgets.csv:6:Бюджет: more than 2 digits after the decimal point: «1,234»",
        "budgets.csv:7:Месяц: repeats row 2",
        f"budgets.csv:8:Месяц: a budget month from 2000 to {today.year + 5}",
    ]
    assert table_counts() == before
    assert Change.objects.count() == 0


def test_a_file_without_a_client_column_names_none(alpha, tmp_path, today):
    run = import_path(
        path=_file(tmp_path, [("01.2026", "100")], header=("Период", "Сумма")),
        kind=ImportKind.CLIENT_BUDGETS,
    )

    assert [Problem(**error).format(run.file_name) for error in run.errors] == [
        "budgets.csv:1: the file names no client: give a Контрагент or an ИНН column"
    ]
    assert ClientBudgetMonth.objects.count() == 0


def test_a_clients_file_may_state_a_planned_years_budget_but_not_change_it(alpha, tmp_path, today):
    import_path(
        path=_file(
            tmp_path, [("", "7707083893", "01.2026", "100"), ("", "7707083893", "02.2026", "50")]
        )
    )
    header = ("Контрагент", "ИНН", "Годовой бюджет", "Год бюджета")

    stated = import_path(
        path=_file(
            tmp_path, [('ООО "Альфа"', "7707083893", "150", "2026")], header=header, name="same.csv"
        )
    )
    changed = import_path(
        path=_file(
            tmp_path,
            [('ООО "Альфа"', "7707083893", "999", "2026")],
            header=header,
            name="changed.csv",
        )
    )

    assert stated.status == ImportStatus.SUCCEEDED
    assert [
        Problem(**error).format(run.file_name) for run in (changed,) for error in run.errors
    ] == [
        "changed.csv:2:Годовой бюджет: the budget of 2026 is the sum of its months, 150.00: "
        "import the months instead"
    ]
    alpha.refresh_from_db()
    assert alpha.annual_budget == Decimal("150.00")


def test_the_sample_of_the_doc_imports(alpha, petrov, tmp_path, today):
    doc = (Path(__file__).resolve().parents[3] / "docs" / "import.md").read_text(encoding="utf-8")
    sample = (
        doc.split("## Client budgets by month", 1)[1].split("```csv\n", 1)[1].split("```", 1)[0]
    )
    path = tmp_path / "sample.csv"
    path.write_text(sample, encoding="utf-8")

    run = import_path(path=path)

    assert (run.kind, run.status, run.counts) == (
        ImportKind.CLIENT_BUDGETS,
        ImportStatus.SUCCEEDED,
        {"budget_months": {"created": 3, "updated": 0, "unchanged": 0}},
    )
    alpha.refresh_from_db()
    assert alpha.annual_budget == Decimal("220000.00")
