"""Decisions on the actions of the Today list, and the weights of its kinds.

A decision is refused, naming the field, with nothing written: a client the person does not
serve, an action no longer on the list, done without its outcome, dismissed without a reason,
postponed to a day that is not ahead. What was done is kept as the client's activity through
closing's one service: a planned meeting of today is held; anything else becomes a held call
(or meeting, or visit), on the deal the action was about.
"""

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from upsell.accounts.models import Role, User
from upsell.clients.access import can_change_client
from upsell.clients.models import Client
from upsell.core.months import date_problem, years_after
from upsell.deals.models import Activity, ActivityKind, Deal
from upsell.deals.services.activities import ActivityPlan, activity_hold, activity_plan
from upsell.today.access import can_decide, can_set_weights
from upsell.today.actions import Action
from upsell.today.models import ActionDecision, ActionKind, Decision, TodaySettings
from upsell.today.selectors import actions_open, today_settings_latest, weights_current

TEXT_LIMIT = 5000
# Nobody postpones further ahead than this.
POSTPONE_YEARS = 1
WEIGHT_MAX = Decimal(100)
WEIGHT_PLACES = Decimal("0.01")


def _problems(
    *, decision: str, note: str, until: dt.date | None, activity_kind: str, today: dt.date
) -> dict[str, str]:
    problems: dict[str, str] = {}
    if decision not in Decision.values:
        problems["decision"] = _("Choose done, postponed or dismissed.")
    elif decision == Decision.DONE:
        if not note:
            problems["note"] = _("Say what was done and how it went.")
        if activity_kind not in ActivityKind.values:
            problems["activity_kind"] = _("Choose a call, a meeting or a visit.")
    elif decision == Decision.DISMISSED and not note:
        problems["note"] = _("Say why the action is dismissed.")
    elif decision == Decision.POSTPONED:
        if until is None:
            problems["until"] = _("Give the day it comes back.")
        elif until <= today:
            problems["until"] = _("Give a day after today.")
        else:
            span = date_problem(until, latest=years_after(today, POSTPONE_YEARS))
            if span:
                problems["until"] = span
    if len(note) > TEXT_LIMIT:
        problems["note"] = _("At most %(limit)s characters.") % {"limit": TEXT_LIMIT}
    return problems


def _action_of(*, user: User, client: Client, key: str, today: dt.date, now: dt.datetime) -> Action:
    manager = client.manager if client.manager and client.manager.role == Role.MANAGER else None
    for action in actions_open(user=user, manager=manager, today=today, now=now):
        if action.key == key and action.client.pk == client.pk:
            return action
    raise ValidationError({"key": _("This action is no longer on the list.")})


def _activity_done(
    *, action: Action, client: Client, outcome: str, activity_kind: str, by: User, now: dt.datetime
) -> Activity:
    if action.activity_id is not None:
        planned = Activity.objects.select_related("client").get(pk=action.activity_id)
        return activity_hold(activity=planned, outcome=outcome, by=by)
    deal = None if action.deal_id is None else Deal.objects.get(pk=action.deal_id)
    activity = activity_plan(
        client=client,
        plan=ActivityPlan(
            kind=activity_kind, starts_at=now, ends_at=now, goal=action.title, deal=deal
        ),
        by=by,
    )
    return activity_hold(activity=activity, outcome=outcome, by=by)


def action_decide(
    *,
    user: User,
    client: Client,
    key: str,
    decision: str,
    note: str = "",
    until: dt.date | None = None,
    activity_kind: str = ActivityKind.CALL,
    today: dt.date,
    now: dt.datetime,
) -> ActionDecision:
    """Record ``user``'s decision on the action ``key`` of ``client``: ``note`` is what was
    done (done), or why (dismissed, and optionally postponed)."""
    if not can_decide(user):
        raise PermissionDenied(_("Only managers and the head of sales decide on actions."))
    if not can_change_client(user, client):
        raise ValidationError({"client": _("Not a client you serve.")})
    note = note.strip()
    problems = _problems(
        decision=decision, note=note, until=until, activity_kind=activity_kind, today=today
    )
    if problems:
        raise ValidationError(problems)
    action = _action_of(user=user, client=client, key=key, today=today, now=now)
    with transaction.atomic():
        activity = None
        if decision == Decision.DONE:
            activity = _activity_done(
                action=action, client=client, outcome=note, activity_kind=activity_kind,
                by=user, now=now,
            )  # fmt: skip
        return ActionDecision.objects.create(
            user=user,
            key=action.key,
            kind=action.kind,
            client=client,
            decision=decision,
            text=note,
            until=until if decision == Decision.POSTPONED else None,
            activity=activity,
        )


def _weight(value: object) -> Decimal | None:
    try:
        weight = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        return None
    if not weight.is_finite() or not 0 <= weight <= WEIGHT_MAX:
        return None
    return weight.quantize(WEIGHT_PLACES)


def today_settings_update(
    *, weights: Mapping[str, object], digest: bool | None = None, changed_by: User
) -> TodaySettings | None:
    """Put new weights of the kinds of action in force (a kind left out keeps its weight) and,
    where given, whether the daily e-mail goes out. The settings in force come back unchanged
    when nothing changes; None while none were ever set and the new ones are the defaults."""
    if not can_set_weights(changed_by):
        raise PermissionDenied(_("Only the head of sales sets the weights."))
    problems: dict[str, str] = {}
    current = weights_current()
    chosen: dict[str, Decimal] = {kind.value: weight for kind, weight in current.items()}
    for name, value in weights.items():
        if name not in ActionKind.values:
            problems[f"weight_{name}"] = _("%(value)s is not a kind of action.") % {"value": name}
            continue
        weight = _weight(value)
        if weight is None:
            problems[f"weight_{name}"] = _("Give a weight from 0 to %(max)s.") % {"max": WEIGHT_MAX}
        else:
            chosen[name] = weight
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        latest = today_settings_latest()
        sending = (latest is not None and latest.digest) if digest is None else digest
        unchanged = {kind.value: weight for kind, weight in current.items()} == chosen
        if unchanged and sending == (latest is not None and latest.digest):
            return latest
        return TodaySettings.objects.create(
            weights={name: str(weight) for name, weight in chosen.items()},
            digest=sending,
            changed_by=changed_by,
        )
