"""The field work as a calendar: a person's or the team's week, and a person's ICS feed.

A person's activities are those it owns or goes to. The week runs Monday to Sunday in the
site's time zone. The feed serves RFC 5545 events to a calendar program that cannot log in: its
secret is its only key, so an unknown secret and an inactive person's feed answer alike (404),
and making a new secret cuts off the old address.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import icalendar
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from upsell.accounts.models import Role, User
from upsell.deals.access import activities_visible_to
from upsell.deals.models import Activity, ActivityState, CalendarFeed, _feed_secret

# What a feed holds: a quarter back (so the week's held meetings stay) and a year ahead.
FEED_DAYS_BACK = 92
FEED_DAYS_AHEAD = 366
# The product's identity in every event's UID and in the calendar's PRODID.
PRODUCT_ID = "-//Upsell//Field work//EN"
UID_DOMAIN = "upsell.local"


def week_start(day: dt.date) -> dt.date:
    """The Monday of ``day``'s week."""
    return day - dt.timedelta(days=day.weekday())


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def can_keep_calendar(user: User) -> bool:
    """The people who go to clients and those who read their work have a calendar."""
    return (
        user.is_authenticated
        and user.is_active
        and user.role in (Role.MANAGER, Role.HEAD_OF_SALES, Role.TOP_MANAGEMENT)
    )


def calendar_people_visible_to(user: User) -> QuerySet[User]:
    """Whose calendar ``user`` may open: its own; the head of sales and top management every
    manager's and head of sales'."""
    if not can_keep_calendar(user):
        return User.objects.none()
    if user.sees_all_sales:
        return User.objects.filter(
            is_active=True, role__in=(Role.MANAGER, Role.HEAD_OF_SALES)
        ).order_by("full_name", "username") | User.objects.filter(pk=user.pk)
    return User.objects.filter(pk=user.pk)


def activities_of_person(person: User) -> QuerySet[Activity]:
    """Everything ``person`` owns or goes to, whoever looks."""
    went = Activity.participants.through.objects.filter(
        activity_id=OuterRef("pk"), user_id=person.pk
    )
    return Activity.objects.filter(Q(owner=person) | Exists(went))


@dataclass(frozen=True, kw_only=True)
class Day:
    date: dt.date
    activities: tuple[Activity, ...]
    is_today: bool


@dataclass(frozen=True, kw_only=True)
class Week:
    first: dt.date
    days: tuple[Day, ...]

    @property
    def count(self) -> int:
        return sum(len(day.activities) for day in self.days)


def _in_week(activities: QuerySet[Activity], first: dt.date) -> list[Activity]:
    start, end = _local_midnight(first), _local_midnight(first + dt.timedelta(days=7))
    return list(
        activities.filter(starts_at__gte=start, starts_at__lt=end)
        .select_related("client", "owner")
        .prefetch_related("participants")
        .order_by("starts_at", "id")
    )


def _week_of(rows: list[Activity], first: dt.date) -> Week:
    today = timezone.localdate()
    by_day: dict[dt.date, list[Activity]] = {}
    for activity in rows:
        by_day.setdefault(timezone.localdate(activity.starts_at), []).append(activity)
    days = tuple(
        Day(date=day, activities=tuple(by_day.get(day, ())), is_today=day == today)
        for day in (first + dt.timedelta(days=offset) for offset in range(7))
    )
    return Week(first=first, days=days)


def person_week(*, viewer: User, person: User, first: dt.date) -> Week:
    """``person``'s week as ``viewer`` may see it (the funnel narrows it)."""
    mine = activities_visible_to(viewer).filter(pk__in=activities_of_person(person).values("pk"))
    return _week_of(_in_week(mine, first), first)


@dataclass(frozen=True, kw_only=True)
class PersonWeek:
    person: User
    week: Week


