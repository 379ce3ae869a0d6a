"""A program's effect, measured from the database against its random control group: a planted
uplift is recovered within the interval, and the cost comes off the net."""

import datetime as dt
import random
from decimal import Decimal
from fractions import Fraction

import pytest

from upsell.clients.models import Client, ClientBudgetMonth, ClientStatus
from upsell.clients.tests.factories import ClientFactory
from upsell.core.months import month_add
from upsell.programs.models import (
    EffectMethod,
    Membership,
    MembershipGroup,
    MembershipProgress,
    ProgramEffect,
)
from upsell.programs.services.memberships import memberships_enrol
from upsell.programs.tests.factories import program_running, retro_bonus_terms
from upsell.reporting.programs import program_effect_measure
from upsell.shipments.models import Shipment

pytestmark = pytest.mark.django_db
PLANTED = Decimal("20000.00")
START = dt.date(2026, 1, 1)


def shipments_planted(clients, members):
    """Six months before and six during, each client its own level; members gain PLANTED a
    month during the program, everybody gains 5 % of market growth."""
    rng = random.Random(3)
    rows = []
    for client in clients:
        level = Decimal(rng.randint(40_000, 160_000))
        for offset in range(-6, 6):
            month = month_add(START, offset)
            amount = level * Decimal(rng.uniform(0.9, 1.1))
            if offset >= 0:
                amount = amount * Decimal("1.05") + (PLANTED if client.pk in members else 0)
            rows.append(
                Shipment(
                    number=f"{client.pk}-{offset}",
                    date=month.replace(day=15),
                    client=client,
                    total=amount.quantize(Decimal("0.01")),
                    content_hash="",
                )
            )
    Shipment.objects.bulk_create(rows)
    return rows


def did(rows, members, controls):
    by_client: dict[int, list[Fraction]] = {}
    for row in rows:
        sums = by_client.setdefault(row.client_id, [Fraction(0), Fraction(0)])
        sums[0 if row.date < START else 1] += Fraction(row.total) / 6
    change = {client: during - before for client, (before, during) in by_client.items()}
    mean = lambda ids: sum(change[i] for i in ids) / len(ids)  # noqa: E731
    return mean(members) - mean(controls)


def test_a_planted_uplift_is_recovered_against_the_random_control_group(
    manager_anna, top_manager, head_of_sales
):
    program = program_running(
        terms=retro_bonus_terms(period_start=START, period_end=dt.date(2026, 12, 31)),
        by=top_manager,
    )
    clients = [
        ClientFactory.create(
            name=f"Клиент {n:02d}", manager=manager_anna, status=ClientStatus.REGULAR
        )
        for n in range(60)
    ]
    memberships_enrol(
        program=program,
        client_ids=[client.pk for client in clients],
        by=head_of_sales,
        today=dt.date(2025, 12, 20),
        control_percent=50,
        seed=11,
    )
    groups = dict(Membership.objects.values_list("client_id", "group"))
    members = {c for c, g in groups.items() if g == MembershipGroup.MEMBER}
    controls = {c for c, g in groups.items() if g == MembershipGroup.CONTROL}
    rows = shipments_planted(clients, members)
    for membership in Membership.objects.filter(group=MembershipGroup.MEMBER)[:3]:
        MembershipProgress.objects.create(
            membership=membership, as_of=dt.date(2026, 7, 2), purchased=Decimal(0),
            accrued=Decimal("1000.00"), expected_end=Decimal(0),
        )  # fmt: skip

    budgeting = sorted(members)[:2]
    Client.objects.filter(pk__in=budgeting).update(plans_budget=True)
    ClientBudgetMonth.objects.bulk_create(
        ClientBudgetMonth(
            client_id=client_id, month=month_add(START, offset), amount=Decimal(200000)
        )
        for client_id in budgeting
        for offset in range(-6, 6)
    )

    assert program_effect_measure(program=program, as_of=dt.date(2026, 7, 2)) is True

    effect = program.effect
    expected = did(rows, members, controls)
    assert (effect.method, effect.members, effect.controls, effect.months) == (
        EffectMethod.RANDOM, 30, 30, 6,
    )  # fmt: skip
    assert effect.uplift == Decimal(round(expected * 100)) / 100
    assert effect.low < PLANTED < effect.high
    assert effect.low > 0
    assert effect.too_little_data is False
    assert effect.cost == Decimal("3000.00")
    assert effect.net == effect.uplift * 30 * 6 - Decimal("3000.00")
    bought = {
        side: sum(
            row.total for row in rows if row.client_id in budgeting and (row.date < START) == before
        )
        for side, before in (("before", True), ("during", False))
    }
    assert {
        key: effect.means[key] for key in ("wallet_clients", "wallet_before", "wallet_during")
    } == {
        "wallet_clients": "2",
        "wallet_before": str((bought["before"] / Decimal(2400000)).quantize(Decimal("0.0001"))),
        "wallet_during": str((bought["during"] / Decimal(2400000)).quantize(Decimal("0.0001"))),
    }


def test_before_a_whole_month_has_passed_nothing_is_measured(manager_anna, top_manager):
    program = program_running(terms=retro_bonus_terms(), by=top_manager)
    assert program_effect_measure(program=program, as_of=dt.date(2026, 1, 20)) is False
    assert ProgramEffect.objects.count() == 0
