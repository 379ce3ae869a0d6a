"""The workload board as a workbook: each person's row as the page shows it and, for the head of
sales, every motivated client that could go to assistants.

Everything is written through ``upsell.core.spreadsheets``: a client or person named like a
formula stays text.
"""

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import Cell as SheetCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from upsell.clients.models import ClientStatus
from upsell.core.money import currency_symbol
from upsell.core.spreadsheets import Cell, xlsx_cells, xlsx_response
from upsell.portfolios.selectors import AssistantCandidates, PersonLoad

MONEY_FORMAT = "#,##0.00"


def _cells(sheet: WriteOnlyWorksheet, values: Sequence[Cell]) -> list[SheetCell]:
    """Amounts with their two decimals; counts as they are."""
    return [
        cell
        for value in values
        for cell in xlsx_cells(
            sheet, [value], number_format=MONEY_FORMAT if isinstance(value, Decimal) else None
        )
    ]


def _local(moment: dt.datetime | None) -> dt.datetime | None:
    """A moment as the site's clock shows it (a spreadsheet keeps no time zone)."""
    return None if moment is None else timezone.localtime(moment).replace(tzinfo=None)


def board_rows(board: list[PersonLoad]) -> list[list[Cell]]:
    symbol = currency_symbol()
    rows: list[list[Cell]] = [
        [
            _("Person"),
            _("Role"),
            _("Motivated"),
            _("Spontaneous"),
            _("Capacity"),
            _("Load, %"),
            _("Over capacity by"),
            _("Revenue, 12 months, %(currency_symbol)s") % {"currency_symbol": symbol},
            _("Forecast, next 12 months, %(currency_symbol)s") % {"currency_symbol": symbol},
            _("Waiting requests"),
            _("Oldest waiting since"),
        ]
    ]
    for row in board:
        rows.append(
            [
                str(row.user),
                str(row.user.get_role_display()),
                row.motivated,
                row.spontaneous,
                row.capacity,
                None if row.load_percent is None else int(row.load_percent),
                None if row.capacity is None else max(row.motivated - row.capacity, 0),
                row.revenue_12m,
                row.forecast_12m,
                row.open_requests,
                _local(row.oldest_request_at),
            ]
        )
    return rows


def candidate_rows(candidates: AssistantCandidates) -> list[list[Cell]]:
    rows: list[list[Cell]] = [
        [
            _("Client"),
            _("Tax id"),
            _("Status"),
            _("Perspective"),
            _("Revenue, 12 months, %(currency_symbol)s") % {"currency_symbol": currency_symbol()},
            _("Manager"),
        ]
    ]
    for row in candidates.shown:
        status = row.client.status
        rows.append(
            [
                row.client.name,
                row.client.tax_id,
                str(ClientStatus(status).label) if status else "",
                row.perspective,
                row.revenue_12m,
                str(row.manager),
            ]
        )
    return rows


def _sheet(workbook: Workbook, title: str, rows: list[list[Cell]], widths: Sequence[int]) -> None:
    sheet = workbook.create_sheet(title)
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    header, *body = rows
    sheet.append(xlsx_cells(sheet, header, bold=True))
    for values in body:
        sheet.append(_cells(sheet, values))


def workload_xlsx_response(
    *, board: list[PersonLoad], candidates: AssistantCandidates | None, today: dt.date
) -> FileResponse:
    """The board, and the clients that could go to assistants when ``candidates`` are given."""
    workbook = Workbook(write_only=True)
    _sheet(workbook, _("Workload"), board_rows(board), (32, 18, 12, 12, 10, 10, 12, 20, 20, 12, 20))
    if candidates is not None and candidates.total:
        _sheet(
            workbook,
            _("Could go to assistants"),
            candidate_rows(candidates),
            (48, 14, 16, 12, 20, 32),
        )
    return xlsx_response(workbook=workbook, filename=f"workload-{today:%Y-%m-%d}.xlsx")
