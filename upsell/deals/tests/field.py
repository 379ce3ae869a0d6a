"""What the field work's tests share: a moment of the frozen day, a contact, a deal, a plan."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from upsell.accounts.models import User
from upsell.clients.models import Client, Contact
from upsell.deals.models import Activity, ActivityKind, Deal, DealSource
from upsell.deals.services.activities import ActivityPlan, activity_plan


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """``day`` at ``hour``:``minute`` in the site's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def contact_of(client: Client, name: str, **details: Any) -> Contact:
    return Contact.objects.create(client=client, name=name, **details)


def deal_of(client: Client, manager: User, *, month: dt.date) -> Deal:
    return Deal.objects.create(
        client=client,
        manager=manager,
        month=month.replace(day=1),
        amount=Decimal("150000.00"),
        source=DealSource.HAND,
        last_activity_at=timezone.now() - dt.timedelta(days=30),
    )


def planned(
    client: Client,
    by: User,
    *,
    starts_at: dt.datetime,
    minutes: int = 60,
    kind: str = ActivityKind.VISIT,
    **plan: Any,
) -> Activity:
    return activity_plan(
        client=client,
        plan=ActivityPlan(
            kind=kind,
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(minutes=minutes),
            **plan,
        ),
        by=by,
    )
