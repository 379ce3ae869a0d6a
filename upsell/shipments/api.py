"""Shipment documents over the REST API, read only: they come from the ERP through imports."""

from typing import Any

from django.http import HttpRequest
from ninja import Path, Query, Router

from upsell.accounts.http import authenticated_user
from upsell.accounts.schemas import ObjectId, PageParams, error_responses
from upsell.shipments.access import get_shipment_for_user
from upsell.shipments.models import Shipment
from upsell.shipments.schemas import ShipmentDetailOut, ShipmentPage, ShipmentQuery
from upsell.shipments.selectors import ShipmentFilters, shipment_list

router = Router(tags=["shipments"])


@router.get("", response={200: ShipmentPage, **error_responses(401, 422)})
def list_shipments(
    request: HttpRequest, filters: Query[ShipmentQuery], page: Query[PageParams]
) -> dict[str, Any]:
    """Shipment documents of the clients the caller may see, newest first."""
    shipments = shipment_list(
        user=authenticated_user(request), filters=ShipmentFilters(**filters.model_dump())
    )
    return page.page_of(shipments)


@router.get("/{shipment_id}", response={200: ShipmentDetailOut, **error_responses(401, 404, 422)})
def get_shipment(request: HttpRequest, shipment_id: Path[ObjectId]) -> Shipment:
    """One shipment document with its lines."""
    return get_shipment_for_user(authenticated_user(request), shipment_id)
