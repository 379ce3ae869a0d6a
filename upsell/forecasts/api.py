"""Forecast cells over the REST API: the same access funnel and service as the grid."""

from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from ninja import Path, Query, Router, Status

from upsell.accounts.http import authenticated_user
from upsell.accounts.schemas import ObjectId, PageParams, error_responses
from upsell.forecasts.access import forecast_clients_visible_to, get_forecast_client_for_user
from upsell.forecasts.history import forecast_cell_changes
from upsell.forecasts.models import ForecastCell
from upsell.forecasts.schemas import (
    ForecastCellIn,
    ForecastCellOut,
    ForecastCellPage,
    ForecastCellQuery,
    ForecastChangeQuery,
    ForecastConflictOut,
)
from upsell.forecasts.services import ForecastConflictError, forecast_cell_save
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
