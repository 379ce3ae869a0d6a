"""Each source's action on a small world: its key, reason in words and stake, ranked by score."""

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest
from django.utils import translation

from upsell.clients.tests.factories import ClientFactory
from upsell.forecasts.models import ForecastLock
from upsell.offers.models import SuggestionLevel
from upsell.offers.services import RunFigures, suggestions_replace
from upsell.products.tests.factories import ProductFactory
from upsell.shipments.tests.factories import shipment_with_line
from upsell.today.models import ActionKind
from upsell.today.selectors import actions_open, today_list
from upsell.today.services import today_settings_update
from upsell.today.sources import days_left_in_month
from upsell.today.tests.world import JULY, audit

pytestmark = pytest.mark.django_db


def _rows(actions):
    return [(a.kind, a.key, a.client.name, a.title, a.reason, a.stake, a.score) for a in actions]


def test_every_source_gives_its_action_with_the_figures_in_words(world, manager_anna, frozen):
    alfa, gamma = world.alfa.pk, world.gamma.pk

    with translation.override("en"):
        actions = actions_open(
            user=manager_anna, manager=manager_anna, today=frozen.date(), now=frozen
        )
        rows = _rows(actions)

    assert rows == [
        (
            ActionKind.PROGRAM_TIER, f"program_tier:{world.membership.pk}:2026-06-16",
            'ООО "Гамма"', "Ретро-бонус лето: the next tier is within reach",
            "₽50,000.00 more by 30 September 2026 reaches the 2\xa0% retro-bonus.",
            Decimal("50000.00"), Decimal("50000.00"),
        ),
        (
            ActionKind.WALLET, f"wallet:{gamma}:2026-06", 'ООО "Гамма"',
            "Win the budget back from the competitors",
            "Budget for June 2026 is ₽60,000.00, shipped ₽18,000.00: ₽42,000.00 still goes to "
            "the competitors.",
            Decimal("42000.00"), Decimal("42000.00"),
        ),
        (
            ActionKind.FORECAST_UNSHIPPED, f"forecast_unshipped:{gamma}:2026-06", 'ООО "Гамма"',
            "Bring this month's forecast to shipment",
            "Forecast ₽50,000.00, shipped ₽18,000.00; 14 days left in the month.",
            Decimal("32000.00"), Decimal("32000.00"),
        ),
        (
            ActionKind.FORECAST_EMPTY, f"forecast_empty:{gamma}:2026-07", 'ООО "Гамма"',
            "Fill in next month's forecast",
            "No forecast for July 2026 yet; the statistical baseline is ₽25,000.00.",
            Decimal("25000.00"), Decimal("25000.00"),
        ),
        (
            ActionKind.MEETING, f"meeting:{world.meeting.pk}", 'ООО "Гамма"', "Meeting at 15:00",
            "Planned for today; the goal: Обсудить объём", Decimal("20000.00"),
            Decimal("20000.00"),
        ),
        (
            ActionKind.STUCK_DEAL, f"stuck_deal:{world.stuck.pk}:2026-05-28", 'ООО "Альфа"',
            "Move the stuck deal: Болты М8",
            "At the stage Offer with nothing done for 20 days (stuck after 14 days).",
            Decimal("15000.00"), Decimal("15000.00"),
        ),
        # Two of 10 000: the kinds' order decides.
        (
            ActionKind.PAST_INTERVAL, f"past_interval:{alfa}:2026-05-14", 'ООО "Альфа"',
            "Call: the next order is overdue",
            "Usually orders every 21 days; 34 days since the last order.",
            Decimal("10000.00"), Decimal("10000.00"),
        ),
        (
            ActionKind.FORECAST_EMPTY, f"forecast_empty:{alfa}:2026-07", 'ООО "Альфа"',
            "Fill in next month's forecast",
            "No forecast for July 2026 yet; it buys ₽10,000.00 in an average month.",
            Decimal("10000.00"), Decimal("10000.00"),
        ),
        (
            ActionKind.REQUEST, f"request:{world.request.pk}", 'ООО "Альфа"',
            "Answer the complex request",
            "Waiting since 14 June: Complex: amount above the threshold",
            Decimal("7000.00"), Decimal("7000.00"),
        ),
    ]  # fmt: skip


