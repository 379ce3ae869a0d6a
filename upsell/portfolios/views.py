"""The workload board: each manager's and assistant's load against the capacity, the
settings of the head of sales, and the rebalancing proposal applied in one step; and the client
card's reassign form, which hands one client over with its requests and forecast."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from upsell.accounts.http import authenticated_user
from upsell.accounts.models import User
from upsell.clients.access import can_reassign_clients, get_client_for_user
from upsell.clients.forms import ClientReassignForm
from upsell.clients.views import client_card_render
from upsell.core.forms import form_errors_add
from upsell.core.htmx import HtmxHttpRequest, wants_part
from upsell.history.models import ChangeSource, Subject
from upsell.history.presenters import (
    CHANGES_SHOWN,
    ChangeList,
    FieldShape,
    change_list,
    choice_text,
    number_text,
)
from upsell.history.selectors import changes_of
from upsell.portfolios.access import can_manage_workload, can_view_workload, require
from upsell.portfolios.exports import workload_xlsx_response
from upsell.portfolios.forms import WorkloadSettingsForm
from upsell.portfolios.selectors import (
    assistant_candidates,
    rebalance_propose,
    spontaneous_left_with_managers,
    team_capacity,
    workload_board,
    workload_current,
)
from upsell.portfolios.services import (
    client_hand_over,
    portfolio_rebalance_apply,
    workload_settings_update,
)

# The clients that could go to assistants the page lists; the workbook holds them all.
CANDIDATES_SHOWN = 50


def _render_board(
    request: HttpRequest, *, settings_form: WorkloadSettingsForm | None = None
) -> HttpResponse:
    user = authenticated_user(request)
    workload = workload_current()
    config = workload.config
    can_manage = can_manage_workload(user)
    if settings_form is None:
        settings_form = WorkloadSettingsForm(
            initial={
                "max_motivated_per_manager": config.max_motivated_per_manager,
                "pool_assistant": config.pool_assistant,
            }
        )
    board = workload_board(workload=workload)
    proposal = rebalance_propose(workload=workload) if can_manage else []
    context = {
        "board": board,
        "config": config,
        "team": team_capacity(board=board, capacity=config.max_motivated_per_manager),
        "proposal": proposal,
        "candidates": assistant_candidates(
            workload=workload, board=board, proposal=proposal, limit=CANDIDATES_SHOWN
        )
        if can_manage
        else None,
        "left_with_managers": spontaneous_left_with_managers(proposal=proposal, workload=workload)
        if can_manage
        else 0,
        "settings_form": settings_form if can_manage else None,
        "can_manage": can_manage,
        "changes": _settings_changes(request, settings_form),
    }
    return render(request, "portfolios/workload.html", context)


def _settings_changes(request: HttpRequest, form: WorkloadSettingsForm) -> ChangeList:
    """The capacity and pool as they changed; a pool assistant by name."""
    changes = changes_of(subject=Subject.WORKLOAD_SETTINGS, object_id=None)
    everything = request.GET.get("changes") == "all"
    shown = changes.filter(field="pool_assistant").values_list("before", "after")
    assistants = User.objects.filter(
        pk__in=[
            value
            for pair in (shown if everything else shown[:CHANGES_SHOWN])
            for value in pair
            if isinstance(value, int)
        ]
    )
    shapes = {
        "max_motivated_per_manager": FieldShape(
            form.fields["max_motivated_per_manager"].label or "", number_text
        ),
        "pool_assistant": FieldShape(
            form.fields["pool_assistant"].label or "",
            choice_text((str(user.pk), str(user)) for user in assistants),
        ),
    }
    return change_list(changes, shapes, everything=everything)


@require_GET
@login_required
def workload(request: HttpRequest) -> HttpResponse:
    require(can_view_workload(authenticated_user(request)))
    return _render_board(request)


@require_GET
@login_required
def workload_export(request: HttpRequest) -> HttpResponseBase:
    """The board as a workbook; the head of sales' also lists every client that could go to
    assistants."""
    user = authenticated_user(request)
    require(can_view_workload(user))
    workload = workload_current()
    board = workload_board(workload=workload)
    candidates = (
        assistant_candidates(
            workload=workload, board=board, proposal=rebalance_propose(workload=workload)
        )
        if can_manage_workload(user)
        else None
    )
    return workload_xlsx_response(board=board, candidates=candidates, today=workload.today)


@require_POST
@login_required
def workload_settings(request: HttpRequest) -> HttpResponse:
    user = authenticated_user(request)
    require(can_manage_workload(user))
    form = WorkloadSettingsForm(request.POST)
    if form.is_valid():
        try:
            workload_settings_update(
                max_motivated_per_manager=form.cleaned_data["max_motivated_per_manager"],
                pool_assistant=form.cleaned_data["pool_assistant"],
                changed_by=user,
                source=ChangeSource.SCREEN,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Capacity and pool saved."))
            return redirect("portfolios:workload")
    return _render_board(request, settings_form=form)


@require_POST
@login_required
def rebalance(request: HttpRequest) -> HttpResponse:
    user = authenticated_user(request)
    require(can_manage_workload(user))
    applied = portfolio_rebalance_apply(keys=request.POST.getlist("move"), applied_by=user)
    messages.success(request, _("%(count)s changes applied.") % {"count": applied})
    return redirect("portfolios:workload")


@require_POST
@login_required
def client_reassign(request: HtmxHttpRequest, client_id: int) -> HttpResponse:
    """The card's reassign form. Refused, it comes back on the card with its errors: htmx swaps
    the Responsible panel alone, a plain post gets the whole card. Done, the card is reloaded
    with its new history."""
    user = authenticated_user(request)
    client = get_client_for_user(user, client_id)
    if not can_reassign_clients(user):
        raise PermissionDenied(_("Only the head of sales reassigns clients"))
    form = ClientReassignForm(request.POST)
    if form.is_valid():
        try:
            client_hand_over(
                client=client,
                manager=form.cleaned_data["manager"],
                assistant=form.cleaned_data["assistant"],
                changed_by=user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, _("Responsible people changed."))
            card = reverse("clients:detail", kwargs={"client_id": client.pk})
            return HttpResponseClientRedirect(card) if request.htmx else redirect(card)
    if wants_part(request, "responsible"):
        context = {"client": client, "reassign_form": form}
        return render(request, "clients/client_detail.html#responsible", context)
    return client_card_render(request, user=user, client=client, reassign_form=form)
