"""The conversion report as a workbook: a row per manager and month with the team's rows, and
the definitions of its steps on a second sheet. Written through ``upsell.core.spreadsheets``."""

from collections.abc import Sequence
from decimal import Decimal

from django.http import FileResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import Cell as SheetCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from upsell.core.spreadsheets import Cell, xlsx_cells, xlsx_response
from upsell.deals.conversion import (
    STEP_DEFINITIONS,
    STEP_LABELS,
    ConversionReport,
    ConversionRow,
)

MONEY_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.0"


def _header() -> list[Cell]:
    header: list[Cell] = [_("Month"), _("Manager"), str(STEP_LABELS["forecast"])]
    for key in list(STEP_LABELS)[1:]:
        label = str(STEP_LABELS[key])
        header += [
            label,
            _("%(step)s, %% of the forecast") % {"step": label},
            _("%(step)s, drop") % {"step": label},
            _("%(step)s, drop %%") % {"step": label},
        ]
    return header


def _row(row: ConversionRow) -> list[Cell]:
    values: list[Cell] = [
        _("All months") if row.month is None else f"{row.month:%Y-%m}",
        _("Team") if row.manager is None else str(row.manager),
    ]
    for step in row.funnel.steps:
        if step.drop is None:
            values.append(step.amount)
        else:
            values += [step.amount, step.of_forecast, step.drop, step.drop_percent]
    return values


def _cells(sheet: WriteOnlyWorksheet, values: Sequence[Cell], *, bold: bool) -> list[SheetCell]:
    """Amounts with their kopecks; percents with one decimal."""
    cells: list[SheetCell] = []
    for index, value in enumerate(values):
        # After the month, the manager and the forecast, each step takes four columns: the
        # amount, its percent of the forecast, the drop and the drop's percent.
        is_percent = index > 2 and (index - 3) % 4 in (1, 3)
        number_format = PERCENT_FORMAT if is_percent else MONEY_FORMAT
        cells += xlsx_cells(
            sheet,
            [value],
            bold=bold,
            number_format=number_format if isinstance(value, Decimal) else None,
        )
    return cells


def conversion_xlsx_response(*, report: ConversionReport, team: bool) -> FileResponse:
    """``report`` as an XLSX download; ``team`` adds the team's row to each month."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Conversion"))
    sheet.column_dimensions["A"].width = 12
    sheet.column_dimensions["B"].width = 30
    sheet.freeze_panes = "C2"
    sheet.append(xlsx_cells(sheet, _header(), bold=True))
    for section in report.sections:
        for row in section.rows:
            sheet.append(_cells(sheet, _row(row), bold=False))
        if team:
            sheet.append(_cells(sheet, _row(section.team), bold=True))
    definitions = workbook.create_sheet(_("Definitions"))
    definitions.column_dimensions["A"].width = 16
    definitions.column_dimensions["B"].width = 100
    for key, label in STEP_LABELS.items():
        definitions.append(
            xlsx_cells(definitions, [str(label), str(STEP_DEFINITIONS[key])], bold=False)
        )
    filename = f"conversion-{report.first:%Y-%m}-{report.last:%Y-%m}.xlsx"
    return xlsx_response(workbook=workbook, filename=filename)
