"""The client list as a spreadsheet: XLSX for Excel users, CSV for everything else.

The file holds what the list shows, and it is a clients file the import reads back: the columns
the import knows carry its own names (Russian for a Russian reader, English otherwise), the
list's other columns (assistant, status, perspective, last order) carry the reader's words and
the import passes them by. Importing the export changes nothing.

Both read the queryset in chunks and go through ``upsell.core.spreadsheets``: every text cell
neutralised, the file written whole and sent with its length.
"""

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

from django.db.models import QuerySet
from django.http import FileResponse
from django.utils.formats import get_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import Workbook

from upsell.clients.models import Client, ClientStatus
from upsell.clients.selectors import days_since
from upsell.core.spreadsheets import Cell, csv_response, xlsx_cells, xlsx_response

CHUNK_SIZE = 2000

# The clients file's columns as the import names them (``imports.formats.columns``), in Russian
# and in English: a file format, not words to translate.
IMPORT_HEADERS = {
    "client": ("Контрагент", "client"),
    "tax_id": ("ИНН", "tax_id"),
    "region": ("Регион", "region"),
    "segment": ("Сегмент", "segment"),
    "manager": ("Менеджер", "manager"),
    "partner": ("Партнёр", "partner"),
    "plans_budget": ("Бюджетирование", "plans_budget"),
    "annual_budget": ("Годовой бюджет", "annual_budget"),
    "budget_year": ("Год бюджета", "budget_year"),
}

Row = tuple[
    str, str, str, str, str, int | None, dt.date | None, int | None, str, str, bool, bool,
    Decimal | None, int | None,
]  # fmt: skip


def _in_russian() -> bool:
    return (get_language() or "").startswith("ru")


def _import_header(field: str) -> str:
    russian, english = IMPORT_HEADERS[field]
    return russian if _in_russian() else english


def _header() -> list[Cell]:
    return [
        _import_header("client"),
        _import_header("tax_id"),
        _import_header("region"),
        _import_header("segment"),
        _("Status"),
        _("Perspective"),
        _("Last order"),
        _("Days since last order"),
        _import_header("manager"),
        _("Assistant"),
        _import_header("partner"),
        _import_header("plans_budget"),
        _import_header("annual_budget"),
        _import_header("budget_year"),
    ]


def client_rows(clients: QuerySet[Client], *, today: dt.date) -> Iterator[Row]:
    """Each client of the list's selector (it annotates the perspective and the last order)."""
    labels = dict(ClientStatus.choices)
    for client in clients.iterator(chunk_size=CHUNK_SIZE):
        last_order: dt.date | None = getattr(client, "last_order_date", None)
        yield (
            client.name,
            client.tax_id,
            client.region,
            client.segment,
            str(labels.get(client.status, "")),
            getattr(client, "perspective", None),
            last_order,
            days_since(last_order, today=today),
            str(client.manager) if client.manager else "",
            str(client.assistant) if client.assistant else "",
            client.is_partner,
            client.plans_budget,
            client.annual_budget,
            client.budget_year,
        )


def _cells(clients: QuerySet[Client], *, today: dt.date) -> Iterator[list[Cell]]:
    """Each client's row as a person reads it: yes and no in words."""
    yes, no = _("Yes"), _("No")
    for *text, is_partner, plans_budget, annual_budget, budget_year in client_rows(
        clients, today=today
    ):
        yield [
            *text,
            yes if is_partner else no,
            yes if plans_budget else no,
            annual_budget,
            budget_year,
        ]


WIDTHS = (48, 14, 22, 18, 16, 12, 14, 12, 28, 28, 10, 12, 18, 10)
DATE_COLUMN = 6


def clients_xlsx_response(
    *, clients: QuerySet[Client], today: dt.date, file_stem: str
) -> FileResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Clients"))
    for column, width in zip("ABCDEFGHIJKLMN", WIDTHS, strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    sheet.append(xlsx_cells(sheet, _header(), bold=True))
    date_format = "DD.MM.YYYY" if _in_russian() else "MM/DD/YYYY"
    for row in _cells(clients, today=today):
        *text, budget, budget_year = row
        cells = xlsx_cells(sheet, [*text, budget], number_format="#,##0.00")
        for index in (5, 7):  # the perspective and the days are whole numbers
            cells[index].number_format = "0"
        cells[DATE_COLUMN].number_format = date_format
        sheet.append([*cells, budget_year])
    return xlsx_response(workbook=workbook, filename=f"{file_stem}.xlsx")


def clients_csv_response(
    *, clients: QuerySet[Client], today: dt.date, file_stem: str
) -> FileResponse:
    """UTF-8 with a BOM and semicolons, numbers with the reader's decimal separator: what a
    Russian Excel opens correctly by a double click."""
    return csv_response(
        rows=[_header(), *_cells(clients, today=today)],
        filename=f"{file_stem}.csv",
        delimiter=";",
        decimal_separator=str(get_format("DECIMAL_SEPARATOR")),
    )


def table_xlsx_response(
    *,
    title: str,
    header: list[Cell],
    rows: Iterator[list[Cell]],
    widths: tuple[int, ...],
    file_stem: str,
) -> FileResponse:
    """One of the card's tables (its documents, its payments) as a sheet: dates as dates,
    amounts as numbers, the header bold and frozen."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append(xlsx_cells(sheet, header, bold=True))
    date_format = "DD.MM.YYYY" if _in_russian() else "MM/DD/YYYY"
    for row in rows:
        cells = xlsx_cells(sheet, row, number_format="#,##0.00")
        for cell, value in zip(cells, row, strict=True):
            if isinstance(value, dt.date):
                cell.number_format = date_format
            elif isinstance(value, int) and not isinstance(value, bool):
                cell.number_format = "0"
        sheet.append(cells)
    return xlsx_response(workbook=workbook, filename=f"{file_stem}.xlsx")
