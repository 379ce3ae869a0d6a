"""The grid as the manager's working file, and back.

A sheet holds the plan, forecast and fact totals on top, then one block of rows per client:
forecast (the manager's amount), confidence (in words of the reader's language), baseline and
fact. The totals are formulas over the client rows, so they follow a figure the manager
changes in Excel or LibreOffice; a month without the manager's amount counts with its
baseline, as in Upsell. The version each cell was exported at sits in a second sheet, very
hidden (Excel's and LibreOffice's menus do not list it), keyed by client and month.

Importing reads the forecast and confidence rows: a cell that differs from what Upsell holds
is saved through the same service as the grid's editor, expecting the version it was exported
at; one that does not is left alone. Any invalid cell stops the import, naming its row and
column, and then nothing is written. A file of the earlier shape, whose versions were a hidden
row in each client's block, imports as well.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from upsell.accounts.models import User
from upsell.clients.models import Client
from upsell.core.money import MONEY_LIMIT, money_parse, money_problem, money_round
from upsell.core.spreadsheets import Cell, Formula, xlsx_response, xlsx_rows_append
from upsell.core.uploads import file_max_bytes, file_too_large_message
from upsell.core.workbooks import WorkbookRefused, WorkbookUnreadable, workbook_sheets_read
from upsell.forecasts.access import get_forecast_client_for_user
from upsell.forecasts.locks import month_closed_problem, months_locked
from upsell.forecasts.models import Confidence, ForecastCell
from upsell.forecasts.selectors import Grid
from upsell.forecasts.services import (
    ForecastConflictError,
    confidence_typed,
    forecast_cell_save,
)
from upsell.history.models import ChangeSource

# The file is the Russian working file of the method; its row names are part of its format.
FORECAST, CONFIDENCE, BASELINE, FACT = "Прогноз", "Уверенность", "Базовый прогноз", "Факт"
# The row of versions in each client's block of a file exported before the versions' sheet.
VERSION = "Версия"
PLAN_TOTAL, FORECAST_TOTAL, FACT_TOTAL = "План", "Итого прогноз", "Итого факт"
VERSIONS_SHEET = "Версии"
HEADER_ROW = 2
FIRST_CLIENT_ROW = HEADER_ROW + 4  # below the plan, forecast and fact totals
BLOCK = (FORECAST, CONFIDENCE, BASELINE, FACT)
FIRST_MONTH_COLUMN = 4
MONEY_FORMAT = "#,##0.00"


def _month_title(month: dt.date) -> str:
    return f"{month:%m.%Y}"


def grid_xlsx_response(*, grid: Grid) -> FileResponse:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # noqa: S101 - a new workbook always has its first sheet
    sheet.title = "Прогноз"
    months = [get_column_letter(FIRST_MONTH_COLUMN + index) for index in range(len(grid.months))]
    xlsx_rows_append(
        sheet,
        [
            [f"Прогноз продаж по мотивированным клиентам: {grid.manager}, {grid.year}"],
            ["ID", "Клиент", "Строка", *map(_month_title, grid.months), "Итого"],
        ],
    )
    for cell in sheet[HEADER_ROW]:
        cell.font = Font(bold=True)
    xlsx_rows_append(sheet, _total_rows(grid, months))
    # A confidence in words of the reader's language; the import reads either language's.
    confidence_words = {value: str(label) for value, label in Confidence.choices}
    for number, row in enumerate(grid.rows):
        client = row.client
        first = FIRST_CLIENT_ROW + number * len(BLOCK)
        forecast, baseline, fact = first, first + 2, first + 3
        baseline_sum = _sum(months, baseline)
        xlsx_rows_append(
            sheet,
            [
                [
                    client.pk,
                    client.name,
                    FORECAST,
                    *(None if gc.cell is None else gc.cell.amount for gc in row.cells),
                    _forecast_sum(months, forecast, baseline),
                ],
                [
                    client.pk,
                    "",
                    CONFIDENCE,
                    *(
                        confidence_words.get(gc.cell.confidence, "") if gc.cell else ""
                        for gc in row.cells
                    ),
                ],
                [client.pk, "", BASELINE, *(gc.baseline for gc in row.cells), baseline_sum],
                [client.pk, "", FACT, *(gc.actual for gc in row.cells), _sum(months, fact)],
            ],
        )
    for cells in sheet.iter_rows(min_row=HEADER_ROW + 1, min_col=FIRST_MONTH_COLUMN):
        for cell in cells:
            cell.number_format = MONEY_FORMAT
    sheet.column_dimensions["B"].width = 40
    sheet.column_dimensions["C"].width = 16
    sheet.freeze_panes = f"{get_column_letter(FIRST_MONTH_COLUMN)}{HEADER_ROW + 1}"
    _editable_cells_open(sheet, grid, confidence_words=list(confidence_words.values()))
    _versions_sheet(workbook, grid)
    return xlsx_response(
        workbook=workbook, filename=f"forecast-{grid.manager.username}-{grid.year}.xlsx"
    )


def _editable_cells_open(sheet: Worksheet, grid: Grid, *, confidence_words: list[str]) -> None:
    """The sheet protected (without a password) but for the cells that can still change: the
    amount and the confidence of each open month. Tab in Excel moves from one such cell to
    the next; a confidence is chosen from its list."""
    confidences = DataValidation(
        type="list",
        formula1=f'"{",".join(confidence_words)}"',
        allow_blank=True,
        showErrorMessage=True,
        error=_("Choose a confidence from the list."),
    )
    for number, row in enumerate(grid.rows):
        forecast = FIRST_CLIENT_ROW + number * len(BLOCK)
        for index, gc in enumerate(row.cells):
            if not gc.editable:
                continue
            column = FIRST_MONTH_COLUMN + index
            for cell in (sheet.cell(forecast, column), sheet.cell(forecast + 1, column)):
                cell.protection = Protection(locked=False)
            confidences.add(sheet.cell(forecast + 1, column))
    if confidences.sqref:
        sheet.add_data_validation(confidences)
    # Columns and rows may still be widened; every other change to the sheet is refused.
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    sheet.protection.sheet = True


def _sum(months: list[str], row: int) -> Formula:
    return Formula(f"=SUM({months[0]}{row}:{months[-1]}{row})")


def _forecast_sum(months: list[str], forecast: int, baseline: int) -> Formula:
    """A client's year: its amounts, and the baseline of each month left without one."""
    amounts, baselines = (f"{months[0]}{r}:{months[-1]}{r}" for r in (forecast, baseline))
    return Formula(f'=SUM({amounts})+SUMIF({amounts},"",{baselines})')


