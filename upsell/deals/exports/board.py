"""The deal board as a workbook: one row per deal shown, through ``upsell.core.spreadsheets``
(a client named like a formula stays text)."""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from upsell.core.spreadsheets import Cell, xlsx_cells, xlsx_response
from upsell.deals.models import Deal
from upsell.deals.selectors.deals import days_without_activity

MONEY_FORMAT = "#,##0.00"


def board_rows(deals: Iterable[Deal], *, now: dt.datetime) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for deal in deals:
        rows.append(
            [
                deal.client.name,
                deal.client.tax_id,
                str(deal.manager or ""),
                deal.title,
                deal.month,
                Decimal(deal.amount),
                str(deal.get_stage_display()),
                str(deal.lost_reason or ""),
                days_without_activity(deal, now=now),
                timezone.localdate(deal.closed_at) if deal.closed_at else None,
            ]
        )
    return rows


def board_xlsx_response(*, deals: Iterable[Deal], now: dt.datetime) -> FileResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Deals"))
    header = [
        _("Client"),
        _("Tax id"),
        _("Manager"),
        _("What is sold"),
        _("Month"),
        _("Amount"),
        _("Stage"),
        _("Why lost"),
        _("Days without activity"),
        _("Closed"),
    ]
    sheet.append(xlsx_cells(sheet, header, bold=True))
    for row in board_rows(deals, now=now):
        sheet.append(
            [
                cell
                for value in row
                for cell in xlsx_cells(
                    sheet,
                    [value],
                    number_format=MONEY_FORMAT if isinstance(value, Decimal) else None,
                )
            ]
        )
    return xlsx_response(workbook=workbook, filename=f"deals-{timezone.localdate():%Y-%m-%d}.xlsx")
