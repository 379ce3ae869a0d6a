"""The nightly coaching measure: the deals, forecast and shipments in the database give each
period's figures, stored in place of the last night's."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from upsell.accounts.models import Role
from upsell.accounts.tests.factories import UserFactory
from upsell.clients.tests.factories import ClientFactory
from upsell.deals.models import (
    CoachingEffect,
    CoachingPeriod,
    Deal,
    DealSource,
    DealStage,
    LostReason,
)
from upsell.reporting.coaching import coaching_measure

FEB, MAR = dt.date(2026, 2, 1), dt.date(2026, 3, 1)


def _deals(manager, month, won, lost):
    client = ClientFactory.create(manager=manager)
    reason = LostReason.objects.get_or_create(name="Цена")[0]
    opened = dt.datetime.combine(month, dt.time(9), tzinfo=dt.UTC)
    closed = opened + dt.timedelta(days=10)
    for stage in [DealStage.WON] * won + [DealStage.LOST] * lost:
        deal = Deal.objects.create(
            client=client,
            manager=manager,
            month=month,
            amount=Decimal("1000.00"),
            stage=stage,
            source=DealSource.HAND,
            lost_reason=reason if stage == DealStage.LOST else None,
            last_activity_at=closed,
            closed_at=closed,
        )
        # The creation time is the database's own; the deal was opened on the month's 1st.
        Deal.objects.filter(pk=deal.pk).update(created_at=opened)


@pytest.fixture
def team(manager_anna, manager_boris, head_of_sales):
    carl = UserFactory.create(username="carl", role=Role.MANAGER)
    for manager, (before, after) in {
        manager_anna: ((2, 3), (4, 1)),
        manager_boris: ((1, 1), (1, 1)),
        carl: ((0, 1), (1, 0)),
    }.items():
        _deals(manager, FEB, *before)
        _deals(manager, MAR, *after)
    return CoachingPeriod.objects.create(
        manager=manager_anna, coach=head_of_sales, starts_on=MAR, ends_on=dt.date(2026, 3, 31)
    )


def test_each_figure_of_a_started_period_is_stored(team):
    stored = coaching_measure(as_of=dt.date(2026, 4, 2))

    effects = {effect.metric: effect for effect in CoachingEffect.objects.filter(period=team)}
    assert stored == 4
    assert sorted(effects) == ["attainment", "cycle_days", "motivated_growth", "win_rate"]
    win_rate = effects["win_rate"]
    assert (win_rate.coached_before, win_rate.coached_after) == (40.0, 80.0)
    assert (win_rate.control_before, win_rate.control_after) == (25.0, 75.0)
    assert win_rate.effect == pytest.approx(-10.0)
    assert win_rate.control_managers == 2
    assert win_rate.too_little == ""
    assert effects["cycle_days"].too_little == "few_won:before:2:5"
    assert effects["cycle_days"].effect is None
    assert effects["attainment"].too_little == "no_forecast:before:0:0"


def test_measuring_again_replaces_the_figures(team):
    coaching_measure(as_of=dt.date(2026, 4, 2))
    call_command("coaching_measure", "--as-of", "2026-04-02", stdout=io.StringIO())

    assert CoachingEffect.objects.count() == 4


def test_a_period_not_yet_over_its_first_month_is_too_little_data(team):
    coaching_measure(as_of=dt.date(2026, 3, 20))

    assert set(CoachingEffect.objects.values_list("too_little", flat=True)) == {
        "no_month_after::0:0"
    }