def _total_rows(grid: Grid, months: list[str]) -> list[list[Cell]]:
    """The plan (figures: the plan is not in the client rows), and the month's forecast and
    fact added up over the client rows, each month counting with its baseline where the
    manager left it empty; the year's column adds up the months."""
    plan_row = HEADER_ROW + 1
    if not grid.rows:
        return [
            ["", PLAN_TOTAL, "", *(total.plan for total in grid.totals), grid.plan],
            ["", FORECAST_TOTAL, "", *(0 for _month in months), 0],
            ["", FACT_TOTAL, "", *(0 for _month in months), 0],
        ]
    first, last = FIRST_CLIENT_ROW, FIRST_CLIENT_ROW + len(grid.rows) * len(BLOCK) - 1
    kinds = f"$C${first}:$C${last}"

    def forecast(column: str) -> Formula:
        amounts = f"{column}${first}:{column}${last}"
        # The baseline row is two below the forecast row of the same block. SUMPRODUCT's
        # arrays apart, not multiplied: the shifted range meets the confidences' words.
        baselines = f"{column}${first + 2}:{column}${last + 2}"
        return Formula(
            f'=SUMIF({kinds},"{FORECAST}",{amounts})'
            f'+SUMPRODUCT(({kinds}="{FORECAST}")*({amounts}=""),{baselines})'
        )

    def fact(column: str) -> Formula:
        return Formula(f'=SUMIF({kinds},"{FACT}",{column}${first}:{column}${last})')

    return [
        ["", PLAN_TOTAL, "", *(total.plan for total in grid.totals), _sum(months, plan_row)],
        ["", FORECAST_TOTAL, "", *map(forecast, months), _sum(months, plan_row + 1)],
        ["", FACT_TOTAL, "", *map(fact, months), _sum(months, plan_row + 2)],
    ]


def _versions_sheet(workbook: Workbook, grid: Grid) -> None:
    """The version of every cell as exported, out of the manager's way: the import expects
    it, so that a cell changed in Upsell since the export is not overwritten unawares."""
    sheet = workbook.create_sheet(VERSIONS_SHEET)
    sheet.sheet_state = "veryHidden"
    rows: list[list[Cell]] = [["ID", "Месяц", VERSION]]
    rows += (
        [row.client.pk, _month_title(gc.month), gc.version] for row in grid.rows for gc in row.cells
    )
    xlsx_rows_append(sheet, rows)


