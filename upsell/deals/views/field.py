"""The field work's screens: the client card's calls and meetings, planning, holding and
cancelling one, the week calendar of a person or the team, and the person's ICS feed.

Every activity is reached through the closing funnel (``upsell.deals.access``) and every client
through the clients' one: 404 for what the user may not see, 403 for what it may see but not
change. The feed alone needs no login: its secret is its key.
"""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from upsell.accounts.http import authenticated_user
from upsell.accounts.models import User
from upsell.clients.access import get_client_for_user
from upsell.clients.models import Client
from upsell.core.htmx import HtmxHttpRequest, wants_part
from upsell.deals.access import (
    activities_visible_to,
    can_plan_activity,
    can_work_activity,
    get_activity_for_user,
)
from upsell.deals.calendar import (
    calendar_feed_of,
    calendar_feed_renew,
    calendar_ics,
    calendar_people_visible_to,
    can_keep_calendar,
    feed_owner,
    person_week,
    team_weeks,
    week_start,
)
from upsell.deals.forms.field import ActivityForm, HoldForm, add_service_errors
from upsell.deals.models import Activity, ActivityState
from upsell.deals.services.activities import (
    activity_cancel,
    activity_hold,
    activity_plan,
    activity_update,
)

# The card lists the coming activities and this many of those held or cancelled.
PAST_SHOWN = 10


@require_GET
@login_required
def client_activities(request: HttpRequest, client_id: int) -> HttpResponse:
    """The client card's section: what is planned with the client and what was done."""
    user = authenticated_user(request)
    client = get_client_for_user(user, client_id)
    visible = (
        activities_visible_to(user)
        .filter(client=client)
        .select_related("owner")
        .prefetch_related("participants", "contacts")
    )
    context = {
        "client": client,
        "planned": list(visible.filter(state=ActivityState.PLANNED).order_by("starts_at", "id")),
        "past": list(
            visible.exclude(state=ActivityState.PLANNED).order_by("-starts_at", "-id")[:PAST_SHOWN]
        ),
        "can_plan": can_plan_activity(user, client),
    }
    return render(request, "deals/field/client_activities.html", context)