def test_a_manager_never_sees_another_managers_clients(world, manager_anna, manager_boris, frozen):
    annas = actions_open(user=manager_anna, manager=manager_anna, today=frozen.date(), now=frozen)
    boris = actions_open(user=manager_boris, manager=manager_boris, today=frozen.date(), now=frozen)

    assert {action.client.pk for action in annas} == {world.alfa.pk, world.gamma.pk}
    assert [(action.key, action.stake) for action in boris] == [
        (f"past_interval:{world.beta.pk}:2026-05-08", Decimal("30000.00"))
    ]


def test_the_head_of_sales_sees_the_team_and_any_one_manager(
    world, head_of_sales, manager_anna, manager_boris, frozen
):
    team = today_list(user=head_of_sales, manager=None, today=frozen.date(), now=frozen)
    boris = today_list(user=head_of_sales, manager=manager_boris, today=frozen.date(), now=frozen)

    assert team.total == 10
    assert team.counts == {
        ActionKind.PAST_INTERVAL: 2,
        ActionKind.FORECAST_EMPTY: 2,
        ActionKind.FORECAST_UNSHIPPED: 1,
        ActionKind.WALLET: 1,
        ActionKind.PROGRAM_TIER: 1,
        ActionKind.STUCK_DEAL: 1,
        ActionKind.MEETING: 1,
        ActionKind.REQUEST: 1,
    }
    assert [action.client.name for action in boris.actions] == ['ООО "Бета"']


def test_the_weights_of_the_head_of_sales_reorder_the_list(
    world, head_of_sales, manager_anna, frozen
):
    today_settings_update(
        weights={ActionKind.STUCK_DEAL: "4", ActionKind.PROGRAM_TIER: "0.5"},
        changed_by=head_of_sales,
    )

    listed = today_list(user=manager_anna, manager=manager_anna, today=frozen.date(), now=frozen)

    assert [(a.kind, a.stake, a.weight, a.score) for a in listed.actions[:3]] == [
        (ActionKind.STUCK_DEAL, Decimal("15000.00"), Decimal("4.00"), Decimal("60000.00")),
        (ActionKind.WALLET, Decimal("42000.00"), Decimal("1"), Decimal("42000.00")),
        (ActionKind.FORECAST_UNSHIPPED, Decimal("32000.00"), Decimal("1"), Decimal("32000.00")),
    ]
    assert [(a.kind, a.score) for a in listed.actions if a.kind == ActionKind.PROGRAM_TIER] == [
        (ActionKind.PROGRAM_TIER, Decimal("25000.00"))
    ]


def test_the_kind_filter_keeps_the_counts_of_every_kind(world, manager_anna, frozen):
    listed = today_list(
        user=manager_anna,
        manager=manager_anna,
        today=frozen.date(),
        now=frozen,
        kind=ActionKind.FORECAST_EMPTY,
    )

    assert [action.client.name for action in listed.actions] == ['ООО "Гамма"', 'ООО "Альфа"']
    assert listed.total == 2
    assert sum(listed.counts.values()) == 9
    assert listed.stake == Decimal("35000.00")


def test_a_locked_next_month_asks_for_no_forecast(world, manager_anna, head_of_sales, frozen):
    ForecastLock.objects.create(month=JULY, locked_by=head_of_sales)

    kinds = {
        action.kind
        for action in actions_open(
            user=manager_anna, manager=manager_anna, today=frozen.date(), now=frozen
        )
    }

    assert ActionKind.FORECAST_EMPTY not in kinds


@pytest.mark.parametrize(
    ("day", "left"),
    [("2026-06-17", 14), ("2026-06-30", 1), ("2026-02-01", 28), ("2028-02-29", 1)],
)
def test_the_days_left_in_the_month_count_today(day, left):
    assert days_left_in_month(dt.date.fromisoformat(day)) == left


