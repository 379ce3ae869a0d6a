"""Reads of sales programs: who may join one, who is in it, the stock kept for its members, and
a client's credit standing."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from upsell.accounts.models import User
from upsell.clients.access import clients_visible_to
from upsell.clients.models import Client, ClientStatus
from upsell.core.months import month_add
from upsell.payments.models import Payment
from upsell.programs.access import memberships_visible_to, programs_visible_to
from upsell.programs.models import (
    Membership,
    MembershipGroup,
    MembershipState,
    Program,
    ProgramEffect,
    ProgramKind,
    ProgramState,
    StockCommitment,
    StockMonth,
)
from upsell.shipments.models import Shipment


def eligibility_q(program: Program) -> Q:
    """The clients ``program`` admits: each list of its eligibility, when not empty, holds the
    client's value."""
    admitted = Q()
    if program.eligible_statuses:
        admitted &= Q(status__in=program.eligible_statuses)
    if program.eligible_segments:
        admitted &= Q(segment__in=program.eligible_segments)
    if program.eligible_regions:
        admitted &= Q(region__in=program.eligible_regions)
    if program.min_perspective is not None:
        admitted &= Q(audit__perspective__gte=program.min_perspective)
    if program.budgeting_only:
        admitted &= Q(plans_budget=True)
    return admitted


def eligibility_refusal(*, program: Program, client: Client) -> str | None:
    """Why ``client`` is outside ``program``'s eligibility, in words; None when it is inside."""
    if program.eligible_statuses and client.status not in program.eligible_statuses:
        status = ClientStatus(client.status).label if client.status else _("no status")
        return _("its status is %(status)s") % {"status": status}
    if program.eligible_segments and client.segment not in program.eligible_segments:
        return _("its segment is %(segment)s") % {"segment": client.segment or "—"}
    if program.eligible_regions and client.region not in program.eligible_regions:
        return _("its region is %(region)s") % {"region": client.region or "—"}
    if program.min_perspective is not None:
        perspective = getattr(getattr(client, "audit", None), "perspective", None)
        if perspective is None or perspective < program.min_perspective:
            return _("its perspective is below %(minimum)s") % {"minimum": program.min_perspective}
    if program.budgeting_only and not client.plans_budget:
        return _("it plans no purchase budget")
    return None


def program_of_period(*, name: str, period_start: dt.date, period_end: dt.date) -> Program | None:
    """The program of that name and period, when there is one."""
    return (
        Program.objects.filter(name=name.strip(), period_start=period_start, period_end=period_end)
        .order_by("id")
        .first()
    )


def program_eligible_clients(*, program: Program, clients: QuerySet[Client]) -> QuerySet[Client]:
    """Of ``clients``, those ``program`` admits and that are not in it or its control group yet
    (a proposed client is listed: enrolling it decides the proposal), with their perspective."""
    return (
        clients.filter(eligibility_q(program))
        .exclude(
            program_memberships__program=program,
            program_memberships__state__in=[MembershipState.ACTIVE, MembershipState.ENDED],
        )
        .select_related("audit", "manager")
        .order_by("-audit__perspective", "name", "id")
    )


def program_memberships(*, program: Program, user: User) -> QuerySet[Membership]:
    """The memberships of ``program`` that ``user`` may see, with their progress."""
    return (
        memberships_visible_to(user)
        .filter(program=program)
        .select_related("client", "client__manager", "progress")
        .prefetch_related("stock_months")
        .order_by("group", "client__name", "id")
    )


def client_memberships(*, client: Client, user: User) -> QuerySet[Membership]:
    """The programs ``client`` is in, was in or is proposed for, newest program first."""
    return (
        memberships_visible_to(user)
        .filter(client=client, group=MembershipGroup.MEMBER)
        .select_related("program", "progress")
        .prefetch_related("program__tiers", "stock_months")
        .order_by("-program__period_start", "program__name")
    )


