"""No formula survives an export: a client whose name a spreadsheet would run reaches every CSV
and XLSX the product writes as text, and every download says how long it is."""

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.core.management import call_command
from django.test import Client as HttpClient
from django.urls import reverse

from upsell.clients.models import ClientStatus
from upsell.clients.tests.factories import ClientFactory
from upsell.core.spreadsheets import CsvWriter, Formula, cell_safe
from upsell.imports.models import ImportStatus
from upsell.imports.services import import_path
from upsell.imports.tests.files import csv_write
from upsell.reporting.services import audit_run_create, audit_run_execute
from upsell.shipments.tests.factories import shipment_with_line

HOSTILE = [
    '=HYPERLINK("http://x","y")',
    "=cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,1)",
    "\t=1+1",
    "\r=1+1",
]
NEUTRAL = [f"'{name}" for name in HOSTILE]
# XML reads a carriage return back as a line feed.
NEUTRAL_IN_XLSX = [name.replace("\r", "\n") for name in NEUTRAL]
AS_OF = dt.date(2026, 6, 15)


@pytest.fixture
def hostile_clients(manager_anna):
    clients = [
        ClientFactory.create(name=name, manager=manager_anna, status=ClientStatus.REGULAR)
        for name in HOSTILE
    ]
    for client in clients:
        shipment_with_line(client=client, date=AS_OF - dt.timedelta(days=20), amount=Decimal(10))
    return clients


def _signed_in(user) -> HttpClient:
    http = HttpClient()
    http.force_login(user)
    return http


def _download(response) -> bytes:
    content = b"".join(response.streaming_content)
    assert int(response["Content-Length"]) == len(content)
    return content


def _xlsx_texts(content: bytes | openpyxl.Workbook) -> list[tuple[str, str]]:
    """Every text cell of every sheet, with its type: a formula would be type ``f``."""
    workbook = (
        content
        if isinstance(content, openpyxl.Workbook)
        else openpyxl.load_workbook(io.BytesIO(content))
    )
    return [
        (cell.value, cell.data_type)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    ]


def test_a_cell_that_would_run_is_written_as_text():
    assert [cell_safe(name) for name in HOSTILE] == NEUTRAL
    assert [
        cell_safe(value)
        for value in ("ООО Альфа", Decimal("-5.50"), -3, None, "-1 234,56", "+7", "-5-5")
    ] == ["ООО Альфа", Decimal("-5.50"), -3, None, "-1 234,56", "+7", "'-5-5"]
    lines = io.StringIO()
    CsvWriter(lines, delimiter=";", decimal_separator=",").row(
        ["=1+1", Decimal("-1234.50"), 7, None, True]
    )
    assert lines.getvalue() == "'=1+1;-1234,50;7;;1\r\n"


def test_only_the_products_own_formula_is_written_as_one():
    assert cell_safe(Formula("=SUM(D6:O6)")) == "=SUM(D6:O6)"
    assert cell_safe("=SUM(D6:O6)") == "'=SUM(D6:O6)"  # the same text from data stays text
    for text in ("SUM(D6:O6)", "=cmd|' /C calc'!A0", "=Лист2!A1", "=[book.xlsx]Sheet1!A1"):
        with pytest.raises(ValueError, match="not a formula of the product's own sheet"):
            Formula(text)
    with pytest.raises(TypeError, match="no CSV cell"):
        CsvWriter(io.StringIO()).row([Formula("=1+1")])


def test_the_client_list_csv_writes_no_formula(hostile_clients, manager_anna):
    content = _download(_signed_in(manager_anna).get("/clients/export.csv"))

    names = [row[0] for row in csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";")]
    assert sorted(names[1:]) == sorted(NEUTRAL)


def test_the_client_list_xlsx_writes_no_formula(hostile_clients, manager_anna):
    texts = _xlsx_texts(_download(_signed_in(manager_anna).get("/clients/export.xlsx")))

    assert {data_type for _value, data_type in texts} == {"s"}
    assert sorted(value for value, _type in texts if value.startswith("'")) == sorted(
        NEUTRAL_IN_XLSX
    )


def test_the_forecast_workbook_writes_no_formula_but_its_own_totals(hostile_clients, manager_anna):
    with time_machine.travel(dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC), tick=False):
        response = _signed_in(manager_anna).get(
            reverse("forecasts:export"), {"manager": manager_anna.pk, "year": 2026}
        )
    workbook = openpyxl.load_workbook(io.BytesIO(_download(response)))
    sheet = workbook.worksheets[0]
    texts = _xlsx_texts(workbook)
    formulas = {
        cell.coordinate for row in sheet.iter_rows() for cell in row if cell.data_type == "f"
    }

    assert sorted(value for value, _type in texts if value.startswith("'")) == sorted(
        NEUTRAL_IN_XLSX
    )
    # Every formula is a total the workbook adds up: the top rows' months and year (3 to 5),
    # and each client's forecast, baseline and fact over the year (column P).
    client_rows = range(6, 6 + 4 * len(HOSTILE))
    assert formulas == {f"{column}{row}" for column in "DEFGHIJKLMNO" for row in (4, 5)} | {
        f"P{row}" for row in (3, 4, 5, *(row for row in client_rows if (row - 6) % 4 != 1))
    }
    assert {sheet[cell].value.split("(")[0] for cell in formulas} == {"=SUM", "=SUMIF"}


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_the_status_export_writes_no_formula(hostile_clients, head_of_sales, tmp_path, suffix):
    audit_run_execute(
        run=audit_run_create(as_of=AS_OF, engine="duckdb", started_by=None, enqueue=False)
    )
    out = tmp_path / f"statuses{suffix}"

    call_command("export", "statuses", "--out", str(out), "--language", "en")

    if suffix == ".csv":
        with out.open(encoding="utf-8-sig", newline="") as file:
            names = [row[1] for row in csv.reader(file)][1:]
        assert sorted(names) == sorted(NEUTRAL)
    else:
        texts = _xlsx_texts(out.read_bytes())
        assert {data_type for _value, data_type in texts} == {"s"}
        assert sorted(value for value, _type in texts if value.startswith("'")) == sorted(
            NEUTRAL_IN_XLSX
        )


def test_the_rejected_rows_of_an_import_come_back_with_no_formula(db, tmp_path):
    path = csv_write(
        tmp_path / "clients.csv",
        [
            ("Контрагент", "ИНН", "Годовой бюджет"),
            ('=HYPERLINK("http://x","y")', "7707083894", "-1 234,56"),  # wrong check digit
            ("ООО Альфа", "7707083893", ""),
        ],
    )

    run = import_path(path=path, keep_valid_rows=True)

    assert run.status == ImportStatus.PARTIAL
    rejected = (tmp_path / "clients.rejected.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(rejected), delimiter=";"))
    assert rows[1][:3] == ['\'=HYPERLINK("http://x","y")', "7707083894", "-1 234,56"]
