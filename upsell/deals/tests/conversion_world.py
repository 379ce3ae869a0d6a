"""A small company whose forecast, deals, shipments and payments give known funnels.

Months March and April 2026, payments counted up to 10 May 2026 (``PAID_UNTIL``):

Anna, March (locked: her cells then said 100 000 for Alpha and a 50 000 baseline for Gamma):
forecast 150 000; deals 90 000 won (Alpha), 40 000 at the offer and 30 000 with a request
(Gamma), 20 000 lost (Gamma) → in deals 160 000, ordered 120 000; Alpha shipped 100 000 (taken up
to its 90 000 ordered), Gamma 10 000 → shipped 100 000; Alpha's 85 000 of payments settle its
25 000 of February first, leaving 60 000 for March, Gamma's 10 000 pays its March → paid 70 000.
Anna, April: forecast 80 000, one deal at the order 50 000, Alpha shipped 20 000, nothing left
of the payments for April → 80 000 / 50 000 / 50 000 / 20 000 / 0.
Boris: March forecast 30 000 (locked), no deals; April forecast 40 000, a deal of 45 000 being
prepared.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from itertools import count

from django.utils import timezone

from upsell.accounts.models import User
from upsell.clients.models import Client, ClientStatus
from upsell.clients.tests.factories import ClientFactory
from upsell.deals.models import CLOSED_STAGES, Deal, DealSource, DealStage, LostReason
from upsell.forecasts.models import Confidence, ForecastCell
from upsell.forecasts.services import forecast_snapshot_take
from upsell.payments.models import Payment
from upsell.requests.models import OrderRequest, RequestSource, RoutingRule
from upsell.shipments.tests.factories import shipment_with_line

MARCH, APRIL = dt.date(2026, 3, 1), dt.date(2026, 4, 1)
PAID_UNTIL = dt.date(2026, 5, 10)
_payments = count(1)


def cell(client: Client, month: dt.date, *, amount: str | None = None, baseline: str = "0"):
    return ForecastCell.objects.create(
        client=client,
        month=month,
        manager=client.manager,
        baseline=Decimal(baseline),
        baseline_low=Decimal(0),
        baseline_high=Decimal(baseline),
        amount=None if amount is None else Decimal(amount),
        confidence="" if amount is None else Confidence.COMMIT,
    )


def deal(
    client: Client,
    month: dt.date,
    amount: str,
    stage: DealStage,
    *,
    manager: User | None = None,
    request: OrderRequest | None = None,
    last_activity_at: dt.datetime | None = None,
    title: str = "",
) -> Deal:
    now = timezone.now()
    reason = None
    if stage == DealStage.LOST:
        reason, _created = LostReason.objects.get_or_create(name="Дорого")
    return Deal.objects.create(
        client=client,
        manager=manager or client.manager,
        month=month,
        amount=Decimal(amount),
        stage=stage,
        source=DealSource.HAND,
        title=title,
        lost_reason=reason,
        request=request,
        request_link="confirmed" if request is not None else "",
        last_activity_at=last_activity_at or now,
        closed_at=now if stage in CLOSED_STAGES else None,
    )


def paid(client: Client, date: dt.date, amount: str) -> Payment:
    number = next(_payments)
    return Payment.objects.create(
        client=client, date=date, amount=Decimal(amount), natural_key=f"conversion-{number}"
    )


def shipped(client: Client, date: dt.date, amount: str) -> None:
    shipment_with_line(client=client, date=date, amount=Decimal(amount))


@dataclass
class World:
    alpha: Client
    gamma: Client
    beta: Client


def conversion_world(anna: User, boris: User) -> World:
    alpha = ClientFactory.create(name='ООО "Альфа"', manager=anna, status=ClientStatus.REGULAR)
    gamma = ClientFactory.create(name='ООО "Гамма"', manager=anna, status=ClientStatus.REGULAR)
    beta = ClientFactory.create(name='ООО "Бета"', manager=boris, status=ClientStatus.REGULAR)
    alpha_march = cell(alpha, MARCH, amount="100000", baseline="70000")
    cell(gamma, MARCH, baseline="50000")
    cell(beta, MARCH, amount="30000")
    # A cell nobody managed counts for nobody.
    ForecastCell.objects.create(
        client=ClientFactory.create(status=ClientStatus.REGULAR),
        month=MARCH,
        baseline=Decimal(7),
        baseline_high=Decimal(7),
    )
    forecast_snapshot_take(month=MARCH)
    # Edited after the lock: the locked forecast still counts.
    ForecastCell.objects.filter(pk=alpha_march.pk).update(amount=Decimal("999999"))
    cell(alpha, APRIL, amount="80000")
    cell(beta, APRIL, baseline="40000")

    request = OrderRequest.objects.create(
        client=gamma,
        description="Профиль, 200 шт.",
        source=RequestSource.API,
        assignee=anna,
        routed_by_rule=RoutingRule.MOTIVATED,
    )
    deal(alpha, MARCH, "90000", DealStage.WON)
    deal(gamma, MARCH, "40000", DealStage.OFFER)
    deal(gamma, MARCH, "30000", DealStage.TERMS_AGREED, request=request)
    deal(gamma, MARCH, "20000", DealStage.LOST)
    deal(alpha, APRIL, "50000", DealStage.ORDER)
    deal(beta, APRIL, "45000", DealStage.PREPARATION)

    shipped(alpha, dt.date(2026, 2, 12), "25000")
    shipped(alpha, dt.date(2026, 3, 3), "70000")
    shipped(alpha, dt.date(2026, 3, 20), "30000")
    shipped(gamma, dt.date(2026, 3, 25), "10000")
    shipped(alpha, dt.date(2026, 4, 8), "20000")
    shipped(beta, dt.date(2026, 3, 9), "30000")
    paid(alpha, dt.date(2026, 3, 1), "25000")
    paid(alpha, dt.date(2026, 4, 2), "60000")
    paid(alpha, dt.date(2026, 6, 1), "50000")  # after the report's day: not counted
    paid(gamma, dt.date(2026, 4, 10), "10000")
    return World(alpha=alpha, gamma=gamma, beta=beta)
