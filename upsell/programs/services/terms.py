"""A program's terms and its life: draft → active → closed, each step with who and when.

Terms are checked whole before anything is written: a period that ends before it starts, tiers
that overlap or do not grow, a negative limit, an eligibility the kind cannot have — each error
names its field, and nothing is stored.
"""

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from upsell.accounts.models import User
from upsell.clients.models import ClientStatus
from upsell.core.money import money_problem
from upsell.core.months import date_problem, years_after
from upsell.history.models import ChangeSource, Subject
from upsell.history.services import changes_record, fields_changed
from upsell.programs.models import (
    TIERED_KINDS,
    Program,
    ProgramKind,
    ProgramState,
    ProgramTier,
)

# A client-return offer is made to clients the company is losing or has lost.
RETURN_STATUSES = (ClientStatus.LAPSING, ClientStatus.LOST)
RATE_MAX = Decimal(100)


@dataclass(frozen=True, kw_only=True)
class Tier:
    threshold: Decimal
    rate: Decimal


@dataclass(frozen=True, kw_only=True)
class ProgramTerms:
    """Everything top management decides about a program."""

    name: str
    kind: str
    period_start: dt.date
    period_end: dt.date
    description: str = ""
    tiers: tuple[Tier, ...] = ()
    eligible_statuses: tuple[str, ...] = ()
    eligible_segments: tuple[str, ...] = ()
    eligible_regions: tuple[str, ...] = ()
    min_perspective: int | None = None
    budgeting_only: bool = False
    credit_limit: Decimal | None = None
    payment_delay_days: int | None = None


def _tier_problems(kind: str, tiers: Sequence[Tier]) -> list[str]:
    if kind not in TIERED_KINDS:
        return [_("A program of this type has no tiers.")] if tiers else []
    if not tiers:
        return [_("Give at least one tier.")]
    if kind == ProgramKind.ADVANCE_DISCOUNT and (len(tiers) != 1 or tiers[0].threshold != 0):
        return [_("An advance-payment discount has one rate, from zero.")]
    problems = []
    for number, tier in enumerate(tiers, start=1):
        if problem := money_problem(tier.threshold):
            problems.append(
                _("Tier %(number)s: %(problem)s") % {"number": number, "problem": problem}
            )
        if not Decimal(0) < tier.rate <= RATE_MAX or tier.rate != tier.rate.quantize(
            Decimal("0.01")
        ):
            problems.append(
                _("Tier %(number)s: a rate is above 0 and at most 100 %%, with 2 decimals.")
                % {"number": number}
            )
    ordered = sorted(tiers, key=lambda tier: tier.threshold)
    for lower, upper in itertools.pairwise(ordered):
        if lower.threshold == upper.threshold:
            problems.append(
                _("Two tiers start at %(threshold)s: tiers cannot overlap.")
                % {"threshold": upper.threshold}
            )
        elif upper.rate <= lower.rate:
            problems.append(
                _("The tier from %(upper)s gives no more than the tier from %(lower)s.")
                % {"upper": upper.threshold, "lower": lower.threshold}
            )
    return problems


def _validate(terms: ProgramTerms, *, today: dt.date) -> None:
    errors: dict[str, str | list[str]] = {}
    if not terms.name.strip():
        errors["name"] = _("Name the program.")
    elif len(terms.name.strip()) > 200:
        errors["name"] = _("A name has at most 200 characters.")
    if terms.kind not in ProgramKind.values:
        errors["kind"] = _("Choose a program type.")
    latest = years_after(today, 10)
    if problem := date_problem(terms.period_start, latest=latest):
        errors["period_start"] = problem
    if problem := date_problem(terms.period_end, latest=latest):
        errors["period_end"] = problem
    elif terms.period_end < terms.period_start:
        errors["period_end"] = _("The period ends before it starts.")
    if tier_problems := _tier_problems(terms.kind, terms.tiers):
        errors["tiers"] = tier_problems
    unknown = sorted(set(terms.eligible_statuses) - set(ClientStatus.values))
    if unknown:
        errors["eligible_statuses"] = _("Unknown statuses: %(statuses)s.") % {
            "statuses": ", ".join(unknown)
        }
    elif terms.kind == ProgramKind.CLIENT_RETURN and (
        set(terms.eligible_statuses) - set(RETURN_STATUSES)
    ):
        errors["eligible_statuses"] = _("A client-return offer is for Lapsing and Lost clients.")
    if terms.min_perspective is not None and not 0 <= terms.min_perspective <= 100:
        errors["min_perspective"] = _("A perspective is from 0 to 100.")
    if terms.credit_limit is not None and (problem := money_problem(terms.credit_limit)):
        errors["credit_limit"] = problem
    if terms.payment_delay_days is not None and not 0 <= terms.payment_delay_days <= 3650:
        errors["payment_delay_days"] = _("A payment delay is from 0 to 3650 days.")
    if terms.kind != ProgramKind.CREDIT_LINE and (
        terms.credit_limit is not None or terms.payment_delay_days is not None
    ):
        errors["credit_limit"] = _("Only a credit line has a limit and a payment delay.")
    if errors:
        raise ValidationError(errors)