@dataclass(frozen=True, kw_only=True)
class CreditStanding:
    """A client's credit line as of a day: what it is owed for, what is left, and how old the
    oldest unpaid shipment is."""

    program: Program
    limit: Decimal | None
    delay_days: int | None
    exposure: Decimal
    oldest_unpaid: dt.date | None

    @property
    def available(self) -> Decimal | None:
        return None if self.limit is None else self.limit - self.exposure

    def days_unpaid(self, day: dt.date) -> int:
        return 0 if self.oldest_unpaid is None else (day - self.oldest_unpaid).days

    def past_delay(self, day: dt.date) -> bool:
        return self.delay_days is not None and self.days_unpaid(day) > self.delay_days


def _credit_membership(*, client: Client, day: dt.date) -> Membership | None:
    return (
        Membership.objects.filter(
            client=client,
            group=MembershipGroup.MEMBER,
            state=MembershipState.ACTIVE,
            program__kind=ProgramKind.CREDIT_LINE,
            program__state=ProgramState.ACTIVE,
            program__period_start__lte=day,
            program__period_end__gte=day,
        )
        .select_related("program")
        .order_by("-program__period_start", "-id")
        .first()
    )


def client_credit_standing(*, client: Client, day: dt.date) -> CreditStanding | None:
    """The client's credit line in force on ``day``, measured now; None without one.

    Exposure is what was shipped and not yet paid (all shipments less all payments up to
    ``day``, never below zero). Payments settle the oldest shipments first, so the oldest unpaid
    shipment is the earliest one the unpaid remainder still reaches.
    """
    membership = _credit_membership(client=client, day=day)
    if membership is None:
        return None
    program = membership.program
    shipments = Shipment.objects.filter(client=client, date__lte=day)
    shipped = shipments.aggregate(total=Sum("total"))["total"] or Decimal(0)
    paid = Payment.objects.filter(client=client, date__lte=day).aggregate(total=Sum("amount"))[
        "total"
    ] or Decimal(0)
    exposure = max(shipped - paid, Decimal(0))
    oldest_unpaid = None
    unpaid = exposure
    # Newest first, until the unpaid remainder is used up: those documents are the unpaid ones.
    for date, total in shipments.order_by("-date", "-id").values_list("date", "total").iterator():
        if unpaid <= 0:
            break
        oldest_unpaid = date
        unpaid -= total
    return CreditStanding(
        program=program,
        limit=membership.credit_limit
        if membership.credit_limit is not None
        else program.credit_limit,
        delay_days=(
            membership.payment_delay_days
            if membership.payment_delay_days is not None
            else program.payment_delay_days
        ),
        exposure=exposure,
        oldest_unpaid=oldest_unpaid,
    )


def program_list(*, user: User) -> QuerySet[Program]:
    """The programs ``user`` may see, each with the number of its members in force."""
    in_force = Q(
        memberships__group=MembershipGroup.MEMBER, memberships__state=MembershipState.ACTIVE
    )
    return (
        programs_visible_to(user)
        .annotate(members_count=Count("memberships", filter=in_force))
        .order_by("-period_start", "name", "id")
    )


def program_proposable_clients(*, program: Program, user: User) -> QuerySet[Client]:
    """The manager's own clients ``program`` admits and holds in no way yet, not even as a
    proposal: the ones it may propose."""
    own = clients_visible_to(user).filter(manager=user)
    return program_eligible_clients(program=program, clients=own).exclude(
        program_memberships__program=program
    )


def client_programs_open(*, client: Client, user: User, today: dt.date) -> list[Program]:
    """The running programs ``client`` may be proposed for: active, not over by ``today``,
    admitting it, and holding it in no way yet."""
    programs = (
        programs_visible_to(user)
        .filter(state=ProgramState.ACTIVE, period_end__gte=today)
        .exclude(memberships__client=client)
        .order_by("name", "id")
    )
    return [
        program
        for program in programs
        if eligibility_refusal(program=program, client=client) is None
    ]


