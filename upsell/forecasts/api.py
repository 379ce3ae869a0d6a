"""Forecasts over the REST API: cells, plans and accuracy, through the same access funnel,
selectors and services as the grid, its plan row and the accuracy page."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status

from upsell.accounts.http import authenticated_user
from upsell.accounts.models import User
from upsell.accounts.schemas import ObjectId, PageParams, error_responses, percent_of
from upsell.forecasts.access import (
    can_set_plans,
    forecast_clients_visible_to,
    forecast_manager_for_user,
    get_forecast_client_for_user,
)
from upsell.forecasts.history import forecast_cell_changes
from upsell.forecasts.locks import month_first_editable
from upsell.forecasts.models import ForecastCell
from upsell.forecasts.schemas import (
    ForecastCellIn,
    ForecastCellOut,
    ForecastCellPage,
    ForecastCellQuery,
    ForecastChangeQuery,
    ForecastConflictOut,
    ManagerAccuracyOut,
    YearPlanIn,
    YearPlanOut,
    YearQuery,
)
from upsell.forecasts.selectors import (
    Accuracy,
    AccuracyLine,
    YearPlan,
    accuracy_year_default,
    forecast_accuracies,
    plan_managers,
    sales_plans_of,
    team_managers,
)
from upsell.forecasts.services import (
    ForecastConflictError,
    forecast_cell_save,
    sales_plans_set,
)
from upsell.history.models import ChangeSource
from upsell.history.schemas import ChangePage

router = Router(tags=["forecasts"])


def _visible_cells(request: HttpRequest) -> QuerySet[ForecastCell]:
    user = authenticated_user(request)
    cells = ForecastCell.objects.filter(client__in=forecast_clients_visible_to(user))
    if user.is_manager:
        # A client reassigned to this manager keeps the months its former manager forecast.
        cells = cells.filter(Q(manager=user) | Q(manager__isnull=True))
    return cells


@router.get("/cells", response={200: ForecastCellPage, **error_responses(401, 422)})
def list_forecast_cells(
    request: HttpRequest, filters: Query[ForecastCellQuery], page: Query[PageParams]
) -> dict[str, Any]:
    """The forecast cells the caller may see, by client and month."""
    cells = _visible_cells(request)
    if filters.year is not None:
        cells = cells.filter(month__year=filters.year)
    if filters.manager is not None:
        cells = cells.filter(manager_id=filters.manager)
    return page.page_of(cells.order_by("client_id", "month"))


@router.get(
    "/clients/{client_id}/cells",
    response={200: list[ForecastCellOut], **error_responses(401, 404, 422)},
)
def get_client_forecast(
    request: HttpRequest, client_id: Path[ObjectId], filters: Query[ForecastCellQuery]
) -> QuerySet[ForecastCell]:
    """One client's forecast cells, month by month."""
    client = get_forecast_client_for_user(authenticated_user(request), client_id)
    cells = _visible_cells(request).filter(client=client)
    if filters.year is not None:
        cells = cells.filter(month__year=filters.year)
    return cells.order_by("month")


@router.get(
    "/clients/{client_id}/changes",
    response={200: ChangePage, **error_responses(401, 404, 422)},
)
def list_client_forecast_changes(
    request: HttpRequest,
    client_id: Path[ObjectId],
    filters: Query[ForecastChangeQuery],
    page: Query[PageParams],
) -> dict[str, Any]:
    """How one client's forecast cells changed, newest first: the amount, confidence and
    comment before and after, who, through what and when."""
    user = authenticated_user(request)
    client = get_forecast_client_for_user(user, client_id)
    return page.page_of(forecast_cell_changes(user=user, client=client, month=filters.month))