def team_weeks(*, viewer: User, first: dt.date) -> list[PersonWeek]:
    """Every manager's week (and each head of sales'), for those who see all sales: the week's
    activities are read once and dealt out to whoever owns or goes to each."""
    if not viewer.sees_all_sales:
        return []
    people = list(
        calendar_people_visible_to(viewer)
        .exclude(role=Role.TOP_MANAGEMENT)
        .distinct()
        .order_by("full_name", "username")
    )
    rows = _in_week(activities_visible_to(viewer), first)
    return [
        PersonWeek(
            person=person,
            week=_week_of(
                [
                    activity
                    for activity in rows
                    if activity.owner_id == person.pk
                    or any(p.pk == person.pk for p in activity.participants.all())
                ],
                first,
            ),
        )
        for person in people
    ]


# --- the feed ---------------------------------------------------------------------------------


def calendar_feed_of(user: User) -> CalendarFeed:
    """The person's feed, made the first time it is asked for."""
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


def calendar_feed_renew(user: User) -> CalendarFeed:
    """A new secret: the old address stops working at once."""
    with transaction.atomic():
        feed = calendar_feed_of(user)
        feed.secret = _feed_secret()
        feed.save(update_fields=["secret", "created_at"])
    return feed


def feed_owner(secret: str) -> User:
    """The active person whose feed has this secret; 404 for anything else."""
    if not secret:
        raise Http404("No such calendar")
    feed = CalendarFeed.objects.select_related("user").filter(secret=secret).first()
    if feed is None or not feed.user.is_active or not can_keep_calendar(feed.user):
        raise Http404("No such calendar")
    return feed.user


def _summary(activity: Activity) -> str:
    kind = activity.get_kind_display()
    if activity.joint:
        kind = _("Joint visit") if activity.kind == "visit" else f"{kind} ({_('joint')})"
    return f"{kind}: {activity.client.name}"


def _description(activity: Activity) -> str:
    lines = []
    if activity.goal:
        lines.append(_("Goal: %(goal)s") % {"goal": activity.goal})
    people = ", ".join(sorted(str(person) for person in activity.participants.all()))
    if people:
        lines.append(_("Who goes: %(people)s") % {"people": people})
    contacts = "; ".join(sorted(str(contact) for contact in activity.contacts.all()))
    if contacts:
        lines.append(_("Whom to meet: %(contacts)s") % {"contacts": contacts})
    if activity.state == ActivityState.HELD:
        lines.append(_("Outcome: %(outcome)s") % {"outcome": activity.outcome})
        if activity.next_step:
            lines.append(_("Next step: %(step)s") % {"step": activity.next_step})
    return "\n".join(lines)


_STATUS = {
    ActivityState.PLANNED: "CONFIRMED",
    ActivityState.HELD: "CONFIRMED",
    ActivityState.CANCELLED: "CANCELLED",
}


def _events(activities: Iterable[Activity]) -> Iterable[icalendar.Event]:
    stamp = timezone.now()
    for activity in activities:
        event = icalendar.Event()
        event.add("uid", f"activity-{activity.pk}@{UID_DOMAIN}")
        event.add("dtstamp", stamp)
        event.add("dtstart", activity.starts_at.astimezone(dt.UTC))
        event.add("dtend", activity.ends_at.astimezone(dt.UTC))
        event.add("summary", _summary(activity))
        if activity.place:
            event.add("location", activity.place)
        description = _description(activity)
        if description:
            event.add("description", description)
        event.add("status", _STATUS[ActivityState(activity.state)])
        event.add("categories", [activity.get_kind_display()])
        yield event


def calendar_ics(person: User, *, name: str) -> bytes:
    """``person``'s activities around today as an iCalendar file."""
    now = timezone.now()
    activities = (
        activities_of_person(person)
        .filter(
            starts_at__gte=now - dt.timedelta(days=FEED_DAYS_BACK),
            starts_at__lt=now + dt.timedelta(days=FEED_DAYS_AHEAD),
        )
        .select_related("client")
        .prefetch_related("participants", "contacts")
        .order_by("starts_at", "id")
    )
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    for event in _events(activities):
        calendar.add_component(event)
    ics: bytes = calendar.to_ical()
    return ics
