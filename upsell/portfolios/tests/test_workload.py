"""The workload board against the capacity, the rebalancing proposal and applying it with
everything attached to the clients that move."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from upsell.clients.models import ClientAssignmentChange, ClientStatus
from upsell.clients.tests.factories import ClientFactory
from upsell.core.months import month_add
from upsell.forecasts.models import Confidence, ForecastCell
from upsell.history.models import ChangeSource
from upsell.portfolios.models import WorkloadSettings
from upsell.portfolios.selectors import rebalance_propose, workload_board
from upsell.portfolios.services import portfolio_rebalance_apply, workload_settings_update
from upsell.requests.models import OrderRequest, RequestSource, RequestStatus, RoutingRule
from upsell.shipments.tests.factories import ShipmentFactory

TODAY = dt.date(2026, 3, 16)
NOW = dt.datetime(2026, 3, 16, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def company(manager_anna, manager_boris, assistant_vera, head_of_sales):
    """Anna holds three motivated clients against a capacity of two, and one spontaneous client
    still without an assistant; Boris holds one motivated client in Kazan."""
    workload_settings_update(
        max_motivated_per_manager=2,
        pool_assistant=None,
        changed_by=head_of_sales,
        source=ChangeSource.SCREEN,
    )
    clients = {
        "big": ClientFactory.create(name='ООО "Крупный"', manager=manager_anna,
                                    status=ClientStatus.VIP, region="Казань", segment="Опт"),
        "mid": ClientFactory.create(name='ООО "Средний"', manager=manager_anna,
                                    status=ClientStatus.REGULAR, region="Москва", segment="Опт"),
        "small": ClientFactory.create(name='ООО "Малый"', manager=manager_anna,
                                      status=ClientStatus.REGULAR, region="Казань", segment="Опт"),
        "once": ClientFactory.create(name='ООО "Разовый"', manager=manager_anna,
                                     status=ClientStatus.ONE_TIME),
        "boris": ClientFactory.create(name='ООО "Бета"', manager=manager_boris,
                                      status=ClientStatus.REGULAR, region="Казань", segment="Опт"),
    }  # fmt: skip
    for name, total, date in [
        ("big", "900000.00", dt.date(2025, 9, 1)),
        ("mid", "300000.00", dt.date(2026, 1, 10)),
        ("small", "50000.00", dt.date(2026, 2, 1)),
        # Older than a year: not in the revenue over 12 months.
        ("small", "70000.00", dt.date(2025, 3, 1)),
        ("once", "1000.00", dt.date(2025, 12, 1)),
    ]:
        ShipmentFactory.create(client=clients[name], total=Decimal(total), date=date)
    return clients


def test_the_board_shows_each_person_s_load_against_the_capacity(
    company, manager_anna, assistant_vera
):
    with time_machine.travel(NOW - dt.timedelta(days=3), tick=False):
        OrderRequest.objects.create(
            client=company["once"], description="Гвозди", source=RequestSource.UI,
            assignee=manager_anna, routed_by_rule=RoutingRule.NO_ASSISTANT,
        )  # fmt: skip
    with time_machine.travel(NOW - dt.timedelta(hours=2), tick=False):
        OrderRequest.objects.create(
            client=company["mid"], description="Болты", source=RequestSource.UI,
            assignee=manager_anna, routed_by_rule=RoutingRule.MOTIVATED,
        )  # fmt: skip
        OrderRequest.objects.create(
            client=company["mid"], description="Готово", source=RequestSource.UI,
            assignee=manager_anna, routed_by_rule=RoutingRule.MOTIVATED, status=RequestStatus.DONE,
        )  # fmt: skip

    # Anna's forecast: her amount where she set one, else the baseline, this month and the
    # eleven after it; last month and the thirteenth do not count.
    this_month = TODAY.replace(day=1)
    for months_on, baseline, amount in ((-1, 900, None), (0, 1000, 1500), (5, 2000, None),
                                        (12, 7000, None)):  # fmt: skip
        ForecastCell.objects.create(
            client=company["mid"], month=month_add(this_month, months_on), manager=manager_anna,
            baseline=Decimal(baseline), baseline_high=Decimal(baseline),
            amount=None if amount is None else Decimal(amount),
            confidence="" if amount is None else Confidence.PROBABLE,
        )  # fmt: skip

    board = workload_board(today=TODAY)

    assert [
        (row.user.username, row.motivated, row.spontaneous, row.revenue_12m, row.forecast_12m,
         row.open_requests, row.oldest_request_at, row.capacity, row.load_percent, row.overloaded)
        for row in board
    ] == [
        ("vera", 0, 0, Decimal(0), None, 0, None, None, None, False),
        ("anna", 3, 1, Decimal("1251000.00"), Decimal("3500.00"), 2, NOW - dt.timedelta(days=3), 2,
         Decimal(150), True),
        ("boris", 1, 0, Decimal(0), Decimal(0), 0, None, 2, Decimal(50), False),
    ]  # fmt: skip


def test_the_proposal_sends_spontaneous_clients_to_assistants_and_the_excess_to_room(
    company, manager_anna, manager_boris, assistant_vera
):
    proposal = rebalance_propose(today=TODAY)

    assert [
        (move.client.name, move.role, move.previous and move.previous.username,
         move.new.username, move.reason)
        for move in proposal
    ] == [
        ('ООО "Разовый"', "assistant", None, "vera",
         "Spontaneous client: to the least loaded assistant of its manager's team"),
        # The smallest of Anna's motivated clients goes to Boris, who serves Kazan wholesale.
        ('ООО "Малый"', "manager", "anna", "boris",
         "Rebalancing: Иванова Анна is over capacity (2)"),
    ]  # fmt: skip


def test_applying_moves_the_client_its_requests_and_future_forecast_in_one_step(
    company, manager_anna, manager_boris, assistant_vera, head_of_sales
):
    small = company["small"]
    waiting = OrderRequest.objects.create(
        client=small, description="Болты", source=RequestSource.UI, assignee=manager_anna,
        routed_by_rule=RoutingRule.MOTIVATED,
    )  # fmt: skip
    with time_machine.travel(NOW, tick=False):
        for month in (dt.date(2026, 3, 1), dt.date(2026, 4, 1), dt.date(2026, 5, 1)):
            ForecastCell.objects.create(client=small, month=month, manager=manager_anna)
        keys = [move.key for move in rebalance_propose(today=TODAY)]

        applied = portfolio_rebalance_apply(keys=keys, applied_by=head_of_sales)

    assert applied == 2
    small.refresh_from_db()
    company["once"].refresh_from_db()
    assert (small.manager, small.assistant) == (manager_boris, None)
    assert company["once"].assistant == assistant_vera
    assert list(
        ClientAssignmentChange.objects.filter(client=small).values_list(
            "role", "previous__username", "new__username", "changed_by__username", "reason"
        )
    ) == [("manager", "anna", "boris", "helen", "Rebalancing: Иванова Анна is over capacity (2)")]
    waiting.refresh_from_db()
    assert (waiting.assignee, waiting.routed_by_rule) == (manager_boris, RoutingRule.REBALANCING)
    assert list(
        ForecastCell.objects.filter(client=small)
        .order_by("month")
        .values_list("month", "manager__username")
    ) == [
        (dt.date(2026, 3, 1), "anna"),
        (dt.date(2026, 4, 1), "boris"),
        (dt.date(2026, 5, 1), "boris"),
    ]
    assert rebalance_propose(today=TODAY) == []


def test_a_move_that_was_never_proposed_changes_nothing(
    company, manager_anna, manager_boris, head_of_sales
):
    before = ClientAssignmentChange.objects.count()
    forged = f"{company['big'].pk}:manager:{manager_boris.pk}"

    with time_machine.travel(NOW, tick=False):
        applied = portfolio_rebalance_apply(keys=[forged], applied_by=head_of_sales)

    assert applied == 0
    company["big"].refresh_from_db()
    assert company["big"].manager == manager_anna
    assert ClientAssignmentChange.objects.count() == before


def test_only_an_active_assistant_serves_the_pool(head_of_sales, manager_anna):
    with pytest.raises(ValidationError) as refused:
        workload_settings_update(
            max_motivated_per_manager=10,
            pool_assistant=manager_anna,
            changed_by=head_of_sales,
            source=ChangeSource.SCREEN,
        )

    assert refused.value.message_dict == {
        "pool_assistant": ["Иванова Анна is not an active assistant."]
    }
    assert WorkloadSettings.objects.count() == 0
