"""Who is in a program: the head of sales enrols clients (one or many, holding out a random
control group if asked), stores the groups of a hold-out drawn outside Upsell, a manager
proposes its own clients, and a membership ends early with a reason.

Every client named is checked against the program's eligibility before anything is written;
one client outside it refuses the whole enrolment, naming the client and why.
"""

import datetime as dt
import random
import secrets
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from upsell.accounts.models import User
from upsell.clients.models import Client
from upsell.core.money import QUANTITY_LIMIT, QUANTITY_QUANTUM, money_problem
from upsell.products.models import Product
from upsell.programs.models import (
    Membership,
    MembershipGroup,
    MembershipState,
    Program,
    ProgramKind,
    ProgramState,
    StockCommitment,
)
from upsell.programs.selectors import eligibility_refusal

CONTROL_PERCENT_MAX = 50


@dataclass(frozen=True, kw_only=True)
class Enrolment:
    members: int
    controls: int
    already: int


def control_draw(*, client_ids: Collection[int], percent: int, seed: int) -> set[int]:
    """The clients held out: ``percent`` of ``client_ids`` (rounded half up), drawn by ``seed``
    from the ids in order, so that the same list and seed draw the same clients again."""
    ordered = sorted(set(client_ids))
    count = (len(ordered) * percent + 50) // 100
    return set(random.Random(seed).sample(ordered, count))


def _open_for_members(program: Program) -> None:
    if program.state == ProgramState.CLOSED:
        raise ValidationError({"program": _("A closed program takes no members.")})


def eligibility_refusals(*, program: Program, clients: Collection[Client]) -> dict[int, str]:
    """Why each of ``clients`` that ``program`` does not admit is outside its eligibility, by
    client id; every way into a program asks this before it writes."""
    return {
        client.pk: why
        for client in clients
        if (why := eligibility_refusal(program=program, client=client)) is not None
    }


def _refusals(program: Program, clients: Collection[Client]) -> list[str]:
    names = {client.pk: client.name for client in clients}
    return [
        _("%(client)s: %(why)s, outside the program's eligibility.")
        % {"client": names[client_id], "why": why}
        for client_id, why in eligibility_refusals(program=program, clients=clients).items()
    ]


@transaction.atomic
def memberships_enrol(
    *,
    program: Program,
    client_ids: Collection[int],
    by: User,
    today: dt.date,
    control_percent: int | None = None,
    seed: int | None = None,
) -> Enrolment:
    """Enrol the clients in ``program``; safe to run twice (a client in it already is counted,
    not changed). With ``control_percent``, that share of the clients is held out as the control
    group, drawn by ``seed`` (the program's, or a new one it keeps)."""
    program = Program.objects.select_for_update().get(pk=program.pk)
    _open_for_members(program)
    if control_percent is not None and not 0 < control_percent <= CONTROL_PERCENT_MAX:
        raise ValidationError(
            {"control_percent": _("Hold out from 1 to %(max)s %%.") % {"max": CONTROL_PERCENT_MAX}}
        )
    clients = list(Client.objects.filter(pk__in=client_ids).select_related("audit"))
    missing = set(client_ids) - {client.pk for client in clients}
    if missing:
        raise ValidationError(
            {"clients": _("No such clients: %(ids)s.") % {"ids": sorted(missing)}}
        )
    if refusals := _refusals(program, clients):
        raise ValidationError({"clients": refusals})
    existing = {
        membership.client_id: membership
        for membership in Membership.objects.select_for_update().filter(
            program=program, client_id__in=client_ids
        )
    }
    newcomers = [
        client.pk
        for client in clients
        if client.pk not in existing or existing[client.pk].state == MembershipState.PROPOSED
    ]
    controls: set[int] = set()
    if control_percent is not None:
        if program.control_seed is None:
            program.control_seed = seed if seed is not None else secrets.randbits(32)
        program.control_percent = control_percent
        program.save(update_fields=["control_seed", "control_percent"])
        controls = control_draw(
            client_ids=newcomers, percent=control_percent, seed=program.control_seed
        )
    now = timezone.now()
    for client_id in newcomers:
        group = MembershipGroup.CONTROL if client_id in controls else MembershipGroup.MEMBER
        Membership.objects.update_or_create(
            program=program,
            client_id=client_id,
            defaults={
                "group": group,
                "state": MembershipState.ACTIVE,
                "joined_on": today,
                "enrolled_by": by,
                "enrolled_at": now,
            },
        )
    return Enrolment(
        members=len(newcomers) - len(controls),
        controls=len(controls),
        already=len(clients) - len(newcomers),
    )


