"""Calls, meetings and visits: the one owner of planning, holding, cancelling and editing them.

An activity is its client's manager's (its owner; a client without a manager gives it to
whoever plans it). Who went are the owner and the people named with it. It is a joint visit
whenever a head of sales goes: the rule is the people, not a flag anyone sets by hand, so a
head of sales added to a meeting makes it joint and one taken off makes it not.

Refused, naming the field, with nothing written: a client the person may not plan for, an end
before the start, a contact of another client, a deal of another client, someone who does not
sell (an assistant, an administrator, someone who left) among those who go. Holding an activity
on a deal counts as the deal's latest activity.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from upsell.accounts.models import Role, User
from upsell.clients.models import Client, Contact
from upsell.core.months import date_problem, years_after
from upsell.deals.access import can_plan_activity, can_work_activity
from upsell.deals.models import Activity, ActivityKind, ActivityState, Deal

# Who may go to a client: the people who sell.
GOERS = (Role.MANAGER, Role.HEAD_OF_SALES)
PLACE_LIMIT = 300
NEXT_STEP_LIMIT = 500
# Nobody plans a visit further ahead than this.
YEARS_AHEAD = 2
# No call or visit lasts longer than this; a longer one is a typing error.
LONGEST = dt.timedelta(days=7)


@dataclass(frozen=True, kw_only=True)
class ActivityPlan:
    """What is planned: the kind, when, where, why, who goes and whom they meet."""

    kind: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str = ""
    goal: str = ""
    # Who goes besides the owner (the owner always goes).
    participants: Sequence[User] = ()
    contacts: Sequence[Contact] = ()
    deal: Deal | None = None


def _owner_for(client: Client, by: User) -> User:
    manager = client.manager
    if manager is not None and manager.is_active and manager.role == Role.MANAGER:
        return manager
    return by


def _problems(client: Client, plan: ActivityPlan) -> dict[str, str]:
    problems: dict[str, str] = {}
    if plan.kind not in ActivityKind.values:
        problems["kind"] = _("%(value)s is not a kind of activity: one of %(values)s.") % {
            "value": plan.kind,
            "values": ", ".join(ActivityKind.values),
        }
    for name in ("starts_at", "ends_at"):
        if timezone.is_naive(getattr(plan, name)):
            problems[name] = _("Give the time with its time zone.")
    latest = years_after(timezone.localdate(), YEARS_AHEAD)
    for name in ("starts_at", "ends_at"):
        moment = getattr(plan, name)
        span = None if name in problems else date_problem(moment.date(), latest=latest)
        if span:
            problems[name] = span
    if not problems.keys() & {"starts_at", "ends_at"}:
        if plan.ends_at < plan.starts_at:
            problems["ends_at"] = _("It ends before it starts.")
        elif plan.ends_at - plan.starts_at > LONGEST:
            problems["ends_at"] = _("An activity lasts at most 7 days.")
    if len(plan.place) > PLACE_LIMIT:
        problems["place"] = _("At most %(limit)s characters.") % {"limit": PLACE_LIMIT}
    strangers = sorted(str(contact) for contact in plan.contacts if contact.client_id != client.pk)
    if strangers:
        problems["contacts"] = _("Not contacts of %(client)s: %(names)s.") % {
            "client": client.name,
            "names": "; ".join(strangers),
        }
    if plan.deal is not None and plan.deal.client_id != client.pk:
        problems["deal"] = _("The deal is another client's.")
    idle = sorted(
        str(person)
        for person in plan.participants
        if not person.is_active or person.role not in GOERS
    )
    if idle:
        problems["participants"] = _(
            "Only active managers and heads of sales go to clients: %(names)s."
        ) % {"names": "; ".join(idle)}
    return problems


def _people(owner: User, participants: Sequence[User]) -> list[User]:
    people = {owner.pk: owner}
    people.update((person.pk, person) for person in participants)
    return list(people.values())


def _joint(people: Sequence[User]) -> bool:
    return any(person.role == Role.HEAD_OF_SALES for person in people)


def activity_plan(*, client: Client, plan: ActivityPlan, by: User) -> Activity:
    """Plan a call, meeting or visit with ``client``; the client's manager owns it."""
    if not can_plan_activity(by, client):
        raise PermissionDenied(_("Only the client's manager or the head of sales plans with it."))
    problems = _problems(client, plan)
    if problems:
        raise ValidationError(problems)
    owner = _owner_for(client, by)
    people = _people(owner, plan.participants)
    with transaction.atomic():
        activity = Activity.objects.create(
            client=client,
            kind=plan.kind,
            owner=owner,
            joint=_joint(people),
            starts_at=plan.starts_at,
            ends_at=plan.ends_at,
            place=plan.place.strip(),
            goal=plan.goal.strip(),
            deal=plan.deal,
            created_by=by,
        )
        activity.participants.set(people)
        activity.contacts.set(plan.contacts)
    return activity