def test_the_nights_first_suggestion_is_an_action_with_its_peers_share_at_stake(
    world, manager_anna, frozen
):
    # Given the night's suggestions: Gamma's first is a dowel its peers buy
    anchor = ProductFactory.create(sku="A-1", name="Анкер 10×100")
    dowel = ProductFactory.create(sku="D-1", name="Дюбель 8×40")
    screw = ProductFactory.create(sku="S-1", name="Саморез 4×50")
    suggestions = pl.DataFrame(
        {
            "client_id": [world.gamma.pk, world.gamma.pk],
            "product_id": [dowel.pk, screw.pk],
            "rank": [1, 2],
            "score": [0.9, 0.4],
            "buyers": [34, 5],
            "among": [40, 200],
            "because_of_id": [anchor.pk, None],
            "monthly_amount": [Decimal("12000.00"), Decimal("3000.00")],
        }
    ).with_columns(pl.lit(None, pl.String).alias(name) for name in ("group", "because_of_group"))
    suggestions_replace(
        figures=RunFigures(
            level=SuggestionLevel.PRODUCTS, as_of=frozen.date(), k=10, model="itemknn"
        ),
        suggestions=suggestions,
        computed_at=frozen,
    )

    # When Anna's list is made
    with translation.override("en"):
        actions = actions_open(
            user=manager_anna, manager=manager_anna, today=frozen.date(), now=frozen
        )

    # Then the first suggestion alone is an action, its stake a buyer's month times the share
    assert [row for row in _rows(actions) if row[0] == ActionKind.CROSS_SELL] == [
        (
            ActionKind.CROSS_SELL, f"cross_sell:{world.gamma.pk}:{dowel.pk}", 'ООО "Гамма"',
            "Offer Дюбель 8×40",
            "Bought by 34 of the 40 clients who buy Анкер 10×100; its buyers spend ₽12,000.00 "
            "a month on it.",
            Decimal("10200.00"), Decimal("10200.00"),
        )
    ]  # fmt: skip


def test_a_head_organisation_and_its_branch_are_each_staked_on_their_own_revenue(
    manager_boris, frozen
):
    """Read per organisation, the audit gives the head and its branch the organisation's
    360 000; each one's stake is a month of what it was itself shipped in the audit's 365 days
    (up to 16 June 2026), a standalone client's the audit's revenue."""
    head = ClientFactory.create(name='ООО "Дельта"', manager=manager_boris, status="regular")
    branch = ClientFactory.create(
        name='ООО "Дельта" Юг', manager=manager_boris, status="regular", head=head
    )
    alone = ClientFactory.create(name='ООО "Омега"', manager=manager_boris, status="regular")
    for client in (head, branch):
        audit(client, revenue="360000.00", interval=14, since=40)
    audit(alone, revenue="60000.00", interval=14, since=40)
    as_of = frozen.date() - dt.timedelta(days=1)
    shipment_with_line(client=head, date=dt.date(2026, 5, 8), amount=Decimal("240000.00"))
    shipment_with_line(
        client=branch, date=as_of - dt.timedelta(days=365), amount=Decimal("120000.00")
    )
    # A day before the 365 days, and after the audit's date: neither is the audit's.
    shipment_with_line(client=branch, date=as_of - dt.timedelta(days=366), amount=Decimal("99.00"))
    shipment_with_line(client=branch, date=frozen.date(), amount=Decimal("77.00"))

    actions = actions_open(
        user=manager_boris, manager=manager_boris, today=frozen.date(), now=frozen
    )

    assert [
        (action.client.name, action.stake)
        for action in actions
        if action.kind == ActionKind.PAST_INTERVAL
    ] == [
        ('ООО "Дельта"', Decimal("20000.00")),
        ('ООО "Дельта" Юг', Decimal("10000.00")),
        ('ООО "Омега"', Decimal("5000.00")),
    ]
