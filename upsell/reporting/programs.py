"""The sales programs' nightly measures: this module reads what the analytics need from the
database as the contract's Arrow tables, runs ``upsell.analytics.programs`` and stores what it
gives through ``programs.services.measures``.

Each member's progress is measured for every program that has begun and is not a draft (a
closed program's members keep their last figures, which its settlement reads). A member's
expected rest of the period comes from its forecast: the manager's cell where there is one,
else the baseline. The next tier is within reach when the expected end of the period falls
short of it by no more than ``REACH_SHARE`` of the tier.

A program's effect is measured from its first month to the last complete month before the
night's date, against the six months before it: against its random control group where the head
of sales kept one, else against the non-members most like each member (same status at the start,
ABC class and segment, nearest revenue before). Revenue per client and month comes from the one
owner of "shipped per client per period".
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pyarrow as pa
from django.db.models import Q, Sum

from upsell.analytics.engines import Engine
from upsell.analytics.programs import contracts as progress_contracts
from upsell.analytics.programs import effect as effect_measure
from upsell.analytics.programs.progress import program_progress
from upsell.analytics.programs.stock import stock_consumption
from upsell.clients.models import Client, ClientBudgetMonth, ClientStatusMonth
from upsell.core.months import month_add, month_start
from upsell.forecasts.models import ForecastCell, cell_forecast
from upsell.programs.models import (
    EffectMethod,
    Membership,
    MembershipGroup,
    MembershipProgress,
    MembershipState,
    Program,
    ProgramKind,
    ProgramState,
    ProgramTier,
    StockCommitment,
    StockMonth,
)
from upsell.programs.services.measures import (
    EffectFigures,
    memberships_progress_replace,
    program_effect_forget,
    program_effect_store,
)
from upsell.reporting.snapshots import orders_snapshot, payments_snapshot
from upsell.shipments.models import ShipmentLine
from upsell.shipments.selectors import shipped_per_month

PRE_MONTHS = effect_measure.DEFAULT_PRE_MONTHS
REACH_SHARE = Decimal("0.20")


@dataclass(frozen=True, kw_only=True)
class ProgramsMeasured:
    members: int
    stock_months: int
    effects: int


def _measured_memberships(as_of: dt.date) -> list[Membership]:
    return list(
        Membership.objects.filter(
            group=MembershipGroup.MEMBER,
            state=MembershipState.ACTIVE,
            program__period_start__lte=as_of,
        )
        .exclude(program__state=ProgramState.DRAFT)
        .select_related("program")
        .order_by("program_id", "client_id")
    )


def _members_table(memberships: list[Membership]) -> pa.Table:
    return pa.Table.from_pylist(
        [
            {
                "program_id": membership.program_id,
                "client_id": membership.client_id,
                "kind": membership.program.kind,
                "period_start": membership.program.period_start,
                "period_end": membership.program.period_end,
                "joined": membership.joined_on or membership.program.period_start,
                "credit_limit": (
                    membership.credit_limit
                    if membership.credit_limit is not None
                    else membership.program.credit_limit
                ),
                "payment_delay_days": (
                    membership.payment_delay_days
                    if membership.payment_delay_days is not None
                    else membership.program.payment_delay_days
                ),
            }
            for membership in memberships
        ],
        schema=progress_contracts.MEMBERS_SCHEMA,
    )


def _tiers_table(program_ids: set[int]) -> pa.Table:
    return pa.Table.from_pylist(
        [
            {"program_id": program_id, "threshold": threshold, "rate": rate}
            for program_id, threshold, rate in ProgramTier.objects.filter(
                program_id__in=program_ids
            ).values_list("program_id", "threshold", "rate")
        ],
        schema=progress_contracts.TIERS_SCHEMA,
    )


def _forecast_table(client_ids: set[int], as_of: dt.date) -> pa.Table:
    """Each member's expected shipments from the month of ``as_of`` on: the manager's figure,
    else the baseline."""
    cells = ForecastCell.objects.filter(
        client_id__in=client_ids, month__gte=month_start(as_of)
    ).values_list("client_id", "month", cell_forecast())
    return pa.Table.from_pylist(
        [
            {"client_id": client_id, "month": month, "amount": amount}
            for client_id, month, amount in cells
            if amount is not None
        ],
        schema=progress_contracts.FORECAST_SCHEMA,
    )


def _commitments(memberships: list[Membership]) -> list[StockCommitment]:
    stocked = [m.pk for m in memberships if m.program.kind == ProgramKind.GUARANTEED_STOCK]
    return list(
        StockCommitment.objects.filter(membership_id__in=stocked).select_related("membership")
    )


def _stock_tables(commitments: list[StockCommitment]) -> tuple[pa.Table, pa.Table]:
    commitments_table = pa.Table.from_pylist(
        [
            {
                "program_id": commitment.membership.program_id,
                "client_id": commitment.membership.client_id,
                "product_id": commitment.product_id,
                "monthly_quantity": commitment.monthly_quantity,
            }
            for commitment in commitments
        ],
        schema=progress_contracts.COMMITMENTS_SCHEMA,
    )
    lines = ShipmentLine.objects.filter(
        shipment__client_id__in={c.membership.client_id for c in commitments},
        product_id__in={c.product_id for c in commitments},
    ).values_list("shipment__client_id", "shipment__date", "product_id", "quantity")
    lines_table = pa.Table.from_pylist(
        [
            {"client_id": client_id, "date": date, "product_id": product_id, "quantity": quantity}
            for client_id, date, product_id, quantity in lines
        ],
        schema=progress_contracts.LINES_SCHEMA,
    )
    return commitments_table, lines_table


def programs_progress_measure(*, as_of: dt.date, engine: Engine = Engine.DUCKDB) -> tuple[int, int]:
    """Measure every member's progress and guaranteed-stock months as of ``as_of`` and store
    them in place of the last night's: the members and stock months stored."""
    memberships = _measured_memberships(as_of)
    members = _members_table(memberships)
    client_ids = {membership.client_id for membership in memberships}
    progress = program_progress(
        session=engine,
        as_of=as_of,
        members=members,
        tiers=_tiers_table({membership.program_id for membership in memberships}),
        orders=orders_snapshot(),
        payments=payments_snapshot(),
        forecast=_forecast_table(client_ids, as_of),
        reach_share=REACH_SHARE,
    )
    commitments = _commitments(memberships)
    commitments_table, lines_table = _stock_tables(commitments)
    stock = stock_consumption(
        session=engine,
        as_of=as_of,
        members=members,
        commitments=commitments_table,
        lines=lines_table,
    )
    membership_of = {(m.program_id, m.client_id): m.pk for m in memberships}
    stored = memberships_progress_replace(
        progress=(
            MembershipProgress(
                membership_id=membership_of[row.pop("program_id"), row.pop("client_id")], **row
            )
            for row in progress.to_pylist()
        ),
        stock=(
            StockMonth(
                membership_id=membership_of[row["program_id"], row["client_id"]],
                product_id=row["product_id"],
                month=row["month"],
                committed=row["committed"],
                consumed=row["consumed"],
            )
            for row in stock.to_pylist()
        ),
    )
    return stored, stock.num_rows


