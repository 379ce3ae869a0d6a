"""The forecast screens: the grid (a manager's, or the team roll-up), a cell's editor, plans,
accuracy, and the Excel round-trip.

Everything goes through ``upsell.forecasts.access``: a manager reaches only its own grid and
cells (another's answer 404); top management reads every grid and changes none (403).
"""

import datetime as dt
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from upsell.accounts.http import authenticated_user
from upsell.accounts.models import Role, User
from upsell.clients.access import can_change_client, get_client_for_user
from upsell.clients.models import Client
from upsell.clients.motivation import client_is_motivated, managed_statuses_current
from upsell.core.forms import form_errors_add
from upsell.core.htmx import HtmxHttpRequest, wants_part
from upsell.core.months import month_parse
from upsell.forecasts import workbook
from upsell.forecasts.access import (
    can_set_plans,
    forecast_manager_for_user,
    get_forecast_client_for_user,
    uses_forecasts,
)
from upsell.forecasts.forms import (
    ForecastCellForm,
    ForecastImportForm,
    GridFilterForm,
    SalesPlanForm,
)
from upsell.forecasts.history import (
    CELL_SHAPES,
    PLAN_SHAPES,
    forecast_cell_changes,
    forecast_months_changed,
    sales_plan_changes,
)
from upsell.forecasts.locks import cell_editable, month_first_editable
from upsell.forecasts.presenters import GridPresenter, RowAccept, cells_url
from upsell.forecasts.selectors import (
    CellFigures,
    GridCell,
    accuracy_year_default,
    client_forecast_months,
    clients_in_programs,
    forecast_accuracy,
    forecast_grid,
    forecast_grid_cell,
    forecast_grid_totals,
    motivated_clients_of,
    team_rollup,
)
from upsell.forecasts.services import (
    ForecastConflictError,
    confidence_typed,
    forecast_baselines_accept,
    forecast_cell_save,
    sales_plan_set,
)
from upsell.history.models import ChangeSource
from upsell.history.presenters import change_list


def can_edit_grid(user: User, manager: User) -> bool:
    return user.is_active and (
        user.role == Role.HEAD_OF_SALES or (user.role == Role.MANAGER and user.pk == manager.pk)
    )


def _grid_choice(
    request: HttpRequest, user: User, *, default_year: int | None = None
) -> tuple[User | None, int, GridFilterForm]:
    """The manager and year the address chooses; unless ``default_year``, the year of the first
    month whose forecast can still change (next year's, once this year's are all locked)."""
    if not uses_forecasts(user):
        raise PermissionDenied(_("Forecasts are kept by managers and the heads of sales."))
    if default_year is None:
        default_year = month_first_editable(timezone.localdate()).year
    data = request.GET.copy()
    # The form shows the year the page shows, also when the address names none.
    data.setdefault("year", str(default_year))
    form = GridFilterForm(data)
    manager_id, year = form.chosen(default_year=default_year)
    return forecast_manager_for_user(user, manager_id), year, form


@require_GET
@login_required
def forecast_grid_page(request: HttpRequest) -> HttpResponse:
    user = authenticated_user(request)
    manager, year, form = _grid_choice(request, user)
    today = timezone.localdate()
    context: dict[str, Any] = {"form": form, "year": year, "manager": manager}
    if manager is None:
        context["team"] = team_rollup(year=year, today=today)
    else:
        grid = forecast_grid(
            user=user,
            manager=manager,
            year=year,
            today=today,
            can_edit=can_edit_grid(user, manager),
        )
        presenter = GridPresenter(
            accept=RowAccept(
                url=reverse("forecasts:baselines_accept"),
                manager_id=manager.pk,
                year=year,
                csrf_token=get_token(request),
            )
            if grid.can_edit
            else None
        )
        context["grid"] = grid
        context["first_open_month"] = next(
            (
                total.month
                for total in grid.totals
                if cell_editable(month=total.month, today=today, locked=total.locked)
            ),
            None,
        )
        context["rows"] = presenter.rows(
            grid, in_programs=clients_in_programs([row.client for row in grid.rows])
        )
        context["can_set_plans"] = can_set_plans(user)
        context |= _plan_changes(request, manager, year)
    return render(request, "forecasts/grid.html", context)


def _plan_changes(request: HttpRequest, manager: User, year: int) -> dict[str, Any]:
    """The history of the plans the grid shows, and the address of all of it."""
    query = urlencode({"manager": manager.pk, "year": year, "plan_changes": "all"})
    return {
        "plan_changes": change_list(
            sales_plan_changes(manager=manager, year=year),
            PLAN_SHAPES,
            everything=request.GET.get("plan_changes") == "all",
        ),
        "plan_changes_all_url": f"{reverse('forecasts:grid')}?{query}#plan-changes",
    }


def _month_or_404(text: str) -> dt.date:
    try:
        return month_parse(text)
    except ValueError:
        raise Http404("No such month") from None


