"""The statuses of the clients a user may see, as a CSV or XLSX file."""

from collections.abc import Iterator
from pathlib import Path

from openpyxl import Workbook

from upsell.accounts.models import User
from upsell.core.spreadsheets import Cell, CsvWriter, xlsx_cells
from upsell.reporting.selectors import EXPORTED_METRICS, StatusExportRow, status_export_rows

STATUS_EXPORT_HEADER = (
    "tax_id", "client", "status", "computed_status", "reason", "perspective", *EXPORTED_METRICS,
)  # fmt: skip


def _cells(row: StatusExportRow) -> list[Cell]:
    return [
        row.tax_id, row.client, row.status, row.computed_status, row.reason, row.perspective,
        *(_metric(row.metrics.get(name)) for name in EXPORTED_METRICS),
    ]  # fmt: skip


def _metric(value: object) -> Cell:
    """A metric as the audit stored it (JSON: a number, text or nothing)."""
    return value if isinstance(value, str | int | float) or value is None else str(value)


def status_export_lines(*, user: User) -> Iterator[list[Cell]]:
    yield list(STATUS_EXPORT_HEADER)
    for row in status_export_rows(user=user):
        yield _cells(row)


def statuses_export_write(*, user: User, path: Path) -> int:
    """Write the statuses to ``path`` (CSV or XLSX by its extension); the clients written."""
    suffix = path.suffix.lower()
    if suffix not in {".csv", ".xlsx"}:
        raise ValueError(f"{path}: the file name must end in .csv or .xlsx")
    lines = status_export_lines(user=user)
    count = -1
    if suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as file:
            writer = CsvWriter(file)
            for line in lines:
                writer.row(line)
                count += 1
        return count
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("statuses")
    for line in lines:
        sheet.append(xlsx_cells(sheet, line))
        count += 1
    workbook.save(path)
    return count