def programs_measure(*, as_of: dt.date) -> ProgramsMeasured:
    """The night's measures of the sales programs: progress first, since an effect's cost is
    what the members accrued."""
    members, stock_months = programs_progress_measure(as_of=as_of)
    return ProgramsMeasured(
        members=members, stock_months=stock_months, effects=program_effects_measure(as_of=as_of)
    )


def _months_measured(program: Program, as_of: dt.date) -> tuple[dt.date, dt.date] | None:
    """The program's first month and its last complete month before ``as_of``; None before one
    whole month has passed."""
    start = month_start(program.period_start)
    end = min(month_start(program.period_end), month_add(month_start(as_of), -1))
    return (start, end) if end >= start else None


def _revenue(*, client_ids: list[int], start: dt.date, end: dt.date) -> pa.Table:
    shipped = shipped_per_month(
        first=month_add(start, -PRE_MONTHS), end=month_add(end, 1), clients=client_ids
    )
    return pa.Table.from_pylist(
        [
            {"client_id": client_id, "month": month, "amount": amount}
            for (client_id, month), amount in shipped.items()
        ],
        schema=effect_measure.REVENUE_SCHEMA,
    )


def _groups(program: Program) -> pa.Table:
    rows = (
        program.memberships.exclude(state=MembershipState.PROPOSED)
        .order_by("client_id")
        .values_list("client_id", "group")
    )
    return pa.Table.from_pylist(
        [{"client_id": client_id, "group": group} for client_id, group in rows],
        schema=effect_measure.GROUPS_SCHEMA,
    )


