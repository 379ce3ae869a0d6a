"""Sales programs over the REST API: the same access funnel and services as the screens.

Top management designs a program (its terms, its life from draft to closed) and sets a member's
credit terms; the head of sales decides who is in it; a manager proposes its own clients. A
program or membership the caller may not see answers 404, one it may see but not change 403.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status

from upsell.accounts.http import authenticated_user
from upsell.accounts.schemas import ObjectId, PageParams, error_responses
from upsell.clients.access import get_client_for_user
from upsell.core.spreadsheets import XLSX_CONTENT_TYPE
from upsell.history.models import ChangeSource
from upsell.programs.access import (
    can_decide_memberships,
    can_propose_membership,
    can_propose_programs,
    can_set_member_terms,
    get_membership_for_user,
    get_program_for_user,
    programs_visible_to,
)
from upsell.programs.exports import program_report_xlsx_response
from upsell.programs.models import Membership, MembershipProgress, Program
from upsell.programs.schemas import (
    CreditTermsIn,
    EnrolmentIn,
    EnrolmentOut,
    MembershipEndIn,
    MembershipOut,
    MembershipPage,
    ProgramIn,
    ProgramOut,
    ProgramPage,
    ProgressOut,
    ProposalIn,
    SettlementIn,
    SettlementOut,
    StockIn,
    StockLineOut,
)
from upsell.programs.selectors import program_memberships
from upsell.programs.services.memberships import (
    Enrolment,
    StockLine,
    membership_credit_set,
    membership_end,
    membership_propose,
    membership_stock_set,
    memberships_enrol,
)
from upsell.programs.services.settlement import program_bonuses_settle
from upsell.programs.services.terms import (
    ProgramTerms,
    Tier,
    program_activate,
    program_close,
    program_create,
    program_update,
)

router = Router(tags=["programs"])


def _terms(payload: ProgramIn) -> ProgramTerms:
    return ProgramTerms(
        name=payload.name,
        kind=payload.kind,
        period_start=payload.period_start,
        period_end=payload.period_end,
        description=payload.description,
        tiers=tuple(Tier(threshold=tier.threshold, rate=tier.rate) for tier in payload.tiers),
        eligible_statuses=tuple(payload.eligible_statuses),
        eligible_segments=tuple(payload.eligible_segments),
        eligible_regions=tuple(payload.eligible_regions),
        min_perspective=payload.min_perspective,
        budgeting_only=payload.budgeting_only,
        credit_limit=payload.credit_limit,
        payment_delay_days=payload.payment_delay_days,
    )


@router.get("", response={200: ProgramPage, **error_responses(401, 422)})
def list_programs(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    """The programs the caller may see, newest period first: all of them for the head of sales
    and top management, those in force or closed for managers and assistants."""
    programs = programs_visible_to(authenticated_user(request)).prefetch_related("tiers")
    return page.page_of(programs)


@router.post("", response={201: ProgramOut, **error_responses(400, 401, 403, 422)})
def create_program(request: HttpRequest, payload: ProgramIn) -> Status[Program]:
    """A new draft: top management's program, or the head of sales' proposal of one."""
    user = authenticated_user(request)
    if not can_propose_programs(user):
        raise PermissionDenied(_("Only top management and the head of sales draft programs."))
    return Status(201, program_create(terms=_terms(payload), by=user))


# Memberships first: "/memberships/…" is not a program's id.
@router.get(
    "/memberships/{membership_id}", response={200: MembershipOut, **error_responses(401, 404, 422)}
)
def get_membership(request: HttpRequest, membership_id: Path[ObjectId]) -> Membership:
    return get_membership_for_user(authenticated_user(request), membership_id)


@router.get(
    "/memberships/{membership_id}/progress",
    response={200: ProgressOut, **error_responses(401, 404, 422)},
)
def get_membership_progress(
    request: HttpRequest, membership_id: Path[ObjectId]
) -> MembershipProgress:
    """What the nightly run last measured of the member; 404 until it has measured it."""
    membership = get_membership_for_user(authenticated_user(request), membership_id)
    try:
        return MembershipProgress.objects.get(membership=membership)
    except MembershipProgress.DoesNotExist:
        raise Http404(_("The member's progress has not been measured yet.")) from None


@router.post(
    "/memberships/{membership_id}/end",
    response={200: MembershipOut, **error_responses(400, 401, 403, 404, 422)},
)
def end_membership(
    request: HttpRequest, membership_id: Path[ObjectId], payload: MembershipEndIn
) -> Membership:
    """End a membership before its program does, or turn a proposal down, saying why (the head
    of sales); ending an ended one changes nothing."""
    user = authenticated_user(request)
    membership = get_membership_for_user(user, membership_id)
    if not can_decide_memberships(user):
        raise PermissionDenied(_("Only the head of sales decides memberships."))
    return membership_end(
        membership=membership, by=user, reason=payload.reason, today=timezone.localdate()
    )


@router.put(
    "/memberships/{membership_id}/credit",
    response={200: MembershipOut, **error_responses(400, 401, 403, 404, 422)},
)
def set_membership_credit(
    request: HttpRequest, membership_id: Path[ObjectId], payload: CreditTermsIn
) -> Membership:
    """A credit-line member's own limit and payment delay (null: the program's), set by top
    management or the head of sales."""
    user = authenticated_user(request)
    membership = get_membership_for_user(user, membership_id)
    if not can_set_member_terms(user):
        raise PermissionDenied(_("Only top management and the head of sales set a member's terms."))
    return membership_credit_set(
        membership=membership,
        credit_limit=payload.credit_limit,
        payment_delay_days=payload.payment_delay_days,
    )


def _stock_of(membership: Membership) -> list[dict[str, object]]:
    months = list(
        membership.stock_months.order_by("product_id", "month").values_list(
            "product_id", "month", "committed", "consumed"
        )
    )
    return [
        {
            "sku": commitment.product.sku,
            "product": commitment.product.name,
            "monthly_quantity": commitment.monthly_quantity,
            "months": [
                {"month": month, "committed": committed, "consumed": consumed}
                for product_id, month, committed, consumed in months
                if product_id == commitment.product_id
            ],
        }
        for commitment in membership.stock_commitments.select_related("product")
    ]


@router.get(
    "/memberships/{membership_id}/stock",
    response={200: list[StockLineOut], **error_responses(401, 404, 422)},
)
def get_membership_stock(request: HttpRequest, membership_id: Path[ObjectId]) -> object:
    """A guaranteed-stock member's products: the quantity kept each month, and what the client
    took each month of the period so far."""
    return _stock_of(get_membership_for_user(authenticated_user(request), membership_id))


@router.put(
    "/memberships/{membership_id}/stock",
    response={200: list[StockLineOut], **error_responses(400, 401, 403, 404, 422)},
)
def set_membership_stock(
    request: HttpRequest, membership_id: Path[ObjectId], payload: StockIn
) -> object:
    """The products and monthly quantities kept for a guaranteed-stock member, in place of the
    ones it had (top management or the head of sales)."""
    user = authenticated_user(request)
    membership = get_membership_for_user(user, membership_id)
    if not can_set_member_terms(user):
        raise PermissionDenied(_("Only top management and the head of sales set a member's terms."))
    membership_stock_set(
        membership=membership,
        lines=[
            StockLine(sku=line.sku, monthly_quantity=line.monthly_quantity)
            for line in payload.lines
        ],
    )
    return _stock_of(membership)


@router.get("/{program_id}", response={200: ProgramOut, **error_responses(401, 404, 422)})
def get_program(request: HttpRequest, program_id: Path[ObjectId]) -> Program:
    return get_program_for_user(authenticated_user(request), program_id)


@router.put("/{program_id}", response={200: ProgramOut, **error_responses(400, 401, 403, 404, 422)})
def update_program(request: HttpRequest, program_id: Path[ObjectId], payload: ProgramIn) -> Program:
    """Replace the terms of a draft or running program (top management); each field that moves
    is kept in its history. A closed program's terms do not change."""
    user = authenticated_user(request)
    program = get_program_for_user(user, program_id, design=True)
    return program_update(program=program, terms=_terms(payload), by=user, source=ChangeSource.API)