def _fields(terms: ProgramTerms) -> dict[str, object]:
    statuses = terms.eligible_statuses
    if terms.kind == ProgramKind.CLIENT_RETURN and not statuses:
        statuses = tuple(RETURN_STATUSES)
    return {
        "name": terms.name.strip(),
        "kind": terms.kind,
        "description": terms.description.strip(),
        "period_start": terms.period_start,
        "period_end": terms.period_end,
        "eligible_statuses": sorted(set(statuses)),
        "eligible_segments": sorted(
            {value.strip() for value in terms.eligible_segments if value.strip()}
        ),
        "eligible_regions": sorted(
            {value.strip() for value in terms.eligible_regions if value.strip()}
        ),
        "min_perspective": terms.min_perspective,
        "budgeting_only": terms.budgeting_only,
        "credit_limit": terms.credit_limit,
        "payment_delay_days": terms.payment_delay_days,
    }


def _tiers_store(program: Program, tiers: Sequence[Tier]) -> None:
    program.tiers.all().delete()
    ProgramTier.objects.bulk_create(
        ProgramTier(program=program, threshold=tier.threshold, rate=tier.rate)
        for tier in sorted(tiers, key=lambda tier: tier.threshold)
    )


def _tiers_figures(program: Program) -> list[object]:
    return [f"{tier.threshold}:{tier.rate}" for tier in program.tiers.order_by("threshold")]


@transaction.atomic
def program_create(*, terms: ProgramTerms, by: User) -> Program:
    """A new draft: top management's program, or the head of sales' proposal of one."""
    _validate(terms, today=timezone.localdate())
    program = Program.objects.create(**_fields(terms), created_by=by)
    _tiers_store(program, terms.tiers)
    return program


@transaction.atomic
def program_update(
    *, program: Program, terms: ProgramTerms, by: User, source: ChangeSource = ChangeSource.SCREEN
) -> Program:
    """New terms for a draft or running program; each field that moved is kept in its history.
    A closed program's terms are what was paid on: they do not change."""
    program = Program.objects.select_for_update().get(pk=program.pk)
    if program.state == ProgramState.CLOSED:
        raise ValidationError({"state": _("A closed program cannot change.")})
    if terms.kind != program.kind and program.memberships.exists():
        raise ValidationError({"kind": _("A program with members keeps its type.")})
    _validate(terms, today=timezone.localdate())
    after = _fields(terms)
    before = {name: getattr(program, name) for name in after}
    tiers_before = _tiers_figures(program)
    Program.objects.filter(pk=program.pk).update(**after)
    _tiers_store(program, terms.tiers)
    program.refresh_from_db()
    changes = fields_changed(
        subject=Subject.PROGRAM, object_id=program.pk, before=before, after=after
    )
    changes += fields_changed(
        subject=Subject.PROGRAM,
        object_id=program.pk,
        before={"tiers": tiers_before},
        after={"tiers": _tiers_figures(program)},
    )
    changes_record(changes=changes, by=by, source=source)
    return program


@transaction.atomic
def program_activate(*, program: Program, by: User) -> Program:
    """Put a draft in force; activating an active program changes nothing."""
    program = Program.objects.select_for_update().get(pk=program.pk)
    if program.state == ProgramState.ACTIVE:
        return program
    if program.state == ProgramState.CLOSED:
        raise ValidationError({"state": _("A closed program cannot be activated again.")})
    program.state = ProgramState.ACTIVE
    program.activated_by = by
    program.activated_at = timezone.now()
    program.save(update_fields=["state", "activated_by", "activated_at"])
    return program


@transaction.atomic
def program_close(*, program: Program, by: User) -> Program:
    """End a program for good; closing a closed program changes nothing."""
    program = Program.objects.select_for_update().get(pk=program.pk)
    if program.state == ProgramState.CLOSED:
        return program
    program.state = ProgramState.CLOSED
    program.closed_by = by
    program.closed_at = timezone.now()
    program.save(update_fields=["state", "closed_by", "closed_at"])
    return program