@dataclass(frozen=True)
class ImportProblem:
    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    updated: int = 0
    unchanged: int = 0
    problems: list[ImportProblem] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class _Change:
    client: Client
    month: dt.date
    amount: Decimal | None
    confidence: str
    version: int
    row: int
    column: str


def _confidences() -> dict[str, str]:
    """Each confidence by its value and by its label in every language of the site: the file
    may say "commit" or "Точно", whichever language the page or the server started in."""
    confidences = {value: value for value in Confidence.values}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            confidences |= {str(label).lower(): value for value, label in Confidence.choices}
    return confidences


def _amount(value: Any) -> Decimal | None:
    """A cell's amount as written; raises ``ValueError`` for anything that is not a number."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return money_parse(value)


def _month_of(title: Any) -> dt.date | None:
    """A month as the file names it: ``MM.YYYY``, or a date a spreadsheet made of it."""
    if isinstance(title, str) and len(title) == 7 and title[2] == ".":
        try:
            return dt.date(int(title[3:]), int(title[:2]), 1)
        except ValueError:
            return None
    if isinstance(title, dt.date):
        return dt.date(title.year, title.month, 1)
    return None


def _months(header: tuple[Any, ...]) -> dict[int, dt.date]:
    months = {}
    for index, title in enumerate(header[FIRST_MONTH_COLUMN - 1 :], start=FIRST_MONTH_COLUMN):
        month = _month_of(title)
        if month is not None:
            months[index] = month
    return months


Rows = list[tuple[Any, ...]]


def _rows(file: IO[bytes]) -> tuple[Rows, Rows]:
    """The first sheet's rows and the versions' sheet's (none in a file without it), read by
    the bounded reader: a file too large, a zip bomb or a sheet reaching an absurd cell fails
    here, not the web process."""
    data = file.read(file_max_bytes() + 1)
    too_large = file_too_large_message(size=len(data))
    if too_large is not None:
        raise WorkbookRefused(too_large)
    rows, named = workbook_sheets_read(data=data, names=(VERSIONS_SHEET,))
    return [tuple(map(_cell_value_of, row)) for row in rows], [
        tuple(map(_cell_value_of, row)) for row in named.get(VERSIONS_SHEET, [])
    ]


def _versions(rows: Rows) -> dict[tuple[int, dt.date], int]:
    """The version each cell was exported at, by client id and month."""
    versions = {}
    for row in rows[1:]:
        if len(row) < 3 or not isinstance(row[0], int) or not isinstance(row[2], int):
            continue
        month = _month_of(row[1])
        if month is not None:
            versions[row[0], month] = row[2]
    return versions


# Past it a float no longer holds every whole number: 1e300 stays a float, and too large.
_WHOLE_FLOAT_LIMIT = 2**53


def _cell_value_of(value: Any) -> Any:
    """A cell as the sheet's XML writes it: empty as None, 2 (stored as 2.0) as the int 2."""
    if value == "":
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < _WHOLE_FLOAT_LIMIT:
        return int(value)
    return value


def grid_xlsx_import(*, file: IO[bytes], user: User) -> ImportResult:
    result = ImportResult()
    try:
        rows, version_rows = _rows(file)
    except WorkbookUnreadable:
        result.problems.append(ImportProblem(row=1, column="A", message=_("Not an XLSX workbook.")))
        return result
    except WorkbookRefused as refused:
        result.problems.append(ImportProblem(row=1, column="A", message=refused.message))
        return result
    months = _months(rows[HEADER_ROW - 1]) if len(rows) >= HEADER_ROW else {}
    if not months:
        result.problems.append(
            ImportProblem(row=HEADER_ROW, column="D", message=_("No month columns (MM.YYYY)."))
        )
        return result
    changes = _changes(rows, months, _versions(version_rows), user, result)
    if result.problems:
        return result
    try:
        with transaction.atomic():
            for change in changes:
                forecast_cell_save(
                    client=change.client,
                    month=change.month,
                    amount=change.amount,
                    confidence=change.confidence,
                    comment=_comment(change),
                    expected_version=change.version,
                    user=user,
                    source=ChangeSource.IMPORT,
                )
                result.updated += 1
    except (ForecastConflictError, ValidationError) as error:
        result.updated = 0
        result.problems.append(
            ImportProblem(row=change.row, column=change.column, message=_message(error))
        )
    return result


def _comment(change: _Change) -> str:
    cell = ForecastCell.objects.filter(client=change.client, month=change.month).first()
    return "" if cell is None else cell.comment