@router.post(
    "/{program_id}/activate",
    response={200: ProgramOut, **error_responses(401, 403, 404, 422)},
)
def activate_program(request: HttpRequest, program_id: Path[ObjectId]) -> Program:
    """Put a draft in force (top management); activating an active one changes nothing."""
    user = authenticated_user(request)
    return program_activate(program=get_program_for_user(user, program_id, design=True), by=user)


@router.post(
    "/{program_id}/close", response={200: ProgramOut, **error_responses(401, 403, 404, 422)}
)
def close_program(request: HttpRequest, program_id: Path[ObjectId]) -> Program:
    """End a program for good (top management); closing a closed one changes nothing."""
    user = authenticated_user(request)
    return program_close(program=get_program_for_user(user, program_id, design=True), by=user)


@router.post(
    "/{program_id}/settlement",
    response={200: SettlementOut, **error_responses(400, 401, 403, 404, 422)},
)
def settle_program(
    request: HttpRequest, program_id: Path[ObjectId], payload: SettlementIn
) -> dict[str, int]:
    """Record the retro-bonus payout of every member the night measured past a tier after the
    period's end (top management); a member paid before keeps its payout."""
    user = authenticated_user(request)
    program = get_program_for_user(user, program_id, design=True)
    return {"payouts": program_bonuses_settle(program=program, paid_on=payload.paid_on, by=user)}


