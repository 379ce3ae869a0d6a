"""The sales programs' nightly measures: this module reads what the analytics need from the
database as the contract's Arrow tables, runs ``upsell.analytics.programs`` and stores what it
gives through ``programs.services.measures``.

A program's effect is measured from its first month to the last complete month before the
night's date, against the six months before it: against its random control group where the head
of sales kept one, else against the non-members most like each member (same status at the start,
ABC class and segment, nearest revenue before). Revenue per client and month comes from the one
owner of "shipped per client per period".
"""

import datetime as dt
from decimal import Decimal

import pyarrow as pa
from django.db.models import Q, Sum

from upsell.analytics.programs import effect as effect_measure
from upsell.clients.models import Client, ClientStatusMonth
from upsell.core.months import month_add, month_start
from upsell.programs.models import (
    EffectMethod,
    MembershipGroup,
    MembershipProgress,
    MembershipState,
    Program,
    ProgramState,
)
from upsell.programs.services.measures import (
    EffectFigures,
    program_effect_forget,
    program_effect_store,
)
from upsell.shipments.selectors import shipped_per_month

PRE_MONTHS = effect_measure.DEFAULT_PRE_MONTHS


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
            },
        ),
    )
    return True


def program_effects_measure(*, as_of: dt.date) -> int:
    """Measure every program that ran: the programs measured."""
    programs = Program.objects.exclude(state=ProgramState.DRAFT).filter(period_start__lt=as_of)
    return sum(program_effect_measure(program=program, as_of=as_of) for program in programs)
