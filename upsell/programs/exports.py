"""A program's report as a workbook: its terms on one sheet, its members and their progress on
the other, for the meeting where the program is reviewed.

The members are those the reader may see (``program_memberships``), so a manager's report holds
only its own clients. Everything is written through ``upsell.core.spreadsheets``: a client
named like a formula stays text.
"""

from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.db.models import QuerySet
from django.http import FileResponse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell.cell import Cell as SheetCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from upsell.clients.models import ClientStatus
from upsell.core.spreadsheets import Cell, xlsx_cells, xlsx_response
from upsell.programs.models import (
    Membership,
    MembershipGroup,
    MembershipProgress,
    MembershipState,
    Program,
    ProgramKind,
    ProgramState,
)

MONEY_FORMAT = "#,##0.00"


def _yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return _("Yes") if value else _("No")


def _listed(values: Iterable[str]) -> str:
    return ", ".join(values) or _("all")


def _terms_rows(program: Program) -> list[list[Cell]]:
    statuses = (str(ClientStatus(status).label) for status in program.eligible_statuses)
    rows: list[list[Cell]] = [
        [_("Program"), program.name],
        [_("Type"), str(ProgramKind(program.kind).label)],
        [_("State"), str(ProgramState(program.state).label)],
        [pgettext("period", "From"), program.period_start],
        [pgettext("period", "To"), program.period_end],
        [_("Description"), program.description],
        [_("Statuses admitted"), _listed(statuses)],
        [_("Segments admitted"), _listed(program.eligible_segments)],
        [_("Regions admitted"), _listed(program.eligible_regions)],
        [_("Minimum perspective"), program.min_perspective],
        [_("Only clients that plan a budget"), _yes_no(program.budgeting_only)],
        [_("Control group, %"), program.control_percent],
    ]
    if program.kind == ProgramKind.CREDIT_LINE:
        rows += [
            [_("Credit limit"), program.credit_limit],
            [_("Payment delay, days"), program.payment_delay_days],
        ]
    return rows


def _cells(sheet: WriteOnlyWorksheet, values: Sequence[Cell]) -> list[SheetCell]:
    """Amounts and rates with their two decimals; counts of days and percents as they are."""
    return [
        cell
        for value in values
        for cell in xlsx_cells(
            sheet, [value], number_format=MONEY_FORMAT if isinstance(value, Decimal) else None
        )
    ]


def _terms_sheet(workbook: Workbook, program: Program) -> None:
    sheet = workbook.create_sheet(_("Terms"))
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 48
    for label, value in _terms_rows(program):
        sheet.append([*xlsx_cells(sheet, [label], bold=True), *_cells(sheet, [value])])
    if program.is_tiered:
        sheet.append([])
        sheet.append(
            xlsx_cells(sheet, [pgettext("tier threshold", "From"), _("Rate, %")], bold=True)
        )
        for tier in program.tiers.order_by("threshold"):
            sheet.append(_cells(sheet, [tier.threshold, tier.rate]))


def _members_header(program: Program) -> list[Cell]:
    header: list[Cell] = [
        _("Client"),
        _("Tax id"),
        _("Manager"),
        _("Group"),
        _("State"),
        _("Joined"),
        _("Measured on"),
        _("Purchased"),
        _("Tier reached"),
        _("Rate reached, %"),
        _("Next tier"),
        _("Next rate, %"),
        _("Missing"),
        _("Accrued"),
        _("Expected by the end"),
        _("Next tier within reach"),
    ]
    if program.kind == ProgramKind.CREDIT_LINE:
        header += [_("Credit limit"), _("Payment delay, days"), _("Exposure"), _("Available")]
    return header


def _progress_of(membership: Membership) -> MembershipProgress | None:
    try:
        return membership.progress
    except MembershipProgress.DoesNotExist:
        return None


def _member_row(program: Program, membership: Membership) -> list[Cell]:
    client = membership.client
    progress = _progress_of(membership)
    row: list[Cell] = [
        client.name,
        client.tax_id,
        str(client.manager) if client.manager else "",
        str(MembershipGroup(membership.group).label),
        str(MembershipState(membership.state).label),
        membership.joined_on,
    ]
    if progress is None:
        row += [None] * 10
    else:
        row += [
            progress.as_of,
            progress.purchased,
            progress.tier_threshold,
            progress.tier_rate,
            progress.next_threshold,
            progress.next_rate,
            progress.missing,
            progress.accrued,
            progress.expected_end,
            _yes_no(progress.within_reach),
        ]
    if program.kind == ProgramKind.CREDIT_LINE:
        own_limit, own_delay = membership.credit_limit, membership.payment_delay_days
        row += [
            own_limit if own_limit is not None else program.credit_limit,
            own_delay if own_delay is not None else program.payment_delay_days,
            None if progress is None else progress.exposure,
            None if progress is None else progress.available,
        ]
    return row


def _members_sheet(workbook: Workbook, program: Program, memberships: QuerySet[Membership]) -> None:
    sheet = workbook.create_sheet(_("Members"))
    sheet.column_dimensions["A"].width = 44
    sheet.column_dimensions["C"].width = 26
    sheet.freeze_panes = "B2"
    sheet.append(xlsx_cells(sheet, _members_header(program), bold=True))
    for membership in memberships:
        sheet.append(_cells(sheet, _member_row(program, membership)))


def program_report_xlsx_response(
    *, program: Program, memberships: QuerySet[Membership]
) -> FileResponse:
    """The report of ``program`` with ``memberships`` (the reader's), as an XLSX download."""
    workbook = Workbook(write_only=True)
    _terms_sheet(workbook, program)
    _members_sheet(workbook, program, memberships)
    return xlsx_response(workbook=workbook, filename=f"program-{program.pk}.xlsx")