def _render_cell(request: HttpRequest, gc: GridCell, **context: Any) -> HttpResponse:
    if "form" in context:
        return render(
            request, "forecasts/grid.html#editor", {"gc": gc, "cells_url": cells_url(), **context}
        )
    return HttpResponse(GridPresenter().cell(gc))


def _render_saved_cell(user: User, client: Client, gc: GridCell) -> HttpResponse:
    """The saved cell, and out of band its row's total and its month's and the year's totals
    at the foot of the grid, so that the page's sums follow the save."""
    presenter = GridPresenter()
    context: dict[str, Any] = {"cell": presenter.cell(gc, saved=True)}
    if client.manager is not None:
        totals = forecast_grid_totals(
            user=user,
            manager=client.manager,
            year=gc.month.year,
            today=timezone.localdate(),
            client=client,
        )
        context |= {
            "row_total": None if totals.row is None else presenter.row_total(totals.row, oob=True),
            "month_total": totals.month(gc.month),
            "year_total": totals.year,
        }
    # Figures alone: the page's layout, and what the context processors give it, stay unused.
    return HttpResponse(render_to_string("forecasts/grid.html#saved_cell", context))


@require_http_methods(["GET", "POST"])
@login_required
def forecast_cell(request: HttpRequest, client_id: int, month: str) -> HttpResponse:
    """A cell of the grid: shown, its editor (``?edit``), or saved (POST)."""
    user = authenticated_user(request)
    chosen_month = _month_or_404(month)
    client = get_forecast_client_for_user(user, client_id, write=request.method == "POST")
    today = timezone.localdate()
    can_edit = can_change_client(user, client)
    gc = forecast_grid_cell(client=client, month=chosen_month, today=today, can_edit=can_edit)
    if request.method == "GET":
        if "edit" in request.GET and gc.editable:
            initial: dict[str, Any] = {"version": gc.version}
            if gc.cell is not None:
                initial |= {
                    "amount": gc.cell.amount,
                    "confidence": gc.cell.confidence,
                    "comment": gc.cell.comment,
                }
            return _render_cell(request, gc, form=ForecastCellForm(initial=initial))
        return _render_cell(request, gc)
    return _cell_save(request, user, client, gc)


def _cell_save(request: HttpRequest, user: User, client: Client, gc: GridCell) -> HttpResponse:
    form = ForecastCellForm(request.POST)
    if not form.is_valid():
        return _render_cell(request, gc, form=form)
    amount = form.cleaned_data["amount"]
    try:
        cell = forecast_cell_save(
            client=client,
            month=gc.month,
            amount=amount,
            # A figure typed with the keys alone, without its confidence, saves as well.
            confidence=confidence_typed(
                amount=amount,
                confidence=form.cleaned_data["confidence"],
                current="" if gc.cell is None else gc.cell.confidence,
            ),
            comment=form.cleaned_data["comment"],
            expected_version=form.cleaned_data["version"],
            user=user,
            source=ChangeSource.SCREEN,
        )
    except ForecastConflictError as conflict:
        # The editor keeps what this person typed and takes the current version, so saving
        # again replaces the other edit knowingly; the other edit is shown beside it.
        data = request.POST.copy()
        data["version"] = str(conflict.current.version)
        gc.cell = CellFigures.of(conflict.current)
        return _render_cell(request, gc, form=ForecastCellForm(data), conflict=conflict.current)
    except ValidationError as error:
        form_errors_add(form, error)
        return _render_cell(request, gc, form=form)
    gc.cell = CellFigures.of(cell)
    return _render_saved_cell(user, client, gc)


@require_POST
@login_required
def baselines_accept(request: HttpRequest) -> HttpResponse:
    """Fill the empty cells that can still change with their baseline: those of one client's
    row (``client``), or of the whole grid of ``manager`` for ``year``; then back to the grid,
    saying how many were filled."""
    user = authenticated_user(request)
    if not uses_forecasts(user):
        raise PermissionDenied(_("Forecasts are kept by managers and the heads of sales."))
    manager_id, year = GridFilterForm(request.POST).chosen(default_year=timezone.localdate().year)
    manager = forecast_manager_for_user(user, manager_id)
    if manager is None:
        raise Http404("No such manager")
    if not can_edit_grid(user, manager):
        raise PermissionDenied(_("Your role does not change forecasts."))
    clients = motivated_clients_of(user=user, manager=manager)
    if request.POST.get("client"):
        try:
            clients = clients.filter(pk=int(request.POST["client"]))
        except ValueError:
            raise Http404("No such client") from None
    chosen = list(clients)
    if request.POST.get("client") and not chosen:
        raise Http404("No such client")
    filled = forecast_baselines_accept(
        clients=chosen, year=year, user=user, source=ChangeSource.SCREEN
    )
    if filled:
        messages.success(
            request,
            ngettext(
                "%(count)d empty cell now holds its baseline.",
                "%(count)d empty cells now hold their baseline.",
                filled,
            )
            % {"count": filled},
        )
    else:
        messages.info(request, _("No empty cell that can still change has a baseline."))
    query = urlencode({"manager": manager.pk, "year": year})
    return redirect(f"{reverse('forecasts:grid')}?{query}")


