"""The audit as spreadsheets: the statuses of the clients a user may see (a CSV or XLSX file,
or a download), and the tables of the audit overview. Written through
``upsell.core.spreadsheets``."""

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.http import FileResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from upsell.accounts.models import User
from upsell.clients.models import ClientStatus
from upsell.core.spreadsheets import Cell, CsvWriter, xlsx_cells, xlsx_response
from upsell.forecasts.selectors import Accuracy
from upsell.reporting.selectors import (
    ABC,
    EXPORTED_METRICS,
    XYZ,
    ZERO,
    BudgetCapture,
    Migration,
    StatusExportRow,
    StatusTotal,
    status_export_rows,
)

STATUS_EXPORT_HEADER = (
    "tax_id", "client", "status", "computed_status", "reason", "perspective", *EXPORTED_METRICS,
)  # fmt: skip


def _cells(row: StatusExportRow) -> list[Cell]:
    return [
        row.tax_id, row.client, row.status, row.computed_status, row.reason, row.perspective,
        *(_metric(row.metrics.get(name)) for name in EXPORTED_METRICS),
    ]  # fmt: skip


def _metric(value: object) -> Cell:
    """A metric as the audit stored it: a number, text or nothing; an amount and a date as
    text."""
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
    count = -1
    if suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as file:
            writer = CsvWriter(file)
            for line in status_export_lines(user=user):
                writer.row(line)
                count += 1
        return count
    workbook = Workbook(write_only=True)
    count = _statuses_sheet(workbook, user=user)
    workbook.save(path)
    return count


def _statuses_sheet(workbook: Workbook, *, user: User) -> int:
    """The sheet of statuses in ``workbook``; the clients written."""
    sheet = workbook.create_sheet("statuses")
    count = -1
    for line in status_export_lines(user=user):
        sheet.append(xlsx_cells(sheet, line))
        count += 1
    return count


def statuses_xlsx_response(*, user: User, filename: str) -> FileResponse:
    """The statuses ``user`` may see as an XLSX download: the file the command writes."""
    workbook = Workbook(write_only=True)
    _statuses_sheet(workbook, user=user)
    return xlsx_response(workbook=workbook, filename=filename)


MONEY_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.0"


@dataclass(frozen=True, kw_only=True)
class OverviewTables:
    """The tables of the audit overview, as the page shows them (the budgets all of them)."""

    totals: list[StatusTotal]
    abc_xyz: dict[tuple[str, str], tuple[int, Decimal]]
    migration_months: tuple[dt.date, dt.date] | None
    migrations: list[Migration]
    budgets: list[BudgetCapture]


def _percent(part: Decimal, whole: Decimal) -> Decimal | None:
    return (part / whole * 100).quantize(Decimal("0.1")) if whole else None


def _append(
    sheet: WriteOnlyWorksheet,
    values: Sequence[Cell],
    *,
    bold: bool = False,
    percents: frozenset[int] = frozenset(),
) -> None:
    """A row: amounts with their kopecks, the columns ``percents`` with one decimal, counts as
    they are."""
    cells = []
    for index, value in enumerate(values):
        number_format = PERCENT_FORMAT if index in percents else MONEY_FORMAT
        cells += xlsx_cells(
            sheet,
            [value],
            bold=bold,
            number_format=number_format if isinstance(value, Decimal) else None,
        )
    sheet.append(cells)