def _require_work(by: User, activity: Activity) -> None:
    if not can_work_activity(by, activity):
        raise PermissionDenied(_("Only the activity's owner or the head of sales changes it."))


def _require_planned(activity: Activity) -> None:
    if activity.state != ActivityState.PLANNED:
        raise ValidationError(
            {"state": _("The activity is %(state)s: only a planned one changes.")
             % {"state": activity.get_state_display().lower()}}
        )  # fmt: skip


def activity_update(*, activity: Activity, plan: ActivityPlan, by: User) -> Activity:
    """Change a planned activity: its time, place, goal, who goes, whom they meet, its deal."""
    _require_work(by, activity)
    _require_planned(activity)
    client = activity.client
    problems = _problems(client, plan)
    if problems:
        raise ValidationError(problems)
    owner = activity.owner or _owner_for(client, by)
    people = _people(owner, plan.participants)
    with transaction.atomic():
        locked = Activity.objects.select_for_update().get(pk=activity.pk)
        _require_planned(locked)
        activity.kind = plan.kind
        activity.starts_at = plan.starts_at
        activity.ends_at = plan.ends_at
        activity.place = plan.place.strip()
        activity.goal = plan.goal.strip()
        activity.deal = plan.deal
        activity.owner = owner
        activity.joint = _joint(people)
        activity.save(
            update_fields=[
                "kind", "starts_at", "ends_at", "place", "goal", "deal", "owner", "joint",
            ]
        )  # fmt: skip
        activity.participants.set(people)
        activity.contacts.set(plan.contacts)
    return activity


def activity_hold(
    *,
    activity: Activity,
    outcome: str,
    next_step: str = "",
    contacts: Sequence[Contact] | None = None,
    by: User,
) -> Activity:
    """Mark a planned activity held with its outcome and next step (and whom they met, where
    that changed); its deal's latest activity is now."""
    _require_work(by, activity)
    outcome, next_step = outcome.strip(), " ".join(next_step.split())
    problems: dict[str, str] = {}
    if not outcome:
        problems["outcome"] = _("Say how it went.")
    if len(next_step) > NEXT_STEP_LIMIT:
        problems["next_step"] = _("At most %(limit)s characters.") % {"limit": NEXT_STEP_LIMIT}
    if contacts is not None:
        strangers = sorted(str(c) for c in contacts if c.client_id != activity.client_id)
        if strangers:
            problems["contacts"] = _("Not contacts of %(client)s: %(names)s.") % {
                "client": activity.client.name,
                "names": "; ".join(strangers),
            }
    if problems:
        raise ValidationError(problems)
    now = timezone.now()
    with transaction.atomic():
        locked = Activity.objects.select_for_update().get(pk=activity.pk)
        _require_planned(locked)
        activity.state = ActivityState.HELD
        activity.outcome = outcome
        activity.next_step = next_step
        activity.held_at = now
        activity.save(update_fields=["state", "outcome", "next_step", "held_at"])
        if contacts is not None:
            activity.contacts.set(contacts)
        if activity.deal_id is not None:
            Deal.objects.filter(pk=activity.deal_id, last_activity_at__lt=now).update(
                last_activity_at=now
            )
    return activity


def activity_cancel(*, activity: Activity, by: User) -> Activity:
    """Call off a planned activity; it stays, cancelled, in the calendar's history."""
    _require_work(by, activity)
    with transaction.atomic():
        locked = Activity.objects.select_for_update().get(pk=activity.pk)
        _require_planned(locked)
        activity.state = ActivityState.CANCELLED
        activity.save(update_fields=["state"])
    return activity


def activity_participant_add(*, activity: Activity, person: User) -> Activity:
    """``person`` goes too: among who went, and the activity joint if it is a head of sales.
    The caller has checked that ``person`` may join (coaching does, for the head of sales)."""
    activity.participants.add(person)
    people = list(activity.participants.all())
    if activity.joint != _joint(people):
        activity.joint = _joint(people)
        activity.save(update_fields=["joint"])
    return activity


def activities_follow_clients(*, client_ids: Sequence[int], manager: User) -> int:
    """The clients' planned activities still ahead go to their new manager, who goes instead
    of the one before; those held, cancelled or already begun stay as they were. How many
    moved."""
    now = timezone.now()
    moving = list(
        Activity.objects.filter(
            client_id__any_of=list(client_ids), state=ActivityState.PLANNED, starts_at__gt=now
        )
        .exclude(owner=manager)
        .select_related("owner")
        .prefetch_related("participants")
    )
    for activity in moving:
        people = [
            person
            for person in activity.participants.all()
            if activity.owner_id is None or person.pk != activity.owner_id
        ]
        people = _people(manager, people)
        activity.owner = manager
        activity.joint = _joint(people)
        activity.save(update_fields=["owner", "joint"])
        activity.participants.set(people)
    return len(moving)