@router.put(
    "/clients/{client_id}/cells",
    response={
        200: ForecastCellOut,
        409: ForecastConflictOut,
        **error_responses(400, 401, 403, 404, 422),
    },
)
def save_forecast_cell(
    request: HttpRequest, client_id: Path[ObjectId], payload: ForecastCellIn
) -> ForecastCell | Status[dict[str, Any]]:
    """Set the manager's amount, confidence and comment of one month. Send the version last
    read: if the cell changed since, nothing is written and 409 returns the cell as it is."""
    user = authenticated_user(request)
    client = get_forecast_client_for_user(user, client_id, write=True)
    try:
        return forecast_cell_save(
            client=client,
            month=payload.month,
            amount=payload.amount,
            confidence=payload.confidence or "",
            comment=payload.comment,
            expected_version=payload.version,
            user=user,
            source=ChangeSource.API,
        )
    except ForecastConflictError as conflict:
        detail = "The cell changed since it was read; nothing was written."
        return Status(409, {"detail": detail, "current": conflict.current})


def _plan_out(plan: YearPlan) -> dict[str, Any]:
    return {
        "manager": plan.manager,
        "year": plan.year,
        "months": [{"month": month, "amount": amount} for month, amount in plan.months.items()],
        "total": plan.total,
    }


@router.get("/plans", response={200: list[YearPlanOut], **error_responses(401, 403, 404, 422)})
def list_sales_plans(request: HttpRequest, query: Query[YearQuery]) -> list[dict[str, Any]]:
    """The plans of a year month by month (the year the grid opens on unless given): a manager
    its own; the head of sales and top management one manager's, or every active manager's."""
    user = authenticated_user(request)
    manager = forecast_manager_for_user(user, query.manager)
    year = query.year or month_first_editable(timezone.localdate()).year
    managers = [manager] if manager is not None else list(team_managers())
    return [_plan_out(plan) for plan in sales_plans_of(managers=managers, year=year)]


@router.put("/plans", response={200: YearPlanOut, **error_responses(400, 401, 403, 422)})
def set_sales_plans(request: HttpRequest, payload: YearPlanIn) -> dict[str, Any]:
    """Set a manager's plan for the months named, all or none (the head of sales only); each
    change is kept in the plan's history, as on the grid."""
    user = authenticated_user(request)
    if not can_set_plans(user):
        raise PermissionDenied(_("Only the head of sales sets plans."))
    manager = plan_managers().filter(pk=payload.manager_id).first()
    if manager is None:
        raise ValidationError(
            {"manager_id": _("No manager has id %(id)s.") % {"id": payload.manager_id}}
        )
    sales_plans_set(
        manager=manager,
        year=payload.year,
        amounts=payload.months,
        set_by=user,
        source=ChangeSource.API,
    )
    [plan] = sales_plans_of(managers=[manager], year=payload.year)
    return _plan_out(plan)


def _figures(line: AccuracyLine) -> dict[str, Any]:
    return {
        "forecast": line.forecast,
        "actual": line.actual,
        "wape": percent_of(line.wape),
        "bias": percent_of(line.bias),
    }


def _accuracy_out(manager: User, year: int, accuracy: Accuracy) -> dict[str, Any]:
    return {
        "manager": manager,
        "year": year,
        "total": _figures(accuracy.total),
        "by_month": [_figures(line) | {"month": line.month} for line in accuracy.by_month],
        "by_client": [_figures(line) | {"client": line.client} for line in accuracy.by_client],
    }


@router.get(
    "/accuracy", response={200: list[ManagerAccuracyOut], **error_responses(401, 403, 404, 422)}
)
def get_forecast_accuracy(request: HttpRequest, query: Query[YearQuery]) -> list[dict[str, Any]]:
    """The locked forecasts of the finished months of a year against what was shipped, per
    month, per client and in total (the year of the last finished month unless given): a
    manager its own; the head of sales and top management one manager's, or every manager's."""
    user = authenticated_user(request)
    today = timezone.localdate()
    manager = forecast_manager_for_user(user, query.manager)
    year = query.year or accuracy_year_default(today)
    return [
        _accuracy_out(each, year, accuracy)
        for each, accuracy in forecast_accuracies(manager=manager, year=year, today=today)
    ]
