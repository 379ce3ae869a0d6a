"""The coaching periods' nightly measure: this module reads what the analytics need from the
database as the contract's Arrow tables, runs ``upsell.analytics.coaching`` and stores what it
gives through ``deals.services.coaching``.

Every period that has started is measured as of the night's date (the rules, the months and
the figures are the analytics module's). The deals are every manager's deals won or lost, by
the day they closed in the site's time zone; the forecast is each month's locked snapshot;
shipments per client and month come from the one owner of "shipped per client per period"; a
client counts for the manager who serves it now and is motivated by today's rules. The
controls are the managers at work.
"""

import datetime as dt

import pyarrow as pa
from django.utils import timezone

from upsell.accounts.models import Role, User
from upsell.analytics.coaching import coaching_effects, manager_months
from upsell.analytics.coaching import contracts as coaching_contracts
from upsell.analytics.coaching.effect import MAX_MONTHS
from upsell.analytics.engines import Engine
from upsell.clients.models import Client
from upsell.clients.motivation import motivated_q
from upsell.core.months import month_add, month_start
from upsell.deals.models import CLOSED_STAGES, CoachingMetric, CoachingPeriod, Deal, DealStage
from upsell.deals.services.coaching import EffectFigures, coaching_effects_replace
from upsell.forecasts.models import ForecastSnapshot
from upsell.shipments.selectors import shipped_per_month


def _deals(first: dt.date) -> pa.Table:
    deals = Deal.objects.filter(stage__in=CLOSED_STAGES, closed_at__isnull=False).values_list(
        "pk", "manager_id", "created_at", "closed_at", "stage"
    )
    rows = []
    for pk, manager_id, created_at, closed_at, stage in deals.iterator():
        closed = timezone.localdate(closed_at)
        if closed < first:
            continue
        rows.append(
            {
                "deal_id": pk,
                "manager_id": manager_id,
                "created": min(timezone.localdate(created_at), closed),
                "closed": closed,
                "won": stage == DealStage.WON,
            }
        )
    return pa.Table.from_pylist(rows, schema=coaching_contracts.DEALS_SCHEMA)


def _forecast(first: dt.date, end: dt.date) -> pa.Table:
    snapshots = ForecastSnapshot.objects.filter(
        manager__isnull=False, month__gte=first, month__lt=end
    ).values_list("manager_id", "client_id", "month", "forecast")
    return pa.Table.from_pylist(
        [
            {"manager_id": manager_id, "client_id": client_id, "month": month, "amount": amount}
            for manager_id, client_id, month, amount in snapshots.iterator()
        ],
        schema=coaching_contracts.FORECAST_SCHEMA,
    )


def _shipped(first: dt.date, end: dt.date) -> pa.Table:
    return pa.Table.from_pylist(
        [
            {"client_id": client_id, "month": month, "amount": amount}
            for (client_id, month), amount in shipped_per_month(first=first, end=end).items()
        ],
        schema=coaching_contracts.SHIPPED_SCHEMA,
    )


def _clients() -> pa.Table:
    motivated = set(Client.objects.filter(motivated_q()).values_list("pk", flat=True))
    return pa.Table.from_pylist(
        [
            {"client_id": pk, "manager_id": manager_id, "motivated": pk in motivated}
            for pk, manager_id in Client.objects.filter(manager__isnull=False).values_list(
                "pk", "manager_id"
            )
        ],
        schema=coaching_contracts.CLIENTS_SCHEMA,
    )


def coaching_measure(*, as_of: dt.date, engine: Engine = Engine.DUCKDB) -> int:
    """Measure every period that has started as of ``as_of`` and store the effects in place of
    the last night's: the rows stored."""
    periods = list(
        CoachingPeriod.objects.filter(starts_on__lt=as_of).values_list(
            "pk", "manager_id", "starts_on", "ends_on"
        )
    )
    if not periods:
        return coaching_effects_replace(figures=[], measured_at=timezone.now())
    first = month_add(month_start(min(period[2] for period in periods)), -MAX_MONTHS)
    end = month_add(month_start(as_of), 1)
    figures, closed = manager_months(
        session=engine,
        deals=_deals(first),
        forecast=_forecast(first, end),
        shipped=_shipped(first, end),
        clients=_clients(),
    )
    managers = User.objects.filter(role=Role.MANAGER, is_active=True).values_list("pk", flat=True)
    effects = coaching_effects(
        figures=figures,
        closed_deals=closed,
        managers=pa.table({"manager_id": pa.array(list(managers), pa.int64())}),
        periods=pa.Table.from_pylist(
            [
                {"period_id": pk, "manager_id": manager, "starts_on": starts, "ends_on": ends}
                for pk, manager, starts, ends in periods
            ],
            schema=coaching_contracts.PERIODS_SCHEMA,
        ),
        as_of=as_of,
    )
    return coaching_effects_replace(
        figures=(
            EffectFigures(
                period_id=row["period_id"],
                metric=CoachingMetric(row["metric"]),
                coached_before=row["coached_before"],
                coached_after=row["coached_after"],
                control_before=row["control_before"],
                control_after=row["control_after"],
                effect=row["effect"],
                effect_low=row["effect_low"],
                effect_high=row["effect_high"],
                control_managers=row["control_managers"],
                too_little=row["too_little"],
            )
            for row in effects.to_pylist()
        ),
        measured_at=timezone.now(),
    )
