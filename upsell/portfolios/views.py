"""The workload board: each manager's and assistant's load against the capacity, the
settings of the head of sales, and the rebalancing proposal applied in one step."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from upsell.accounts.http import authenticated_user
from upsell.portfolios.access import can_manage_workload, can_view_workload, require
from upsell.portfolios.forms import WorkloadSettingsForm
from upsell.portfolios.selectors import rebalance_propose, workload_board, workload_settings_current
from upsell.portfolios.services import portfolio_rebalance_apply, workload_settings_update


def _render_board(
    request: HttpRequest, *, settings_form: WorkloadSettingsForm | None = None
) -> HttpResponse:
    user = authenticated_user(request)
    config = workload_settings_current()
    can_manage = can_manage_workload(user)
    if settings_form is None:
        settings_form = WorkloadSettingsForm(
            initial={
                "max_motivated_per_manager": config.max_motivated_per_manager,
                "pool_assistant": config.pool_assistant,
            }
        )
    context = {
        "board": workload_board(),
        "config": config,
        "proposal": rebalance_propose() if can_manage else [],
        "settings_form": settings_form if can_manage else None,
        "can_manage": can_manage,
    }
    return render(request, "portfolios/workload.html", context)


@require_GET
@login_required
def workload(request: HttpRequest) -> HttpResponse:
    require(can_view_workload(authenticated_user(request)))
    return _render_board(request)


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
