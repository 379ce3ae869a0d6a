"""The Today page, a decision on one of its actions, and the weights of the kinds.

A manager reads and decides its own actions; the head of sales the team's or one manager's,
and sets the weights; top management reads. An assistant or administrator finds no such page
(404); a reader who may not change answers 403. A decision sent by htmx redraws its row alone;
a plain form goes back to the list.
"""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.backends.utils import csrf_input
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from upsell.accounts.http import authenticated_user
from upsell.accounts.models import Role
from upsell.clients.access import get_client_for_user
from upsell.core.htmx import HtmxHttpRequest
from upsell.deals.models import ActivityKind
from upsell.today.access import (
    can_decide,
    can_set_weights,
    require_decide,
    require_set_weights,
    require_today,
    today_manager_for_user,
)
from upsell.today.forms import DecisionForm, TodayFilterForm, WeightsForm
from upsell.today.models import ActionKind, Decision, TodaySettings
from upsell.today.selectors import today_list, today_settings_latest, weights_current
from upsell.today.services import action_decide, today_settings_update

# The weights' history the settings page lists, newest first.
CHANGES_SHOWN = 20


@require_GET
@login_required
def today_page(request: HttpRequest) -> HttpResponse:
    user = authenticated_user(request)
    require_today(user)
    form = TodayFilterForm(request.GET)
    manager_id, kind = None, None
    if form.is_valid():
        chosen = form.cleaned_data["manager"]
        manager_id = None if chosen is None else chosen.pk
        kind = ActionKind(form.cleaned_data["kind"]) if form.cleaned_data["kind"] else None
    manager = today_manager_for_user(user, manager_id)
    listed = today_list(
        user=user, manager=manager, today=timezone.localdate(), now=timezone.now(), kind=kind
    )
    query = {"manager": manager_id} if manager_id is not None else {}
    context = {
        "form": form,
        "listed": listed,
        "manager": manager,
        "kind": kind,
        "kinds": [
            (choice, listed.counts.get(choice, 0), "?" + urlencode(query | {"kind": choice.value}))
            for choice in ActionKind
        ],
        "all_count": sum(listed.counts.values()),
        "all_url": "?" + urlencode(query) if query else reverse("today:list"),
        "sees_team": user.role != Role.MANAGER,
        "can_decide": can_decide(user),
        "can_set_weights": can_set_weights(user),
        # What every row's decisions repeat, laid out once for all of them.
        "csrf_input": csrf_input(request),
        "activity_options": format_html_join(
            "", '<option value="{}">{}</option>', ActivityKind.choices
        ),
    }
    return render(request, "today/list.html", context)


def _problem_text(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return " ".join(
            f"{_field_label(name)}: {message}"
            for name, field_messages in error.message_dict.items()
            for message in field_messages
        )
    return " ".join(error.messages)


def _field_label(name: str) -> str:
    labels: dict[str, Any] = {
        "key": _("Action"),
        "decision": _("Decision"),
        "note": _("Note"),
        "activity_kind": _("Kept as"),
        "until": _("Until"),
        "client": _("Client"),
    }
    return str(labels.get(name, name))


def _form_problem(form: DecisionForm) -> ValidationError:
    return ValidationError({name: list(errors) for name, errors in form.errors.items()})


DECIDED_NOTES = {
    Decision.DONE: gettext_lazy("Done; kept in the client's activities."),
    Decision.POSTPONED: gettext_lazy("Postponed: it comes back on %(day)s."),
    Decision.DISMISSED: gettext_lazy("Dismissed."),
}


@require_POST
@login_required
def decide_page(request: HtmxHttpRequest, client_id: int) -> HttpResponse:
    user = authenticated_user(request)
    require_today(user)
    client = get_client_for_user(user, client_id)
    require_decide(user)
    form = DecisionForm(request.POST)
    try:
        if not form.is_valid():
            raise _form_problem(form)
        data = form.cleaned_data
        decided = action_decide(
            user=user,
            client=client,
            key=data["key"],
            decision=data["decision"],
            note=data["note"],
            until=data["until"],
            activity_kind=data["activity_kind"] or ActivityKind.CALL,
            today=timezone.localdate(),
            now=timezone.now(),
        )
    except ValidationError as error:
        problem = _problem_text(error)
        if request.htmx:
            response = render(request, "today/problem.html", {"problem": problem})
            target = request.htmx.target
            if target:
                retarget(response, f"#{target}-problem")
                reswap(response, "innerHTML")
            return response
        messages.error(request, problem)
        return redirect("today:list")
    note = str(DECIDED_NOTES[Decision(decided.decision)])
    if decided.until is not None:
        note = note % {"day": date_format(decided.until, "SHORT_DATE_FORMAT")}
    if request.htmx:
        return render(request, "today/decided.html", {"decided": decided, "note": note})
    messages.success(request, f"{client.name}: {note}")
    return redirect("today:list")


@require_http_methods(["GET", "POST"])
@login_required
def weights_page(request: HttpRequest) -> HttpResponse:
    user = authenticated_user(request)
    require_today(user)
    current = weights_current()
    latest = today_settings_latest()
    form = WeightsForm(
        request.POST if request.method == "POST" else None,
        initial={f"weight_{kind.value}": weight for kind, weight in current.items()}
        | {"digest": latest is not None and latest.digest},
    )
    if request.method == "POST":
        require_set_weights(user)
        if form.is_valid():
            try:
                today_settings_update(
                    weights=form.weights(), digest=form.cleaned_data["digest"], changed_by=user
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The weights are saved."))
                return redirect("today:weights")
    changes = [
        (change, [(ActionKind(name).label, weight) for name, weight in change.weights.items()])
        for change in TodaySettings.objects.select_related("changed_by")[:CHANGES_SHOWN]
    ]
    context = {"form": form, "can_change": can_set_weights(user), "changes": changes}
    return render(request, "today/weights.html", context)
