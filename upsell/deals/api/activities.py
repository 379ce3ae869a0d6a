"""Calls, meetings and visits over the REST API: the same funnel and the same one service as the
pages (``upsell.deals.services.activities``)."""

import datetime as dt
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status

from upsell.accounts.http import authenticated_user
from upsell.accounts.models import User
from upsell.accounts.schemas import ObjectId, PageOut, PageParams, UserRef, error_responses, text
from upsell.clients.access import get_client_for_user
from upsell.clients.models import Client, Contact
from upsell.clients.schemas import ClientRef
from upsell.core.months import EARLIEST
from upsell.deals.access import activities_visible_to, get_activity_for_user
from upsell.deals.calendar import (
    activities_of_person,
    calendar_feed_of,
    calendar_feed_renew,
    can_keep_calendar,
    week_start,
)
from upsell.deals.models import Activity, ActivityKind, ActivityState, Deal
from upsell.deals.services.activities import (
    ActivityPlan,
    activity_cancel,
    activity_hold,
    activity_plan,
    activity_update,
)

router = Router(tags=["activities"])

# The span of days a list may ask for: no activity lies outside it.
LATEST = dt.date(2100, 12, 31)
# No request names more people or contacts than a meeting room holds.
MAX_NAMED = 50


class ContactRef(Schema):
    id: int
    name: str
    position: str


class ActivityOut(Schema):
    id: int
    client: ClientRef
    kind: ActivityKind
    state: ActivityState
    owner: UserRef | None
    participants: list[UserRef] = Field(description="who goes, the owner included")
    joint: bool = Field(description="a head of sales goes: a joint visit")
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str
    goal: str
    contacts: list[ContactRef] = Field(description="whom they meet, the client's contacts")
    deal_id: int | None
    outcome: str
    next_step: str
    held_at: dt.datetime | None

    @staticmethod
    def resolve_participants(activity: Activity) -> list[User]:
        return list(activity.participants.all())

    @staticmethod
    def resolve_contacts(activity: Activity) -> list[Contact]:
        return list(activity.contacts.all())


class ActivityPage(PageOut):
    items: list[ActivityOut]


class ActivityQuery(Schema):
    person: ObjectId | None = Field(None, description="the activities this user owns or goes to")
    client: ObjectId | None = None
    state: ActivityState | None = None
    week: dt.date | None = Field(
        None, ge=EARLIEST, le=LATEST, description="the Monday-to-Sunday week of this day"
    )
    date_from: dt.date | None = Field(
        None, ge=EARLIEST, le=LATEST, description="starting on this day or later"
    )
    date_to: dt.date | None = Field(
        None, ge=EARLIEST, le=LATEST, description="starting on this day or earlier"
    )


class ActivityIn(Schema):
    """What is planned; every field (those left out take their defaults)."""

    kind: ActivityKind
    starts_at: dt.datetime = Field(description="with its time zone")
    ends_at: dt.datetime = Field(description="not before it starts")
    place: Annotated[str, text(300)] = ""
    goal: Annotated[str, text(5000)] = ""
    participant_ids: list[ObjectId] = Field(
        default_factory=list,
        max_length=MAX_NAMED,
        description="who goes besides the client's manager; a head of sales makes it joint",
    )
    contact_ids: list[ObjectId] = Field(
        default_factory=list, max_length=MAX_NAMED, description="the client's contacts to meet"
    )
    deal_id: ObjectId | None = Field(None, description="a deal of the same client")


class ActivityCreateIn(ActivityIn):
    client_id: ObjectId


class HoldIn(Schema):
    outcome: Annotated[str, text(5000)] = Field(description="how it went")
    next_step: Annotated[str, text(500)] = ""
    contact_ids: list[ObjectId] | None = Field(
        None, max_length=MAX_NAMED, description="whom they met, where it differs from the plan"
    )


def _listed(activities: QuerySet[Activity]) -> QuerySet[Activity]:
    return activities.select_related("client", "owner").prefetch_related("participants", "contacts")


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


@router.get("/activities", response={200: ActivityPage, **error_responses(401, 422)})
def list_activities(
    request: HttpRequest, filters: Query[ActivityQuery], page: Query[PageParams]
) -> dict[str, Any]:
    """The calls, meetings and visits the caller may see, by time: a manager its own and those
    it goes to, the head of sales and top management everyone's."""
    activities = activities_visible_to(authenticated_user(request))
    if filters.person is not None:
        person = User.objects.filter(pk=filters.person).first()
        activities = (
            activities.filter(pk__in=activities_of_person(person).values("pk"))
            if person is not None
            else activities.none()
        )
    if filters.client is not None:
        activities = activities.filter(client_id=filters.client)
    if filters.state is not None:
        activities = activities.filter(state=filters.state)
    if filters.week is not None:
        first = week_start(filters.week)
        activities = activities.filter(
            starts_at__gte=_day_start(first),
            starts_at__lt=_day_start(first + dt.timedelta(days=7)),
        )
    if filters.date_from is not None:
        activities = activities.filter(starts_at__gte=_day_start(filters.date_from))
    if filters.date_to is not None:
        activities = activities.filter(
            starts_at__lt=_day_start(filters.date_to + dt.timedelta(days=1))
        )
    return page.page_of(_listed(activities).order_by("starts_at", "id"))


