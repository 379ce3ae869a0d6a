"""The request queues as a workbook, as the page shows them: each person's queue, then what was
done today, written through ``upsell.core.spreadsheets`` (a client named like a formula stays
text)."""

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from upsell.accounts.models import User
from upsell.core.spreadsheets import Cell, xlsx_cells, xlsx_response
from upsell.requests.models import OrderRequest

MONEY_FORMAT = "#,##0.00"
DATETIME_FORMAT = "dd.mm.yyyy hh:mm"


def _local(moment: dt.datetime | None) -> dt.datetime | None:
    """A moment as the site's clock shows it (a spreadsheet holds no time zone)."""
    return timezone.localtime(moment).replace(tzinfo=None) if moment is not None else None


def queue_row(queue: str, item: OrderRequest, *, now: dt.datetime) -> list[Cell]:
    until = item.finished_at or now
    return [
        queue,
        item.pk,
        item.client.name,
        item.client.tax_id,
        item.number,
        item.ordered_on,
        Decimal(item.amount),
        item.line_count,
        str(item.get_status_display()),
        str(item.get_routed_by_rule_display()),
        _local(item.waiting_since),
        (until - item.waiting_since).days,
        _local(item.finished_at),
    ]


def queues_xlsx_response(
    *,
    queues: Sequence[tuple[User | None, Sequence[OrderRequest]]],
    done_today: Sequence[OrderRequest],
    now: dt.datetime,
) -> FileResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Requests"))
    header = [
        _("Queue"),
        _("Request №"),
        _("Client"),
        _("Tax id"),
        _("Client's order number"),
        _("Ordered on"),
        _("Amount"),
        _("Lines"),
        _("Status"),
        _("Routed by"),
        _("Waiting since"),
        _("Waiting, days"),
        _("Done at"),
    ]
    sheet.append(xlsx_cells(sheet, header, bold=True))
    rows = [
        queue_row(str(person) if person else _("Not assigned"), item, now=now)
        for person, items in queues
        for item in items
    ] + [queue_row(_("Done today"), item, now=now) for item in done_today]
    for row in rows:
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
    return xlsx_response(
        workbook=workbook, filename=f"requests-{timezone.localdate():%Y-%m-%d}.xlsx"
    )