@router.get(
    "/{program_id}/memberships", response={200: MembershipPage, **error_responses(401, 404, 422)}
)
def list_program_memberships(
    request: HttpRequest, program_id: Path[ObjectId], page: Query[PageParams]
) -> dict[str, Any]:
    """The program's members, control group and proposals among the clients the caller may
    see."""
    user = authenticated_user(request)
    program = get_program_for_user(user, program_id)
    return page.page_of(program_memberships(program=program, user=user))


@router.post(
    "/{program_id}/memberships",
    response={200: EnrolmentOut, **error_responses(400, 401, 403, 404, 422)},
)
def enrol_memberships(
    request: HttpRequest, program_id: Path[ObjectId], payload: EnrolmentIn
) -> Enrolment:
    """Enrol clients (the head of sales), holding out ``control_percent`` of them as the
    control group drawn by ``seed``; a client outside the program's eligibility refuses the
    whole enrolment. Safe to send twice: a client in the program already is counted, not
    changed."""
    user = authenticated_user(request)
    program = get_program_for_user(user, program_id)
    if not can_decide_memberships(user):
        raise PermissionDenied(_("Only the head of sales decides memberships."))
    return memberships_enrol(
        program=program,
        client_ids=payload.client_ids,
        by=user,
        today=timezone.localdate(),
        control_percent=payload.control_percent,
        seed=payload.seed,
    )


@router.post(
    "/{program_id}/proposals",
    response={200: MembershipOut, **error_responses(400, 401, 403, 404, 422)},
)
def propose_membership(
    request: HttpRequest, program_id: Path[ObjectId], payload: ProposalIn
) -> Membership:
    """Propose that a client join the program (its manager, or the head of sales); the head
    of sales decides by enrolling it. Proposing twice changes nothing."""
    user = authenticated_user(request)
    program = get_program_for_user(user, program_id)
    client = get_client_for_user(user, payload.client_id)
    if not can_propose_membership(user, client):
        raise PermissionDenied(_("Only the client's manager or the head of sales proposes it."))
    return membership_propose(program=program, client=client, by=user)


@router.get(
    "/{program_id}/report.xlsx",
    response=error_responses(401, 404, 422),
    openapi_extra={
        "responses": {
            200: {
                "description": "The workbook: the terms, and the members the caller may see",
                "content": {XLSX_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def export_program_report(request: HttpRequest, program_id: Path[ObjectId]) -> FileResponse:
    """The program's report as a workbook: its terms, and each member the caller may see with
    its progress (and, on a credit line, its limit, exposure and credit left)."""
    user = authenticated_user(request)
    program = get_program_for_user(user, program_id)
    return program_report_xlsx_response(
        program=program, memberships=program_memberships(program=program, user=user)
    )
