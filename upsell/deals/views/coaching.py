"""The coaching screens: the list of periods, a period's page with its goals, notes, joined
meetings and measured effect, and the head of sales' forms. Every period is reached through
``upsell.deals.access``: 404 for one the user may not see, 403 for one it may see but not
coach."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from upsell.accounts.http import authenticated_user
from upsell.accounts.models import Role
from upsell.core.forms import form_errors_add
from upsell.core.htmx import HtmxHttpRequest
from upsell.deals.access import can_coach, get_coaching_period_for_user
from upsell.deals.forms.coaching import JoinForm, NoteForm, PeriodForm
from upsell.deals.models import CoachingPeriod
from upsell.deals.selectors.coaching import (
    coaching_effect_lines,
    coaching_list,
    coaching_meetings_joined,
)
from upsell.deals.services.coaching import (
    PeriodTerms,
    coaching_meeting_join,
    coaching_meetings_joinable,
    coaching_note_write,
    coaching_period_edit,
    coaching_period_open,
)

SEES_COACHING = (Role.HEAD_OF_SALES, Role.TOP_MANAGEMENT, Role.MANAGER)


@require_GET
@login_required
def coaching_list_page(request: HttpRequest) -> HttpResponse:
    user = authenticated_user(request)
    if user.role not in SEES_COACHING:
        raise PermissionDenied
    context = {"periods": coaching_list(user=user), "can_coach": can_coach(user)}
    return render(request, "deals/coaching/list.html", context)


def _period_form(request: HttpRequest, *, period: CoachingPeriod | None) -> HttpResponse:
    user = authenticated_user(request)
    form = PeriodForm(request.POST or None, period=period)
    if request.method == "POST" and form.is_valid():
        terms = PeriodTerms(
            manager=period.manager if period is not None else form.cleaned_data["manager"],
            starts_on=form.cleaned_data["starts_on"],
            ends_on=form.cleaned_data["ends_on"],
            goals=form.cleaned_data["goals"],
        )
        try:
            if period is None:
                period = coaching_period_open(terms=terms, by=user)
            else:
                period = coaching_period_edit(period=period, terms=terms, by=user)
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            return redirect("deals:coaching_detail", period.pk)
    return render(request, "deals/coaching/form.html", {"form": form, "period": period})


@require_http_methods(["GET", "POST"])
@login_required
def coaching_create_page(request: HttpRequest) -> HttpResponse:
    if not can_coach(authenticated_user(request)):
        raise PermissionDenied
    return _period_form(request, period=None)


@require_http_methods(["GET", "POST"])
@login_required
def coaching_edit_page(request: HttpRequest, period_id: int) -> HttpResponse:
    period = get_coaching_period_for_user(authenticated_user(request), period_id, coach=True)
    return _period_form(request, period=period)


def _detail(
    request: HttpRequest,
    period: CoachingPeriod,
    *,
    note_form: NoteForm | None = None,
    join_form: JoinForm | None = None,
    template: str = "deals/coaching/detail.html",
) -> HttpResponse:
    user = authenticated_user(request)
    coaches = can_coach(user)
    joinable = coaching_meetings_joinable(period=period) if coaches else []
    context = {
        "period": period,
        "can_coach": coaches,
        "notes": period.notes.select_related("written_by"),
        "meetings": coaching_meetings_joined(period=period),
        "joinable": joinable,
        "note_form": note_form or NoteForm(),
        "join_form": join_form or JoinForm(meetings=joinable),
        "effects": coaching_effect_lines(period=period),
        "measured_at": max((effect.measured_at for effect in period.effects.all()), default=None),
    }
    return render(request, template, context)


@require_GET
@login_required
def coaching_detail_page(request: HttpRequest, period_id: int) -> HttpResponse:
    period = get_coaching_period_for_user(authenticated_user(request), period_id)
    return _detail(request, period)


@require_POST
@login_required
def coaching_note_page(request: HtmxHttpRequest, period_id: int) -> HttpResponse:
    """A note written: the notes part again under htmx, else the whole page."""
    user = authenticated_user(request)
    period = get_coaching_period_for_user(user, period_id, coach=True)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            coaching_note_write(period=period, text=form.cleaned_data["text"], by=user)
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            form = NoteForm()
    template = "deals/coaching/detail.html#notes" if request.htmx else "deals/coaching/detail.html"
    # A refused note comes back with its error in the same part, which htmx swaps in.
    return _detail(request, period, note_form=form, template=template)


@require_POST
@login_required
def coaching_join_page(request: HttpRequest, period_id: int) -> HttpResponse:
    user = authenticated_user(request)
    period = get_coaching_period_for_user(user, period_id, coach=True)
    form = JoinForm(request.POST, meetings=coaching_meetings_joinable(period=period))
    if form.is_valid():
        try:
            coaching_meeting_join(period=period, activity=form.cleaned_data["activity"], by=user)
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            return redirect("deals:coaching_detail", period.pk)
    return _detail(request, period, join_form=form)
