"""``upsell closing_load``: the demo company's closing, once its forecast is in.

Half a year of deals from the managers' forecast cells, moved through their stages, won or lost
with a reason, the won ones linked to a shipment of their client in their month where there is
one; objections answered from a small library; calls, meetings and visits, joint visits of the
head of sales; and one coached manager with a planted effect (``upsell.demo.closing``). The
rows are written in bulk, in one transaction; a database that holds deals already is left as
it is. With ``--truth`` the planted effect is written to that file.
"""

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from upsell.accounts.models import Role, User
from upsell.core.months import month_add, month_start
from upsell.deals.models import (
    Activity,
    CoachingNote,
    CoachingPeriod,
    Deal,
    DealSource,
    DealStageChange,
    LinkState,
    LostReason,
    Objection,
    ObjectionAnswer,
)
from upsell.demo.closing import (
    ANSWERS,
    CLIENT_WORDS,
    LOST_REASONS,
    MONTHS_BACK,
    ClientMonth,
    ClosingPlan,
    PlannedDeal,
    closing_build,
)
from upsell.forecasts.models import ForecastCell, cell_forecast
from upsell.shipments.models import Shipment

KOPECK = Decimal("0.01")


def _cells(managers: set[int], today: dt.date) -> list[ClientMonth]:
    """Each manager's forecast cells of the months the deals are opened in, for the clients
    it serves now, with the amount the forecast counts (the manager's, else the baseline)."""
    this_month = month_start(today)
    rows = ForecastCell.objects.filter(
        month__gte=month_add(this_month, -MONTHS_BACK),
        month__lte=this_month,
        client__manager__in=managers,
    ).values_list("pk", "client_id", "client__manager_id", "month", cell_forecast())
    return [
        ClientMonth(cell_id=pk, client_id=client, manager_id=manager, month=month, amount=amount)
        for pk, client, manager, month, amount in rows
        if amount is not None and amount > 0
    ]


def _shipments(deals: list[PlannedDeal]) -> dict[tuple[int, dt.date], int]:
    """The first shipment of each won deal's client in the deal's month."""
    won = {(deal.source.client_id, deal.source.month) for deal in deals if deal.stage == "won"}
    clients = {client for client, _ in won}
    firsts: dict[tuple[int, dt.date], tuple[dt.date, int]] = {}
    for pk, client, day in Shipment.objects.filter(client_id__in=clients).values_list(
        "pk", "client_id", "date"
    ):
        key = (client, month_start(day))
        if key in won and (key not in firsts or (day, pk) < firsts[key]):
            firsts[key] = (day, pk)
    return {key: pk for key, (_, pk) in firsts.items()}


def _set_times(model: Any, objects: list[Any], name: str, times: list[dt.datetime]) -> None:
    """A record's own time, which the table stamps with the moment of writing otherwise."""
    for obj, moment in zip(objects, times, strict=True):
        setattr(obj, name, moment)
    model.objects.bulk_update(objects, [name], batch_size=500)