def overview_xlsx_response(*, tables: OverviewTables, filename: str) -> FileResponse:
    """The audit overview's tables, a sheet each: by status, ABC × XYZ, the status migration
    and the budgets still going to competitors."""
    labels = {status: str(label) for status, label in ClientStatus.choices}
    workbook = Workbook(write_only=True)

    statuses = workbook.create_sheet(_("By status"))
    statuses.column_dimensions["A"].width = 22
    statuses.column_dimensions["C"].width = 18
    _append(
        statuses,
        [_("Status"), _("Clients"), _("Revenue over 365 days"), _("Share of revenue, %")],
        bold=True,
    )
    revenue = sum((total.revenue_365 for total in tables.totals), ZERO)
    for total in tables.totals:
        _append(
            statuses,
            [
                total.label if total.status else _("No orders"),
                total.clients,
                total.revenue_365,
                _percent(total.revenue_365, revenue),
            ],
            percents=frozenset({3}),
        )
    clients = sum(total.clients for total in tables.totals)
    _append(statuses, [_("Total"), clients, revenue, None], bold=True)

    matrix = workbook.create_sheet("ABC-XYZ")
    header: list[Cell] = ["ABC"]
    for xyz in XYZ:
        header += [
            _("%(class)s, clients") % {"class": xyz},
            _("%(class)s, revenue over 365 days") % {"class": xyz},
        ]
    _append(matrix, header, bold=True)
    for abc in ABC:
        row: list[Cell] = [abc]
        for xyz in XYZ:
            row += list(tables.abc_xyz.get((abc, xyz), (0, ZERO)))
        _append(matrix, row)

    migration = workbook.create_sheet(_("Status migration"))
    migration.column_dimensions["A"].width = 22
    migration.column_dimensions["B"].width = 22
    if tables.migration_months is not None:
        first, last = tables.migration_months
        _append(
            migration,
            [
                _("From the end of %(month)s") % {"month": f"{first:%m.%Y}"},
                _("To the end of %(month)s") % {"month": f"{last:%m.%Y}"},
                _("Clients"),
                _("Revenue over 365 days at the first month"),
                _("Revenue over 365 days at the second month"),
            ],
            bold=True,
        )
    for moved in tables.migrations:
        _append(
            migration,
            [
                labels.get(moved.from_status, _("No status")),
                labels.get(moved.to_status, _("No status")),
                moved.clients,
                moved.revenue_from,
                moved.revenue_to,
            ],
        )

    budgets = workbook.create_sheet(_("Budgets"))
    budgets.column_dimensions["A"].width = 40
    budgets.column_dimensions["C"].width = 28
    _append(
        budgets,
        [
            _("Client"), _("Tax id"), _("Manager"), _("Budget"), _("Bought from us"),
            _("Share of wallet, %"), _("To competitors"),
        ],
        bold=True,
    )  # fmt: skip
    for capture in tables.budgets:
        share = capture.share_of_wallet
        _append(
            budgets,
            [
                capture.client.name,
                capture.client.tax_id,
                str(capture.client.manager) if capture.client.manager else "",
                capture.budget,
                capture.bought,
                None if share is None else Decimal(str(share * 100)).quantize(Decimal("0.1")),
                capture.to_competitors,
            ],
            percents=frozenset({5}),
        )
    return xlsx_response(workbook=workbook, filename=filename)


def accuracy_xlsx_response(
    *, accuracies: Sequence[tuple[User, Accuracy]], year: int, filename: str
) -> FileResponse:
    """Each manager's locked forecasts against shipments in ``year``, as the accuracy page
    shows them: a sheet by month and a sheet by client, a row per manager and line, and each
    manager's total."""
    workbook = Workbook(write_only=True)
    for title, column, by_month in (
        (_("By month"), _("Month"), True),
        (_("By client"), _("Client"), False),
    ):
        sheet = workbook.create_sheet(title)
        sheet.column_dimensions["A"].width = 28
        sheet.column_dimensions["B"].width = 40
        sheet.freeze_panes = "C2"
        _append(
            sheet,
            [_("Manager"), column, _("Forecast"), _("Shipped"), "WAPE, %", _("Bias, %")],
            bold=True,
        )
        for manager, accuracy in accuracies:
            lines = accuracy.by_month if by_month else accuracy.by_client
            for line in [*lines, accuracy.total]:
                _append(
                    sheet,
                    [
                        str(manager),
                        line.label or _("Year %(year)s") % {"year": year},
                        line.forecast,
                        line.actual,
                        _rounded(line.wape),
                        _rounded(line.bias),
                    ],
                    bold=line is accuracy.total,
                    percents=frozenset({4, 5}),
                )
    return xlsx_response(workbook=workbook, filename=filename)


def _rounded(percent: Decimal | None) -> Decimal | None:
    return None if percent is None else percent.quantize(Decimal("0.1"))