@dataclass(frozen=True, kw_only=True)
class MembershipRow:
    """A client and its group as a company decided them: ``joined_on`` None joins it today."""

    client_id: int
    group: MembershipGroup
    joined_on: dt.date | None = None


@dataclass(frozen=True, kw_only=True)
class MembershipsStored:
    created: int
    updated: int
    unchanged: int


def memberships_store_problems(
    *, program: Program, rows: Collection[MembershipRow]
) -> dict[int, str]:
    """What keeps each row from being stored, by client id: a client that does not exist, is
    named twice, is outside the program's eligibility, left the program, or is in it in the
    other group already (a group never changes: that would move a client across the
    comparison)."""
    client_ids = {row.client_id for row in rows}
    clients = list(Client.objects.filter(pk__in=client_ids).select_related("audit"))
    problems = dict.fromkeys(client_ids - {client.pk for client in clients}, _("no such client"))
    named = Counter(row.client_id for row in rows)
    problems |= {
        client_id: _("the client is named twice")
        for client_id, times in named.items()
        if times > 1 and client_id not in problems
    }
    for client_id, why in eligibility_refusals(program=program, clients=clients).items():
        problems[client_id] = _("%(why)s, outside the program's eligibility") % {"why": why}
    stored = {
        membership.client_id: membership
        for membership in Membership.objects.filter(program=program, client_id__in=client_ids)
    }
    for row in rows:
        membership = stored.get(row.client_id)
        if membership is None or row.client_id in problems:
            continue
        if membership.state == MembershipState.ENDED:
            problems[row.client_id] = _("its membership ended on %(date)s") % {
                "date": membership.ended_on
            }
        elif membership.state == MembershipState.ACTIVE and membership.group != row.group:
            problems[row.client_id] = _(
                "it is in the program as %(group)s already: a group does not change"
            ) % {"group": MembershipGroup(membership.group).label}
    return problems


@transaction.atomic
def memberships_store(
    *, program: Program, rows: Collection[MembershipRow], by: User | None, today: dt.date
) -> MembershipsStored:
    """Store the members and the control group of ``program`` as the rows say, for a company
    that drew its hold-out outside Upsell. Nothing is stored unless every row can be (the
    errors name each client); storing the same rows again changes nothing, and a proposal
    named by a row is decided by it."""
    program = Program.objects.select_for_update().get(pk=program.pk)
    _open_for_members(program)
    if problems := memberships_store_problems(program=program, rows=rows):
        names = dict(Client.objects.filter(pk__in=problems).values_list("pk", "name"))
        raise ValidationError(
            {
                "clients": [
                    f"{names.get(client_id, client_id)}: {why}"
                    for client_id, why in sorted(problems.items())
                ]
            }
        )
    stored = {
        membership.client_id: membership
        for membership in Membership.objects.select_for_update().filter(
            program=program, client_id__in=[row.client_id for row in rows]
        )
    }
    now = timezone.now()
    created = updated = 0
    for row in rows:
        joined_on = row.joined_on or today
        membership = stored.get(row.client_id)
        if membership is None:
            Membership.objects.create(
                program=program,
                client_id=row.client_id,
                group=row.group,
                state=MembershipState.ACTIVE,
                joined_on=joined_on,
                enrolled_by=by,
                enrolled_at=now,
            )
            created += 1
        elif membership.state == MembershipState.PROPOSED or (
            row.joined_on is not None and membership.joined_on != row.joined_on
        ):
            membership.group = row.group
            membership.joined_on = joined_on
            fields = ["group", "joined_on"]
            if membership.state == MembershipState.PROPOSED:
                membership.state = MembershipState.ACTIVE
                membership.enrolled_by = by
                membership.enrolled_at = now
                fields += ["state", "enrolled_by", "enrolled_at"]
            membership.save(update_fields=fields)
            updated += 1
    return MembershipsStored(
        created=created, updated=updated, unchanged=len(rows) - created - updated
    )