@require_POST
@login_required
def sales_plan(request: HttpRequest) -> HttpResponse:
    user = authenticated_user(request)
    if not can_set_plans(user):
        raise PermissionDenied(_("Only the head of sales sets plans."))
    form = SalesPlanForm(request.POST)
    if not form.is_valid():
        return render(request, "forecasts/grid.html#plan_errors", {"form": form}, status=200)
    manager: User = form.cleaned_data["manager"]
    month: dt.date = form.cleaned_data["month"]
    try:
        sales_plan_set(
            manager=manager,
            month=month,
            amount=form.plan_amount(),
            set_by=user,
            source=ChangeSource.SCREEN,
        )
    except ValidationError as error:
        form_errors_add(form, error)
        return render(request, "forecasts/grid.html#plan_errors", {"form": form}, status=200)
    # The plan's cell, and out of band the month's forecast − plan and the year's plan.
    totals = forecast_grid_totals(
        user=user, manager=manager, year=month.year, today=timezone.localdate()
    )
    context = {
        "manager": manager,
        "year": month.year,
        "total": totals.month(month),
        "year_total": totals.year,
        "can_set_plans": True,
        **_plan_changes(request, manager, month.year),
    }
    return render(request, "forecasts/grid.html#saved_plan", context)


@require_GET
@login_required
def forecast_accuracy_page(request: HttpRequest) -> HttpResponse:
    user = authenticated_user(request)
    today = timezone.localdate()
    manager, year, form = _grid_choice(request, user, default_year=accuracy_year_default(today))
    context: dict[str, Any] = {"form": form, "year": year, "manager": manager}
    if manager is not None:
        context["accuracy"] = forecast_accuracy(manager=manager, year=year, today=today)
    return render(request, "forecasts/accuracy.html", context)


@require_GET
@login_required
def forecast_export(request: HttpRequest) -> HttpResponseBase:
    user = authenticated_user(request)
    manager, year, _form = _grid_choice(request, user)
    if manager is None:
        # The team roll-up has no working file: choose a manager on the grid first.
        return redirect("forecasts:grid")
    grid = forecast_grid(
        user=user,
        manager=manager,
        year=year,
        today=timezone.localdate(),
        can_edit=can_edit_grid(user, manager),
    )
    return workbook.grid_xlsx_response(grid=grid)


@require_http_methods(["GET", "POST"])
@login_required
def forecast_import(request: HttpRequest) -> HttpResponse:
    """Upload a workbook exported from the grid: every change is applied, or none."""
    user = authenticated_user(request)
    if not uses_forecasts(user) or user.role == Role.TOP_MANAGEMENT:
        raise PermissionDenied(_("Your role does not change forecasts."))
    form = ForecastImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form}
    if request.method == "POST" and form.is_valid():
        result = workbook.grid_xlsx_import(file=form.cleaned_data["file"], user=user)
        context["result"] = result
    return render(request, "forecasts/import.html", context)


CLIENT_MONTHS_SHOWN = 6


@require_GET
@login_required
def client_forecast(request: HttpRequest, client_id: int) -> HttpResponse:
    """The client card's forecast section: this month and the next five as the grid has them.
    A role that keeps no forecast gets nothing, and the section leaves the card."""
    user = authenticated_user(request)
    client = get_client_for_user(user, client_id)
    if not uses_forecasts(user):
        return HttpResponse("")
    today = timezone.localdate()
    months = client_forecast_months(client=client, today=today, count=CLIENT_MONTHS_SHOWN)
    context = {
        "client": client,
        "months": months,
        "changed_months": forecast_months_changed(
            user=user, client=client, months=[item.month for item in months]
        ),
        "motivated": client_is_motivated(
            client=client, managed_statuses=managed_statuses_current()
        ),
        "total": sum((month.forecast or 0 for month in months), Decimal(0)),
        "year": today.year,
    }
    return render(request, "forecasts/client_forecast.html", context)


@require_GET
@login_required
def client_forecast_changes(request: HtmxHttpRequest, client_id: int) -> HttpResponse:
    """How a client's forecast cells changed (one month's, with ``?month=YYYY-MM``): the part
    the client's forecast section opens under its table, or a page of its own."""
    user = authenticated_user(request)
    client = get_forecast_client_for_user(user, client_id)
    month_text = request.GET.get("month", "")
    month = _month_or_404(month_text) if month_text else None
    query = urlencode({"month": month_text, "changes": "all"} if month else {"changes": "all"})
    context = {
        "client": client,
        "month": month,
        "changes": change_list(
            forecast_cell_changes(user=user, client=client, month=month),
            CELL_SHAPES,
            everything=request.GET.get("changes") == "all",
        ),
        "all_url": f"{request.path}?{query}",
    }
    if wants_part(request, "forecast-changes"):
        return render(request, "forecasts/cell_changes.html#changes", context)
    return render(request, "forecasts/cell_changes.html", context)