def closing_write(*, plan: ClosingPlan, head: User) -> dict[str, int]:
    reasons = [LostReason.objects.get_or_create(name=name)[0] for name in LOST_REASONS]
    answers = [
        ObjectionAnswer.objects.get_or_create(
            category=category, text=text, defaults={"created_by": head}
        )[0]
        for category, text in ANSWERS
    ]
    shipments = _shipments(plan.deals)
    deals = []
    for planned in plan.deals:
        source = planned.source
        last = max([at for _, at in planned.stages] + [
            activity.starts_at for activity in planned.activities if activity.state == "held"
        ])  # fmt: skip
        shipment = (
            shipments.get((source.client_id, source.month)) if planned.stage == "won" else None
        )
        deals.append(
            Deal(
                client_id=source.client_id,
                manager_id=source.manager_id,
                month=source.month,
                amount=source.amount.quantize(KOPECK),
                stage=planned.stage,
                source=DealSource.FORECAST,
                forecast_cell_id=source.cell_id,
                lost_reason=None if planned.lost_reason is None else reasons[planned.lost_reason],
                shipment_id=shipment,
                shipment_link=LinkState.MATCHED if shipment else LinkState.NONE,
                created_by_id=source.manager_id,
                stage_changed_at=planned.stages[-1][1],
                last_activity_at=last,
                closed_at=planned.closed_at,
            )
        )
    Deal.objects.bulk_create(deals, batch_size=500)
    _set_times(Deal, deals, "created_at", [planned.opened for planned in plan.deals])

    changes, change_times = [], []
    objections, objection_times = [], []
    for deal, planned in zip(deals, plan.deals, strict=True):
        before = ""
        for stage, at in planned.stages:
            changes.append(
                DealStageChange(
                    deal=deal, stage_before=before, stage_after=stage, changed_by_id=deal.manager_id
                )
            )
            change_times.append(at)
            before = stage
        reached = dict(planned.stages)
        for category, answer, outcome in planned.objections:
            objections.append(
                Objection(
                    deal=deal,
                    category=category,
                    client_words=CLIENT_WORDS[category],
                    answer=answers[answer] if ANSWERS[answer][0] == category else None,
                    answer_given=ANSWERS[answer][1],
                    outcome=outcome,
                    created_by_id=deal.manager_id,
                )
            )
            objection_times.append(reached["objections"] + dt.timedelta(hours=2))
    DealStageChange.objects.bulk_create(changes, batch_size=1000)
    _set_times(DealStageChange, changes, "changed_at", change_times)
    Objection.objects.bulk_create(objections, batch_size=1000)
    _set_times(Objection, objections, "created_at", objection_times)

    coaching = plan.coaching
    period = CoachingPeriod.objects.create(
        manager_id=coaching.manager_id,
        coach=head,
        starts_on=coaching.starts_on,
        ends_on=coaching.ends_on,
        goals=coaching.goals,
        created_by=head,
    )
    now = timezone.now()
    notes = [
        CoachingNote(period=period, text=text, written_by=head)
        for written, text in coaching.notes
        if written < now
    ]
    CoachingNote.objects.bulk_create(notes)
    _set_times(CoachingNote, notes, "written_at", [w for w, _ in coaching.notes if w < now])

    activities = []
    for deal, planned in zip(deals, plan.deals, strict=True):
        for item in planned.activities:
            activities.append(
                Activity(
                    client_id=deal.client_id,
                    kind=item.kind,
                    state=item.state,
                    owner_id=deal.manager_id,
                    joint=item.joint,
                    starts_at=item.starts_at,
                    ends_at=item.starts_at + dt.timedelta(minutes=item.minutes),
                    goal=item.goal,
                    outcome=item.outcome,
                    deal=deal,
                    coaching_period=period if item.coached else None,
                    created_by_id=deal.manager_id,
                    held_at=item.starts_at if item.state == "held" else None,
                )
            )
    Activity.objects.bulk_create(activities, batch_size=1000)
    through = Activity.participants.through
    went = [through(activity_id=a.pk, user_id=a.owner_id) for a in activities]
    went += [through(activity_id=a.pk, user_id=head.pk) for a in activities if a.joint]
    through.objects.bulk_create(went, batch_size=1000)
    return {
        "deals": len(deals),
        "objections": len(objections),
        "activities": len(activities),
        "joint": sum(activity.joint for activity in activities),
    }


class Command(BaseCommand):
    help = "Load the demo company's deals, objections, meetings and coaching from its forecast."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--today", type=dt.date.fromisoformat, help="YYYY-MM-DD (default: today)"
        )
        parser.add_argument("--truth", type=Path, help="where to write the planted effect")

    def handle(self, *args: Any, **options: Any) -> None:
        if Deal.objects.exists():
            self.stdout.write("Closing: deals are loaded already")
            return
        head = User.objects.filter(role=Role.HEAD_OF_SALES, is_active=True).order_by("pk").first()
        if head is None:
            raise CommandError("The demo's closing needs a head of sales")
        managers = set(
            User.objects.filter(role=Role.MANAGER, is_active=True).values_list("pk", flat=True)
        )
        today = options["today"] or timezone.localdate()
        cells = _cells(managers, today)
        if not cells:
            raise CommandError("The demo's closing needs the forecast: run forecast_backfill")
        plan = closing_build(
            managers=sorted(managers),
            cells=cells,
            today=today,
            tz=timezone.get_current_timezone(),
            seed=options["seed"],
        )
        with transaction.atomic():
            counts = closing_write(plan=plan, head=head)
        if options["truth"]:
            coached = User.objects.get(pk=plan.coaching.manager_id)
            truth = plan.truth | {"coached_manager": coached.username}
            options["truth"].write_text(json.dumps(truth, ensure_ascii=False, indent=2) + "\n")
        self.stdout.write(
            f"Closing: {counts['deals']} deals, {counts['objections']} objections, "
            f"{counts['activities']} calls and meetings ({counts['joint']} joint), "
            "1 coaching period"
        )
