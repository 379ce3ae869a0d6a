"""The conversion report's figures: forecast → in deals → ordered → shipped → paid, per manager
and month, on a small company whose every figure is known (``conversion_world``)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.http import Http404

from upsell.accounts.tests.factories import UserFactory
from upsell.clients.tests.factories import ClientFactory
from upsell.deals.conversion import Funnel, conversion_managers, conversion_report
from upsell.deals.models import DealStage
from upsell.deals.tests.conversion_world import (
    APRIL,
    MARCH,
    PAID_UNTIL,
    conversion_world,
    deal,
    paid,
    shipped,
)
from upsell.forecasts.models import ForecastCell

pytestmark = pytest.mark.django_db

ANNA_MARCH = Funnel(
    forecast=Decimal("150000.00"),
    in_deals=Decimal("160000.00"),
    ordered=Decimal("120000.00"),
    shipped=Decimal("100000.00"),
    paid=Decimal("70000.00"),
)
ANNA_APRIL = Funnel(
    forecast=Decimal("80000.00"),
    in_deals=Decimal("50000.00"),
    ordered=Decimal("50000.00"),
    shipped=Decimal("20000.00"),
    paid=Decimal("0.00"),
)
BORIS_MARCH = Funnel(forecast=Decimal("30000.00"))
BORIS_APRIL = Funnel(forecast=Decimal("40000.00"), in_deals=Decimal("45000.00"))


def _report(user, **options):
    return conversion_report(user=user, first=MARCH, last=APRIL, today=PAID_UNTIL, **options)


def test_each_manager_and_month_has_its_funnel(manager_anna, manager_boris, head_of_sales):
    conversion_world(manager_anna, manager_boris)

    report = _report(head_of_sales)

    assert report.months == [MARCH, APRIL]
    assert report.managers == [manager_anna, manager_boris]
    assert report.funnel(manager_anna, MARCH) == ANNA_MARCH
    assert report.funnel(manager_anna, APRIL) == ANNA_APRIL
    assert report.funnel(manager_boris, MARCH) == BORIS_MARCH
    assert report.funnel(manager_boris, APRIL) == BORIS_APRIL


def test_the_team_adds_its_managers_up_month_by_month_and_over_all_months(
    manager_anna, manager_boris, head_of_sales
):
    conversion_world(manager_anna, manager_boris)

    sections = _report(head_of_sales).sections

    assert [section.month for section in sections] == [MARCH, APRIL, None]
    assert sections[0].team.funnel == Funnel(
        forecast=Decimal("180000.00"),
        in_deals=Decimal("160000.00"),
        ordered=Decimal("120000.00"),
        shipped=Decimal("100000.00"),
        paid=Decimal("70000.00"),
    )
    everything = sections[2]
    assert [row.funnel for row in everything.rows] == [
        ANNA_MARCH + ANNA_APRIL,
        BORIS_MARCH + BORIS_APRIL,
    ]
    assert everything.team.funnel == Funnel(
        forecast=Decimal("300000.00"),
        in_deals=Decimal("255000.00"),
        ordered=Decimal("170000.00"),
        shipped=Decimal("120000.00"),
        paid=Decimal("70000.00"),
    )


def test_each_step_is_a_percent_of_the_forecast_and_drops_from_the_one_before():
    steps = ANNA_MARCH.steps

    assert [step.key for step in steps] == ["forecast", "in_deals", "ordered", "shipped", "paid"]
    assert [step.of_forecast for step in steps] == [
        Decimal("100.0"),
        Decimal("106.7"),
        Decimal("80.0"),
        Decimal("66.7"),
        Decimal("46.7"),
    ]
    assert [step.drop for step in steps] == [
        None,
        Decimal("-10000.00"),
        Decimal("40000.00"),
        Decimal("20000.00"),
        Decimal("30000.00"),
    ]
    assert [step.drop_percent for step in steps] == [
        None,
        Decimal("-6.7"),
        Decimal("25.0"),
        Decimal("16.7"),
        Decimal("30.0"),
    ]
    # More in deals than forecast is a rise, not a drop.
    assert [step.rises for step in steps] == [False, True, False, False, False]


def test_without_a_forecast_there_are_no_percents():
    steps = Funnel(in_deals=Decimal("45000.00")).steps

    assert [step.of_forecast for step in steps] == [None] * 5
    assert steps[1].drop_percent is None
    assert steps[2].drop_percent == Decimal("100.0")


def test_a_manager_reads_only_its_own_rows(manager_anna, manager_boris):
    conversion_world(manager_anna, manager_boris)

    report = _report(manager_anna)

    assert report.managers == [manager_anna]
    assert report.funnels == {
        (manager_anna.pk, MARCH): ANNA_MARCH,
        (manager_anna.pk, APRIL): ANNA_APRIL,
    }


def test_the_head_of_sales_may_choose_one_manager(manager_anna, manager_boris, top_manager):
    conversion_world(manager_anna, manager_boris)

    report = _report(top_manager, manager_id=manager_boris.pk)

    assert report.managers == [manager_boris]
    assert report.total == BORIS_MARCH + BORIS_APRIL


def test_nobody_else_reads_the_report_nor_a_manager_another_managers(
    manager_anna, manager_boris, assistant_vera, admin_adam
):
    for user, manager_id in (
        (manager_anna, manager_boris.pk),
        (assistant_vera, None),
        (admin_adam, None),
        (UserFactory.create(role="manager", is_active=False), None),
    ):
        with pytest.raises(Http404):
            conversion_managers(user=user, manager_id=manager_id)


def test_a_locked_month_counts_its_snapshot_and_an_open_one_its_live_cells(
    manager_anna, manager_boris, head_of_sales
):
    world = conversion_world(manager_anna, manager_boris)
    # April is not locked: a change of its cell shows at once; March's edit after its lock
    # (999 999 for Alpha) does not.
    ForecastCell.objects.filter(client=world.alpha, month=APRIL).update(amount=Decimal("85000"))

    report = _report(head_of_sales)

    assert report.funnel(manager_anna, MARCH).forecast == Decimal("150000.00")
    assert report.funnel(manager_anna, APRIL).forecast == Decimal("85000.00")


def test_a_clients_month_ordered_from_two_managers_is_shared_out_never_counted_twice(
    manager_anna, manager_boris, head_of_sales
):
    """Delta moved from Boris to Anna in May: Boris's won deal of 20 000 and Anna's of 30 000
    for the same month; 40 000 was shipped and 25 000 of it paid."""
    conversion_world(manager_anna, manager_boris)
    delta = ClientFactory.create(name='ООО "Дельта"', manager=manager_anna)
    may = dt.date(2026, 5, 1)
    deal(delta, may, "30000", DealStage.WON)
    deal(delta, may, "20000", DealStage.WON, manager=manager_boris)
    shipped(delta, dt.date(2026, 5, 5), "40000")
    paid(delta, dt.date(2026, 5, 8), "25000")

    report = conversion_report(user=head_of_sales, first=may, last=may, today=PAID_UNTIL)

    assert manager_anna.pk < manager_boris.pk
    assert report.funnel(manager_anna, may).ordered == Decimal("30000.00")
    assert report.funnel(manager_boris, may).ordered == Decimal("20000.00")
    # Anna (the first of the two by id) takes up to her 30 000, Boris the 10 000 left.
    assert report.funnel(manager_anna, may).shipped == Decimal("30000.00")
    assert report.funnel(manager_boris, may).shipped == Decimal("10000.00")
    assert report.funnel(manager_anna, may).paid == Decimal("25000.00")
    assert report.funnel(manager_boris, may).paid == Decimal("0.00")


def test_a_return_that_leaves_a_month_below_zero_ships_nothing(manager_anna, head_of_sales):
    client = ClientFactory.create(name='ООО "Эпсилон"', manager=manager_anna)
    deal(client, MARCH, "10000", DealStage.WON)
    shipped(client, dt.date(2026, 3, 2), "5000")
    shipped(client, dt.date(2026, 3, 9), "-8000")
    paid(client, dt.date(2026, 3, 20), "5000")

    funnel = _report(head_of_sales).funnel(manager_anna, MARCH)

    assert funnel == Funnel(
        in_deals=Decimal("10000.00"), ordered=Decimal("10000.00"), shipped=Decimal("0.00")
    )


def test_the_report_reads_in_a_fixed_number_of_queries(
    manager_anna, manager_boris, head_of_sales, django_assert_num_queries
):
    world = conversion_world(manager_anna, manager_boris)
    for number in range(20):
        client = ClientFactory.create(manager=manager_anna)
        deal(client, MARCH, str(1000 + number), DealStage.ORDER)
        shipped(client, dt.date(2026, 3, 10), "500")
    deal(world.beta, MARCH, "5000", DealStage.WON)

    with django_assert_num_queries(8):
        _report(head_of_sales)
