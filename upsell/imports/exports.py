"""The history of imports as a workbook: every run the reader may see, newest first, as the
import screen lists them. Written through ``upsell.core.spreadsheets``."""

import datetime as dt

from django.db.models import QuerySet
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from upsell.core.spreadsheets import Cell, xlsx_cells, xlsx_response
from upsell.imports.models import ImportRun

CHUNK_SIZE = 2000


def _header() -> list[Cell]:
    return [
        _("Started"),
        _("File"),
        _("Kind"),
        _("Status"),
        _("Rows"),
        _("Errors"),
        _("Imported by"),
        _("Finished"),
    ]


def _local(moment: dt.datetime | None) -> Cell:
    """A moment as the reader's clock shows it (a spreadsheet keeps no time zone)."""
    if moment is None:
        return None
    return timezone.localtime(moment).replace(tzinfo=None)


def import_history_xlsx_response(*, runs: QuerySet[ImportRun], filename: str) -> FileResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Imports"))
    for column, width in zip("ABCDEFGH", (18, 40, 16, 16, 10, 10, 28, 18), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    sheet.append(xlsx_cells(sheet, _header(), bold=True))
    for run in runs.order_by("-created_at", "-pk").iterator(chunk_size=CHUNK_SIZE):
        cells = xlsx_cells(
            sheet,
            [
                _local(run.created_at),
                run.file_name,
                run.get_kind_display(),
                run.get_status_display(),
                run.rows_total,
                run.error_count,
                str(run.imported_by) if run.imported_by else "",
                _local(run.finished_at),
            ],
        )
        for cell in (cells[0], cells[7]):
            cell.number_format = "DD.MM.YYYY HH:MM"
        sheet.append(cells)
    return xlsx_response(workbook=workbook, filename=filename)
