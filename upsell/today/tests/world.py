"""A small company on Wednesday 17 June 2026 at noon: Anna's two motivated clients with one
action of every kind, and Boris's client, whose action Anna must never see.

Anna's «Альфа» (a month of revenue: 10 000) is 34 days past its usual 21, has no forecast for
July, a deal idle for 20 days (15 000) and a complex request (7 000). Her «Гамма» (20 000 a
month) budgets 60 000 for June and was shipped 18 000 of its 50 000 forecast, has July's
baseline of 25 000 unconfirmed, a meeting at 15:00 and a retro-bonus tier 50 000 away.
"""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from upsell.accounts.models import User
from upsell.clients.models import Client, ClientAudit, ClientBudgetMonth, ClientStatus
from upsell.clients.tests.factories import ClientFactory
from upsell.deals.models import Activity, ActivityKind, Deal, DealStage
from upsell.deals.services.activities import ActivityPlan, activity_plan
from upsell.deals.tests.conversion_world import deal
from upsell.forecasts.models import Confidence, ForecastCell
from upsell.programs.models import Membership, MembershipProgress
from upsell.programs.services.memberships import memberships_enrol
from upsell.programs.tests.factories import program_running, retro_bonus_terms
from upsell.requests.models import OrderRequest, RequestSource, RoutingRule
from upsell.shipments.tests.factories import shipment_with_line

DAY = dt.date(2026, 6, 17)
JUNE, JULY = dt.date(2026, 6, 1), dt.date(2026, 7, 1)


@pytest.fixture
def frozen() -> Iterator[dt.datetime]:
    """Noon of ``DAY`` in the site's time zone, the clock stopped."""
    noon = dt.datetime.combine(DAY, dt.time(12), tzinfo=ZoneInfo(settings.TIME_ZONE))
    with time_machine.travel(noon, tick=False):
        yield noon


def audit(client: Client, *, revenue: str, interval: int, since: int) -> ClientAudit:
    return ClientAudit.objects.create(
        client=client,
        as_of=DAY - dt.timedelta(days=1),
        computed_status=client.status,
        status_rule="regular",
        revenue_365=Decimal(revenue),
        last_order_date=DAY - dt.timedelta(days=since),
        typical_interval_days=interval,
        days_since_last_order=since,
    )


@dataclass
class World:
    alfa: Client
    gamma: Client
    beta: Client
    stuck: Deal
    meeting: Activity
    request: OrderRequest
    membership: Membership


@pytest.fixture
def world(frozen, manager_anna: User, manager_boris: User, head_of_sales: User) -> World:
    alfa = ClientFactory.create(
        name='ООО "Альфа"', manager=manager_anna, status=ClientStatus.REGULAR
    )
    gamma = ClientFactory.create(
        name='ООО "Гамма"', manager=manager_anna, status=ClientStatus.VIP, plans_budget=True
    )
    beta = ClientFactory.create(
        name='ООО "Бета"', manager=manager_boris, status=ClientStatus.REGULAR
    )
    audit(alfa, revenue="120000.00", interval=21, since=34)
    audit(gamma, revenue="240000.00", interval=30, since=10)
    audit(beta, revenue="360000.00", interval=14, since=40)
    ForecastCell.objects.create(
        client=gamma, month=JUNE, manager=manager_anna, amount=Decimal("50000.00"),
        confidence=Confidence.COMMIT,
    )  # fmt: skip
    ForecastCell.objects.create(
        client=gamma, month=JULY, manager=manager_anna, baseline=Decimal("25000.00"),
        baseline_high=Decimal("30000.00"),
    )  # fmt: skip
    # Boris filled July for his client: only the overdue order is his action.
    ForecastCell.objects.create(
        client=beta, month=JULY, manager=manager_boris, amount=Decimal("30000.00"),
        confidence=Confidence.PROBABLE,
    )  # fmt: skip
    shipment_with_line(client=gamma, date=dt.date(2026, 6, 5), amount=Decimal("18000.00"))
    ClientBudgetMonth.objects.create(client=gamma, month=JUNE, amount=Decimal("60000.00"))
    stuck = deal(
        alfa, JULY, "15000", DealStage.OFFER, title="Болты М8",
        last_activity_at=timezone.now() - dt.timedelta(days=20),
    )  # fmt: skip
    meeting = activity_plan(
        client=gamma,
        plan=ActivityPlan(
            kind=ActivityKind.MEETING,
            starts_at=timezone.now() + dt.timedelta(hours=3),
            ends_at=timezone.now() + dt.timedelta(hours=4),
            goal="Обсудить объём",
        ),
        by=manager_anna,
    )
    request = OrderRequest.objects.create(
        client=alfa,
        description="Крепёж, 40 позиций",
        amount=Decimal("7000.00"),
        source=RequestSource.API,
        assignee=manager_anna,
        routed_by_rule=RoutingRule.AMOUNT,
        complex_rule=RoutingRule.AMOUNT,
        # The client ordered three days before the request reached Upsell.
        waiting_since=timezone.now() - dt.timedelta(days=3),
    )
    program = program_running(
        terms=retro_bonus_terms(
            name="Ретро-бонус лето", period_start=dt.date(2026, 4, 1),
            period_end=dt.date(2026, 9, 30),
        ),
        by=head_of_sales,
    )  # fmt: skip
    memberships_enrol(program=program, client_ids=[gamma.pk], by=head_of_sales, today=DAY)
    membership = program.memberships.get()
    MembershipProgress.objects.create(
        membership=membership,
        as_of=DAY - dt.timedelta(days=1),
        purchased=Decimal("950000.00"),
        next_threshold=Decimal("1000000.00"),
        next_rate=Decimal("2.00"),
        missing=Decimal("50000.00"),
        accrued=Decimal(0),
        expected_end=Decimal("1200000.00"),
        within_reach=True,
    )
    return World(
        alfa=alfa, gamma=gamma, beta=beta, stuck=stuck, meeting=meeting, request=request,
        membership=membership,
    )  # fmt: skip