def _message(error: Exception) -> str:
    if isinstance(error, ForecastConflictError):
        return _("Changed in Upsell since the export.")
    assert isinstance(error, ValidationError)  # noqa: S101 - the only other kind caught
    return " ".join(error.messages)


def _changes(
    rows: Rows,
    months: dict[int, dt.date],
    versions: dict[tuple[int, dt.date], int],
    user: User,
    result: ImportResult,
) -> list[_Change]:
    blocks: dict[Any, dict[str, tuple[int, tuple[Any, ...]]]] = {}
    for number, row in enumerate(rows[HEADER_ROW:], start=HEADER_ROW + 1):
        kind = row[2] if len(row) > 2 else None
        if kind in (FORECAST, CONFIDENCE, VERSION):
            blocks.setdefault(row[0], {})[kind] = (number, row)
    clients = _clients(blocks, user, result)
    existing = {
        (cell.client_id, cell.month): cell
        for cell in ForecastCell.objects.filter(
            client__in=clients.values(), month__in=months.values()
        )
    }
    locked = months_locked(months.values())
    confidences = _confidences()
    today = timezone.localdate()
    changes = []
    for client_key, block in blocks.items():
        client = clients.get(client_key)
        if client is None or FORECAST not in block:
            continue
        number = block[FORECAST][0]
        for index, month in months.items():
            column = get_column_letter(index)
            change = _change(
                client=client,
                month=month,
                block=block,
                index=index,
                existing=existing.get((client.pk, month)),
                version=versions.get((client.pk, month)),
                row=number,
                column=column,
                confidences=confidences,
                result=result,
            )
            if change is None:
                continue
            closed = month_closed_problem(month=month, today=today, locked=month in locked)
            if closed is not None:
                result.problems.append(ImportProblem(row=number, column=column, message=closed))
                continue
            changes.append(change)
    return changes


def _clients(
    blocks: dict[Any, dict[str, tuple[int, tuple[Any, ...]]]], user: User, result: ImportResult
) -> dict[Any, Client]:
    clients = {}
    for key, block in blocks.items():
        number = min(row for row, _ in block.values())
        try:
            clients[key] = get_forecast_client_for_user(user, int(key), write=True)
        except (TypeError, ValueError, Http404, PermissionDenied):
            result.problems.append(
                ImportProblem(
                    row=number,
                    column="A",
                    message=_("Unknown client: %(client)s.") % {"client": key},
                )
            )
    return clients


def _cell_value(block: dict[str, tuple[int, tuple[Any, ...]]], kind: str, index: int) -> Any:
    if kind not in block:
        return None
    row = block[kind][1]
    return row[index - 1] if len(row) >= index else None


def _change(
    *,
    client: Client,
    month: dt.date,
    block: dict[str, tuple[int, tuple[Any, ...]]],
    index: int,
    existing: ForecastCell | None,
    version: int | None,
    row: int,
    column: str,
    confidences: dict[str, str],
    result: ImportResult,
) -> _Change | None:
    """What the file asks to change in one cell, or None when it matches Upsell. The cell is
    expected at ``version``, as the versions' sheet has it, or else as the hidden row of a
    file of the earlier shape has it."""
    try:
        amount = _amount(_cell_value(block, FORECAST, index))
    except ValueError:
        result.problems.append(ImportProblem(row=row, column=column, message=_("Not a number.")))
        return None
    if amount is not None:
        # A spreadsheet keeps floats: 1234.5 may come as 1234.4999999999998.
        problem = money_problem(amount if abs(amount) >= MONEY_LIMIT else money_round(amount))
        if problem is not None:
            result.problems.append(ImportProblem(row=row, column=column, message=problem))
            return None
        amount = money_round(amount)
    raw_confidence = str(_cell_value(block, CONFIDENCE, index) or "").strip().lower()
    confidence = confidences.get(raw_confidence, "")
    if raw_confidence and not confidence:
        confidence_row = block[CONFIDENCE][0]
        result.problems.append(
            ImportProblem(row=confidence_row, column=column, message=_("Unknown confidence."))
        )
        return None
    current_amount = None if existing is None else existing.amount
    current_confidence = "" if existing is None else existing.confidence
    confidence = confidence_typed(amount=amount, confidence=confidence, current=current_confidence)
    if amount == current_amount and confidence == current_confidence:
        result.unchanged += 1
        return None
    if version is None:
        earlier = _cell_value(block, VERSION, index)
        version = int(earlier) if isinstance(earlier, int | float) else 0
    return _Change(
        client=client,
        month=month,
        amount=amount,
        confidence=confidence,
        version=version,
        row=row,
        column=column,
    )