def _form_page(
    request: HttpRequest, *, form: ActivityForm, client: Client, activity: Activity | None
) -> HttpResponse:
    context = {"form": form, "client": client, "activity": activity}
    return render(request, "deals/field/activity_form.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def activity_plan_page(request: HttpRequest, client_id: int) -> HttpResponse:
    user = authenticated_user(request)
    client = get_client_for_user(user, client_id)
    if not can_plan_activity(user, client):
        raise PermissionDenied(_("Only the client's manager or the head of sales plans with it."))
    form = ActivityForm(
        request.POST or None,
        client=client,
        user=user,
        initial={"day": timezone.localdate() + dt.timedelta(days=1)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            activity = activity_plan(client=client, plan=form.plan(), by=user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Planned: %(activity)s.") % {"activity": _title(activity)})
            return redirect("deals:activity", activity_id=activity.pk)
    return _form_page(request, form=form, client=client, activity=None)


@require_http_methods(["GET", "POST"])
@login_required
def activity_edit_page(request: HttpRequest, activity_id: int) -> HttpResponse:
    user = authenticated_user(request)
    activity = get_activity_for_user(user, activity_id, work=True)
    if activity.state != ActivityState.PLANNED:
        raise PermissionDenied(_("Only a planned activity changes."))
    form = ActivityForm(
        request.POST or None,
        client=activity.client,
        user=user,
        initial=ActivityForm.initial_from(activity, user=user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            activity_update(activity=activity, plan=form.plan(), by=user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("deals:activity", activity_id=activity.pk)
    return _form_page(request, form=form, client=activity.client, activity=activity)


def _title(activity: Activity) -> str:
    return f"{activity.get_kind_display()}, {activity.client.name}, " + timezone.localtime(
        activity.starts_at
    ).strftime("%d.%m.%Y %H:%M")


def _detail(
    request: HttpRequest, *, user: User, activity: Activity, hold_form: HoldForm | None = None
) -> HttpResponse:
    works = can_work_activity(user, activity) and activity.state == ActivityState.PLANNED
    context = {
        "activity": activity,
        "participants": list(activity.participants.order_by("full_name", "username")),
        "contacts": list(activity.contacts.all()),
        "can_work": works,
        "hold_form": hold_form or (HoldForm(activity=activity) if works else None),
    }
    return render(request, "deals/field/activity_detail.html", context)


@require_GET
@login_required
def activity_page(request: HttpRequest, activity_id: int) -> HttpResponse:
    user = authenticated_user(request)
    return _detail(request, user=user, activity=get_activity_for_user(user, activity_id))


@require_POST
@login_required
def activity_hold_page(request: HttpRequest, activity_id: int) -> HttpResponse:
    user = authenticated_user(request)
    activity = get_activity_for_user(user, activity_id, work=True)
    form = HoldForm(request.POST, activity=activity)
    if form.is_valid():
        try:
            activity_hold(
                activity=activity,
                outcome=form.cleaned_data["outcome"],
                next_step=form.cleaned_data["next_step"],
                contacts=list(form.cleaned_data["contacts"]),
                by=user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Marked held."))
            return redirect("deals:activity", activity_id=activity.pk)
    return _detail(request, user=user, activity=activity, hold_form=form)


@require_POST
@login_required
def activity_cancel_page(request: HttpRequest, activity_id: int) -> HttpResponse:
    user = authenticated_user(request)
    activity = get_activity_for_user(user, activity_id, work=True)
    try:
        activity_cancel(activity=activity, by=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Cancelled."))
    return redirect("deals:activity", activity_id=activity.pk)


def _week_asked(request: HttpRequest) -> dt.date:
    text = request.GET.get("week", "")
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        day = timezone.localdate()
    if not dt.date(2000, 1, 1) <= day <= dt.date(2100, 12, 31):
        day = timezone.localdate()
    return week_start(day)


@require_GET
@login_required
def calendar_page(request: HtmxHttpRequest) -> HttpResponse:
    """A person's week (the user's own by default) or, for those who see all sales, the team's."""
    user = authenticated_user(request)
    if not can_keep_calendar(user):
        raise PermissionDenied(_("Your role keeps no calendar."))
    first = _week_asked(request)
    people = list(calendar_people_visible_to(user).distinct())
    asked = request.GET.get("person", "")
    team = asked == "team" and user.sees_all_sales
    person = user
    if asked.isdigit():
        person = next((p for p in people if p.pk == int(asked)), None)  # type: ignore[assignment]
        if person is None:
            raise Http404("No such calendar")
    feed = calendar_feed_of(user)
    context = {
        "first": first,
        "last": first + dt.timedelta(days=6),
        "previous": first - dt.timedelta(days=7),
        "next": first + dt.timedelta(days=7),
        "team": team,
        "person": person,
        "people": people,
        "sees_team": user.sees_all_sales,
        "week": None if team else person_week(viewer=user, person=person, first=first),
        "team_weeks": team_weeks(viewer=user, first=first) if team else [],
        "person_parameter": "team" if team else str(person.pk),
        "feed_url": request.build_absolute_uri(
            reverse("deals:calendar_feed", kwargs={"secret": feed.secret})
        ),
    }
    if wants_part(request, "calendar"):
        return render(request, "deals/field/calendar.html#calendar", context)
    return render(request, "deals/field/calendar.html", context)


@require_POST
@login_required
def calendar_feed_renew_page(request: HttpRequest) -> HttpResponse:
    user = authenticated_user(request)
    if not can_keep_calendar(user):
        raise PermissionDenied(_("Your role keeps no calendar."))
    calendar_feed_renew(user)
    messages.success(request, _("The calendar has a new address; the old one no longer works."))
    return redirect("deals:calendar")


@require_GET
def calendar_feed(request: HttpRequest, secret: str) -> HttpResponse:
    """The person's activities for a calendar program: no login, the secret is the key."""
    person = feed_owner(secret)
    name = _("Upsell: %(person)s") % {"person": person}
    response = HttpResponse(calendar_ics(person, name=name), content_type="text/calendar")
    response["Content-Disposition"] = 'inline; filename="upsell.ics"'
    response["Cache-Control"] = "private, no-store"
    return response
