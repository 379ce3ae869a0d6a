"""The client list as a spreadsheet: XLSX for Excel users, CSV for everything else.

Both read the queryset in chunks and go through ``upsell.core.spreadsheets``: every text cell
neutralised, the file written whole and sent with its length.
"""

from collections.abc import Iterator
from decimal import Decimal

from django.db.models import QuerySet
from django.http import FileResponse
from django.utils.formats import get_format
from django.utils.translation import gettext as _
from openpyxl import Workbook

from upsell.clients.models import Client
from upsell.core.spreadsheets import Cell, csv_response, xlsx_cells, xlsx_response

CHUNK_SIZE = 2000

Row = tuple[str, str, str, str, str, str, bool, bool, Decimal | None, int | None]


def _header() -> list[Cell]:
    return [
        _("Client"),
        _("Tax id"),
        _("Region"),
        _("Segment"),
        _("Manager"),
        _("Assistant"),
        _("Partner"),
        _("Plans a purchase budget"),
        _("Annual budget"),
        _("Budget year"),
    ]


def client_rows(clients: QuerySet[Client]) -> Iterator[Row]:
    for client in clients.iterator(chunk_size=CHUNK_SIZE):
        yield (
            client.name,
            client.tax_id,
            client.region,
            client.segment,
            str(client.manager) if client.manager else "",
            str(client.assistant) if client.assistant else "",
            client.is_partner,
            client.plans_budget,
            client.annual_budget,
            client.budget_year,
        )


def _cells(clients: QuerySet[Client]) -> Iterator[list[Cell]]:
    """Each client's row as a person reads it: yes and no in words."""
    yes, no = _("Yes"), _("No")
    for *text, is_partner, plans_budget, annual_budget, budget_year in client_rows(clients):
        yield [
            *text,
            yes if is_partner else no,
            yes if plans_budget else no,
            annual_budget,
            budget_year,
        ]


def clients_xlsx_response(*, clients: QuerySet[Client], file_stem: str) -> FileResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Clients"))
    for column, width in zip("ABCDEFGHIJ", (48, 14, 22, 18, 28, 28, 10, 12, 18, 10), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    sheet.append(xlsx_cells(sheet, _header(), bold=True))
    for row in _cells(clients):
        *text, budget, budget_year = row
        sheet.append([*xlsx_cells(sheet, [*text, budget], number_format="#,##0.00"), budget_year])
    return xlsx_response(workbook=workbook, filename=f"{file_stem}.xlsx")


def clients_csv_response(*, clients: QuerySet[Client], file_stem: str) -> FileResponse:
    """UTF-8 with a BOM and semicolons, numbers with the reader's decimal separator: what a
    Russian Excel opens correctly by a double click."""
    return csv_response(
        rows=[_header(), *_cells(clients)],
        filename=f"{file_stem}.csv",
        delimiter=";",
        decimal_separator=str(get_format("DECIMAL_SEPARATOR")),
    )
