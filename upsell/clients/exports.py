"""The client list as a spreadsheet: XLSX for Excel users, CSV for everything else.

Both read the queryset in chunks and never hold the whole list in memory: the CSV is produced
row by row as the response is sent; the XLSX is written by openpyxl's write-only workbook into
a temporary file (a ZIP cannot be sent before it is complete) and then sent in chunks.
"""

import csv
import tempfile
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils.formats import get_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from upsell.clients.models import Client

CHUNK_SIZE = 2000
UTF8_BOM = "\ufeff"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Row = tuple[str, str, str, str, str, str, bool, bool, Decimal | None, int | None]


def _header() -> list[str]:
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


def clients_xlsx_response(*, clients: QuerySet[Client], file_stem: str) -> FileResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Clients"))
    for column, width in zip("ABCDEFGHIJ", (48, 14, 22, 18, 28, 28, 10, 12, 18, 10), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for title in _header():
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    yes, no = _("Yes"), _("No")
    for row in client_rows(clients):
        *text, is_partner, plans_budget, annual_budget, budget_year = row
        # openpyxl writes a Decimal's digits as they are (its stubs admit only float).
        budget = WriteOnlyCell(sheet, value=annual_budget)  # type: ignore[arg-type]
        budget.number_format = "#,##0.00"
        sheet.append(
            [*text, yes if is_partner else no, yes if plans_budget else no, budget, budget_year]
        )
    spreadsheet = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when sent
    workbook.save(spreadsheet)
    spreadsheet.seek(0)
    return FileResponse(
        spreadsheet,
        as_attachment=True,
        filename=f"{file_stem}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )


class _Line:
    """A file-like sink that hands back what csv.writer writes, one row at a time."""

    def write(self, text: str) -> str:
        return text


def clients_csv_response(*, clients: QuerySet[Client], file_stem: str) -> StreamingHttpResponse:
    """UTF-8 with a BOM and semicolons, numbers with the reader's decimal separator: what a
    Russian Excel opens correctly by a double click."""
    # Read while the request's language is active: the body is produced after the view returns.
    header = _header()
    yes, no = _("Yes"), _("No")
    decimal_separator = str(get_format("DECIMAL_SEPARATOR"))

    def lines() -> Iterable[str]:
        writer = csv.writer(_Line(), delimiter=";", lineterminator="\r\n")
        yield UTF8_BOM + writer.writerow(header)
        for row in client_rows(clients):
            *text, is_partner, plans_budget, annual_budget, budget_year = row
            budget = "" if annual_budget is None else str(annual_budget)
            yield writer.writerow(
                [
                    *text,
                    yes if is_partner else no,
                    yes if plans_budget else no,
                    budget.replace(".", decimal_separator),
                    "" if budget_year is None else budget_year,
                ]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{file_stem}.csv"'
    return response