@dataclass(frozen=True, kw_only=True)
class ProgramFigures:
    """An active program as the night last measured it: its members in force, those whose next
    tier is within reach, the discounts and bonuses they accrued so far, and the program's
    effect (None until the night could measure one)."""

    program: Program
    members: int
    within_reach: int
    accrued: Decimal
    effect: ProgramEffect | None


def programs_active_figures(*, user: User) -> list[ProgramFigures]:
    """The active programs ``user`` may see with their figures, counted and summed by the
    database in one query whatever the members (counted over every member, as the program list
    counts them)."""
    in_force = Q(
        memberships__group=MembershipGroup.MEMBER, memberships__state=MembershipState.ACTIVE
    )
    programs = (
        programs_visible_to(user)
        .filter(state=ProgramState.ACTIVE)
        .select_related("effect")
        .annotate(
            members_count=Count("memberships", filter=in_force),
            within_reach_count=Count(
                "memberships", filter=in_force & Q(memberships__progress__within_reach=True)
            ),
            accrued_total=Sum(
                "memberships__progress__accrued", filter=in_force, default=Decimal("0.00")
            ),
        )
        .order_by("-period_start", "name", "id")
    )
    return [
        ProgramFigures(
            program=program,
            members=program.members_count,
            within_reach=program.within_reach_count,
            accrued=program.accrued_total,
            effect=getattr(program, "effect", None),
        )
        for program in programs
    ]


# The months of guaranteed stock a program's page shows, the last measured one last.
STOCK_MONTHS_SHOWN = 3


@dataclass(frozen=True, kw_only=True)
class MonthTaken:
    month: dt.date
    consumed: Decimal
    committed: Decimal


@dataclass(frozen=True, kw_only=True)
class KeptProduct:
    """A product kept for a member, with what it took of it in each month shown (None: a month
    the night did not measure for it)."""

    sku: str
    name: str
    monthly_quantity: Decimal
    months: tuple[MonthTaken | None, ...]


@dataclass(frozen=True, kw_only=True)
class MemberStock:
    membership: Membership
    products: tuple[KeptProduct, ...]


@dataclass(frozen=True, kw_only=True)
class ProgramStock:
    months: tuple[dt.date, ...]
    members: tuple[MemberStock, ...]


def program_stock(*, memberships: Sequence[Membership]) -> ProgramStock:
    """The products kept for each of ``memberships`` and what was taken of them in the last
    months the night measured, oldest first, in two queries whatever the members."""
    ids = [membership.pk for membership in memberships]
    commitments = StockCommitment.objects.filter(membership_id__in=ids).select_related("product")
    stock_months = StockMonth.objects.filter(membership_id__in=ids)
    last = max(stock_months.values_list("month", flat=True), default=None)
    months = (
        tuple(month_add(last, shift) for shift in range(1 - STOCK_MONTHS_SHOWN, 1))
        if last is not None
        else ()
    )
    taken = {
        (row.membership_id, row.product_id, row.month): row
        for row in stock_months.filter(month__in=months)
    }

    def shown(membership_id: int, product_id: int, month: dt.date) -> MonthTaken | None:
        row = taken.get((membership_id, product_id, month))
        return (
            None
            if row is None
            else MonthTaken(month=month, consumed=row.consumed, committed=row.committed)
        )

    kept: dict[int, list[KeptProduct]] = {}
    for commitment in commitments:
        kept.setdefault(commitment.membership_id, []).append(
            KeptProduct(
                sku=commitment.product.sku,
                name=commitment.product.name,
                monthly_quantity=commitment.monthly_quantity,
                months=tuple(
                    shown(commitment.membership_id, commitment.product_id, month)
                    for month in months
                ),
            )
        )
    return ProgramStock(
        months=months,
        members=tuple(
            MemberStock(membership=membership, products=tuple(kept.get(membership.pk, ())))
            for membership in memberships
        ),
    )