@transaction.atomic
def membership_propose(*, program: Program, client: Client, by: User) -> Membership:
    """A manager's proposal that its client join ``program``; the head of sales decides it by
    enrolling the client. Proposing twice changes nothing."""
    _open_for_members(program)
    if why := eligibility_refusal(program=program, client=client):
        raise ValidationError(
            {
                "client": _("%(client)s: %(why)s, outside the program's eligibility.")
                % {"client": client.name, "why": why}
            }
        )
    membership, created = Membership.objects.get_or_create(
        program=program,
        client=client,
        defaults={
            "state": MembershipState.PROPOSED,
            "proposed_by": by,
            "proposed_at": timezone.now(),
        },
    )
    if not created and membership.state != MembershipState.PROPOSED:
        raise ValidationError({"client": _("This client is in the program already.")})
    return membership


@transaction.atomic
def membership_end(*, membership: Membership, by: User, reason: str, today: dt.date) -> Membership:
    """End a membership before its program does (or turn a proposal down), with a reason."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the membership ends.")})
    if len(reason) > 500:
        raise ValidationError({"reason": _("A reason has at most 500 characters.")})
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.state == MembershipState.ENDED:
        return membership
    membership.state = MembershipState.ENDED
    membership.ended_on = today
    membership.ended_by = by
    membership.end_reason = reason
    membership.save(update_fields=["state", "ended_on", "ended_by", "end_reason"])
    return membership


def credit_terms_problems(
    *, credit_limit: Decimal | None, payment_delay_days: int | None
) -> dict[str, str]:
    """What is wrong with a client's credit terms, by field."""
    errors = {}
    if credit_limit is not None and (problem := money_problem(credit_limit)):
        errors["credit_limit"] = problem
    if payment_delay_days is not None and not 0 <= payment_delay_days <= 3650:
        errors["payment_delay_days"] = _("A payment delay is from 0 to 3650 days.")
    return errors


@transaction.atomic
def membership_credit_set(
    *, membership: Membership, credit_limit: Decimal | None, payment_delay_days: int | None
) -> Membership:
    """A member's own credit limit and payment delay (None: the program's)."""
    if membership.program.kind != ProgramKind.CREDIT_LINE:
        raise ValidationError({"credit_limit": _("Only a credit line has a limit.")})
    if errors := credit_terms_problems(
        credit_limit=credit_limit, payment_delay_days=payment_delay_days
    ):
        raise ValidationError(errors)
    membership.credit_limit = credit_limit
    membership.payment_delay_days = payment_delay_days
    membership.save(update_fields=["credit_limit", "payment_delay_days"])
    return membership


@dataclass(frozen=True, kw_only=True)
class StockLine:
    """A product kept for a guaranteed-stock member, named by its code, and the quantity kept
    (and committed to by the client) each month."""

    sku: str
    monthly_quantity: Decimal


def _stock_problems(lines: Sequence[StockLine], products: dict[str, Product]) -> list[str]:
    problems = []
    seen: set[str] = set()
    for number, line in enumerate(lines, start=1):
        sku = line.sku.strip()
        if sku not in products:
            problems.append(
                _("Line %(number)s: no product with the code %(sku)s.")
                % {"number": number, "sku": sku}
            )
        if sku in seen:
            problems.append(
                _("Line %(number)s: the product %(sku)s is named twice.")
                % {"number": number, "sku": sku}
            )
        seen.add(sku)
        quantity = line.monthly_quantity
        if (
            not quantity.is_finite()
            or not 0 < quantity < QUANTITY_LIMIT
            or quantity != quantity.quantize(QUANTITY_QUANTUM)
        ):
            problems.append(
                _("Line %(number)s: a monthly quantity is above 0, with at most 3 decimals.")
                % {"number": number}
            )
    return problems


@transaction.atomic
def membership_stock_set(*, membership: Membership, lines: Sequence[StockLine]) -> Membership:
    """The products and monthly quantities kept for a guaranteed-stock member, in place of the
    ones it had; checked whole, each problem naming its line."""
    if membership.program.kind != ProgramKind.GUARANTEED_STOCK:
        raise ValidationError({"lines": _("Only a guaranteed-stock program keeps products.")})
    if membership.group != MembershipGroup.MEMBER:
        raise ValidationError({"lines": _("The control group gets no stock.")})
    products = {
        product.sku: product
        for product in Product.objects.filter(sku__in=[line.sku.strip() for line in lines])
    }
    if problems := _stock_problems(lines, products):
        raise ValidationError({"lines": problems})
    membership.stock_commitments.all().delete()
    StockCommitment.objects.bulk_create(
        StockCommitment(
            membership=membership,
            product=products[line.sku.strip()],
            monthly_quantity=line.monthly_quantity,
        )
        for line in lines
    )
    return membership