@router.get(
    "/activities/{activity_id}", response={200: ActivityOut, **error_responses(401, 404, 422)}
)
def get_activity(request: HttpRequest, activity_id: Path[ObjectId]) -> Activity:
    return get_activity_for_user(authenticated_user(request), activity_id)


class CalendarFeedOut(Schema):
    url: str = Field(
        description="the caller's ICS feed: a calendar program subscribes to it without a login, "
        "its secret being its only key"
    )


def _feed_out(request: HttpRequest, secret: str) -> CalendarFeedOut:
    path = reverse("deals:calendar_feed", kwargs={"secret": secret})
    return CalendarFeedOut(url=request.build_absolute_uri(path))


@router.get("/calendar-feed", response={200: CalendarFeedOut, **error_responses(401, 403)})
def get_calendar_feed(request: HttpRequest) -> CalendarFeedOut:
    """The address of the caller's own ICS feed (made the first time it is asked for)."""
    user = authenticated_user(request)
    if not can_keep_calendar(user):
        raise PermissionDenied(_("Your role keeps no calendar."))
    return _feed_out(request, calendar_feed_of(user).secret)


@router.post("/calendar-feed/renew", response={200: CalendarFeedOut, **error_responses(401, 403)})
def renew_calendar_feed(request: HttpRequest) -> CalendarFeedOut:
    """A new address for the caller's feed: every copy of the old one stops working."""
    user = authenticated_user(request)
    if not can_keep_calendar(user):
        raise PermissionDenied(_("Your role keeps no calendar."))
    return _feed_out(request, calendar_feed_renew(user).secret)


def _named[M: (User, Contact)](model: type[M], ids: list[int], field: str) -> list[M]:
    found = model.objects.in_bulk(ids)
    missing = sorted(set(ids) - set(found))
    if missing:
        raise ValidationError(
            {field: _("No such id: %(ids)s.") % {"ids": ", ".join(map(str, missing))}}
        )
    return list(found.values())


def _plan(payload: ActivityIn, client: Client) -> ActivityPlan:
    deal = None
    if payload.deal_id is not None:
        deal = Deal.objects.filter(pk=payload.deal_id).first()
        if deal is None or deal.client_id != client.pk:
            raise ValidationError({"deal_id": _("The deal is not one of this client's.")})
    return ActivityPlan(
        kind=payload.kind,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        place=payload.place,
        goal=payload.goal,
        participants=_named(User, payload.participant_ids, "participant_ids"),
        contacts=_named(Contact, payload.contact_ids, "contact_ids"),
        deal=deal,
    )


@router.post("/activities", response={201: ActivityOut, **error_responses(400, 401, 403, 404, 422)})
def create_activity(request: HttpRequest, payload: ActivityCreateIn) -> Status[Activity]:
    """Plan a call, meeting or visit; the client's manager owns it."""
    user = authenticated_user(request)
    client = get_client_for_user(user, payload.client_id)
    activity = activity_plan(client=client, plan=_plan(payload, client), by=user)
    return Status(201, _listed(Activity.objects.filter(pk=activity.pk)).get())


@router.put(
    "/activities/{activity_id}",
    response={200: ActivityOut, **error_responses(400, 401, 403, 404, 422)},
)
def update_activity(
    request: HttpRequest, activity_id: Path[ObjectId], payload: ActivityIn
) -> Activity:
    """Change a planned activity, every field."""
    user = authenticated_user(request)
    activity = get_activity_for_user(user, activity_id, work=True)
    activity_update(activity=activity, plan=_plan(payload, activity.client), by=user)
    return _listed(Activity.objects.filter(pk=activity.pk)).get()


@router.post(
    "/activities/{activity_id}/hold",
    response={200: ActivityOut, **error_responses(400, 401, 403, 404, 422)},
)
def hold_activity(request: HttpRequest, activity_id: Path[ObjectId], payload: HoldIn) -> Activity:
    """Mark a planned activity held, with its outcome and next step."""
    user = authenticated_user(request)
    activity = get_activity_for_user(user, activity_id, work=True)
    contacts = (
        None if payload.contact_ids is None else _named(Contact, payload.contact_ids, "contact_ids")
    )
    activity_hold(
        activity=activity,
        outcome=payload.outcome,
        next_step=payload.next_step,
        contacts=contacts,
        by=user,
    )
    return _listed(Activity.objects.filter(pk=activity.pk)).get()


@router.post(
    "/activities/{activity_id}/cancel",
    response={200: ActivityOut, **error_responses(400, 401, 403, 404, 422)},
)
def cancel_activity(request: HttpRequest, activity_id: Path[ObjectId]) -> Activity:
    user = authenticated_user(request)
    activity = get_activity_for_user(user, activity_id, work=True)
    activity_cancel(activity=activity, by=user)
    return _listed(Activity.objects.filter(pk=activity.pk)).get()