def _candidates(program: Program, start: dt.date) -> pa.Table:
    """Members and every client outside the program, each with its status at the end of the
    month before the program (its status now where the history has none), ABC class and
    segment."""
    members = set(
        program.memberships.filter(
            group=MembershipGroup.MEMBER,
            state__in=[MembershipState.ACTIVE, MembershipState.ENDED],
        ).values_list("client_id", flat=True)
    )
    outside_program = ~Q(program_memberships__program=program)
    clients = Client.objects.filter(Q(pk__in=members) | outside_program).values_list(
        "pk", "status", "audit__abc_class", "segment"
    )
    before = dict(
        ClientStatusMonth.objects.filter(month=month_add(start, -1)).values_list(
            "client_id", "status"
        )
    )
    return pa.Table.from_pylist(
        [
            {
                "client_id": client_id,
                "status": before.get(client_id, status) or "",
                "abc_class": abc_class or "",
                "segment": segment or "",
                "is_member": client_id in members,
            }
            for client_id, status, abc_class, segment in clients.distinct()
        ],
        schema=effect_measure.CANDIDATES_SCHEMA,
    )


def _text(value: Decimal | None) -> str:
    return "" if value is None else str(value)


WALLET_PLACES = Decimal("0.0001")


def _wallet_shares(*, program: Program, start: dt.date, end: dt.date) -> dict[str, str]:
    """For the members that plan their budget by month: the share of their budgets we shipped
    in the months before the program and during it (each side over the months that have a
    budget). Empty when no member planned a month of either side."""
    members = list(
        program.memberships.filter(
            group=MembershipGroup.MEMBER,
            state__in=[MembershipState.ACTIVE, MembershipState.ENDED],
            client__plans_budget=True,
        ).values_list("client_id", flat=True)
    )
    first, stop = month_add(start, -PRE_MONTHS), month_add(end, 1)
    budgets = ClientBudgetMonth.objects.filter(
        client_id__in=members, month__gte=first, month__lt=stop
    ).values_list("client_id", "month", "amount")
    shipped = shipped_per_month(first=first, end=stop, clients=members)
    totals = {"before": [Decimal(0), Decimal(0)], "during": [Decimal(0), Decimal(0)]}
    clients: set[int] = set()
    for client_id, month, budget in budgets:
        side = totals["before" if month < start else "during"]
        side[0] += shipped.get((client_id, month), Decimal(0))
        side[1] += budget
        clients.add(client_id)
    if not any(budget for _, budget in totals.values()):
        return {}
    return {
        "wallet_clients": str(len(clients)),
        **{
            f"wallet_{side}": str((bought / budget).quantize(WALLET_PLACES)) if budget else ""
            for side, (bought, budget) in totals.items()
        },
    }


def program_effect_measure(*, program: Program, as_of: dt.date) -> bool:
    """Measure ``program``'s effect as of ``as_of`` and store it; False (and no figure kept)
    when it cannot be measured yet."""
    months = _months_measured(program, as_of)
    if months is None:
        program_effect_forget(program=program)
        return False
    start, end = months
    random_design = program.memberships.filter(group=MembershipGroup.CONTROL).exists()
    if random_design:
        design = {"groups": _groups(program)}
    else:
        design = {"candidates": _candidates(program, start)}
    client_ids = next(iter(design.values())).column("client_id").to_pylist()
    measured = effect_measure.program_effect(
        revenue=_revenue(client_ids=client_ids, start=start, end=end),
        start=start,
        end=end,
        seed=program.control_seed or program.pk,
        **design,
    )
    if measured.uplift is None or measured.low is None or measured.high is None:
        program_effect_forget(program=program)
        return False
    cost = MembershipProgress.objects.filter(
        membership__program=program, membership__group=MembershipGroup.MEMBER
    ).aggregate(total=Sum("accrued"))["total"] or Decimal(0)
    program_effect_store(
        program=program,
        as_of=as_of,
        figures=EffectFigures(
            method=EffectMethod(measured.method),
            members=measured.members,
            controls=measured.controls,
            months=measured.months_during,
            uplift=measured.uplift,
            low=measured.low,
            high=measured.high,
            too_little_data=measured.too_little_data,
            cost=cost,
            means={
                "member_before": _text(measured.member_before),
                "member_during": _text(measured.member_during),
                "control_before": _text(measured.control_before),
                "control_during": _text(measured.control_during),
                **_wallet_shares(program=program, start=start, end=end),
            },
        ),
    )
    return True


def program_effects_measure(*, as_of: dt.date) -> int:
    """Measure every program that ran: the programs measured."""
    programs = Program.objects.exclude(state=ProgramState.DRAFT).filter(period_start__lt=as_of)
    return sum(program_effect_measure(program=program, as_of=as_of) for program in programs)
