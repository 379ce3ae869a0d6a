"""Deals and the reasons a deal is lost over the REST API: the same access funnel and services
as the board. A deal the caller may not see answers 404, one it may see but not work 403."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status

from upsell.accounts.http import authenticated_user
from upsell.accounts.models import Role
from upsell.accounts.schemas import ObjectId, PageParams, error_responses
from upsell.clients.access import get_client_for_user
from upsell.core.months import month_start
from upsell.deals.access import (
    can_keep_closing_lists,
    can_open_deal,
    deals_visible_to,
    get_deal_for_user,
)
from upsell.deals.models import Deal, DealStageChange, LostReason
from upsell.deals.schemas.deals import (
    DealChangeIn,
    DealFilters,
    DealFromForecastIn,
    DealIn,
    DealLinksIn,
    DealMoveIn,
    DealOut,
    DealPage,
    LostReasonChangeIn,
    LostReasonIn,
    LostReasonOut,
    LostReasonsOrderIn,
    StageChangeOut,
)
from upsell.deals.services.deals import (
    deal_edit,
    deal_move,
    deal_open,
    deal_open_from_cell,
    lost_reason_add,
    lost_reason_change,
    lost_reasons_order,
)
from upsell.deals.services.matching import deal_request_link, deal_shipment_link
from upsell.forecasts.models import ForecastCell
from upsell.requests.models import OrderRequest
from upsell.shipments.models import Shipment

router = Router(tags=["deals"])

_DEAL_RELATED = ("client", "manager", "lost_reason")


def _deal_out(deal: Deal) -> Deal:
    return Deal.objects.select_related(*_DEAL_RELATED).get(pk=deal.pk)


def _opens_deals(request: HttpRequest) -> None:
    user = authenticated_user(request)
    if not (user.is_active and user.role in (Role.MANAGER, Role.HEAD_OF_SALES)):
        raise PermissionDenied(_("Only managers and the head of sales open deals."))


@router.get("", response={200: DealPage, **error_responses(401, 422)})
def list_deals(
    request: HttpRequest, page: Query[PageParams], filters: Query[DealFilters]
) -> dict[str, Any]:
    """The deals the caller sees: a manager its own, the head of sales and top management all."""
    deals = deals_visible_to(authenticated_user(request)).select_related(*_DEAL_RELATED)
    if filters.manager_id is not None:
        deals = deals.filter(manager_id=filters.manager_id)
    if filters.stage is not None:
        deals = deals.filter(stage=filters.stage)
    if filters.month is not None:
        deals = deals.filter(month=month_start(filters.month))
    return page.page_of(deals.order_by("month", "pk"))


@router.post("", response={201: DealOut, **error_responses(400, 401, 403, 404, 422)})
def create_deal(request: HttpRequest, payload: DealIn) -> Status[Deal]:
    """A deal opened by hand for a motivated client the caller serves."""
    _opens_deals(request)
    user = authenticated_user(request)
    client = get_client_for_user(user, payload.client_id)
    deal = deal_open(
        client=client, month=payload.month, amount=payload.amount, title=payload.title, by=user
    )
    return Status(201, _deal_out(deal))


@router.post("/from-forecast", response={201: DealOut, **error_responses(400, 401, 403, 404, 422)})
def create_deal_from_forecast(request: HttpRequest, payload: DealFromForecastIn) -> Status[Deal]:
    """A deal from the client's forecast cell of the month: its forecast is the amount."""
    _opens_deals(request)
    user = authenticated_user(request)
    client = get_client_for_user(user, payload.client_id)
    if not can_open_deal(user, client):
        raise PermissionDenied(_("Only the client's manager or the head of sales opens its deals."))
    cell = ForecastCell.objects.filter(client=client, month=month_start(payload.month)).first()
    if cell is None:
        raise ValidationError({"month": _("The client has no forecast for this month.")})
    return Status(201, _deal_out(deal_open_from_cell(cell=cell, by=user, title=payload.title)))


# The lists first: "/lost-reasons" is not a deal's id.
@router.get("/lost-reasons", response={200: list[LostReasonOut], **error_responses(401, 403)})
def list_lost_reasons(request: HttpRequest) -> Any:
    """The reasons a deal is lost, in the list's order, retired ones included."""
    user = authenticated_user(request)
    if not (
        user.is_active and user.role in (Role.MANAGER, Role.HEAD_OF_SALES, Role.TOP_MANAGEMENT)
    ):
        raise PermissionDenied(_("Deals are the business of sales."))
    return LostReason.objects.all()


@router.post("/lost-reasons", response={201: LostReasonOut, **error_responses(400, 401, 403, 422)})
def create_lost_reason(request: HttpRequest, payload: LostReasonIn) -> Status[LostReason]:
    if not can_keep_closing_lists(authenticated_user(request)):
        raise PermissionDenied(_("Only the head of sales keeps the list."))
    return Status(201, lost_reason_add(name=payload.name))


@router.put(
    "/lost-reasons/order",
    response={200: list[LostReasonOut], **error_responses(400, 401, 403, 422)},
)
def order_lost_reasons(request: HttpRequest, payload: LostReasonsOrderIn) -> Any:
    """Put the list in a new order: every reason, retired ones included, each once."""
    if not can_keep_closing_lists(authenticated_user(request)):
        raise PermissionDenied(_("Only the head of sales keeps the list."))
    return lost_reasons_order(reason_ids=payload.reason_ids)


@router.patch(
    "/lost-reasons/{reason_id}",
    response={200: LostReasonOut, **error_responses(400, 401, 403, 404, 422)},
)
def update_lost_reason(
    request: HttpRequest, reason_id: Path[ObjectId], payload: LostReasonChangeIn
) -> LostReason:
    """Rename a reason, retire it or bring it back."""
    if not can_keep_closing_lists(authenticated_user(request)):
        raise PermissionDenied(_("Only the head of sales keeps the list."))
    reason = LostReason.objects.filter(pk=reason_id).first()
    if reason is None:
        raise Http404("No such reason")
    return lost_reason_change(reason=reason, name=payload.name, active=payload.active)


@router.get("/{deal_id}", response={200: DealOut, **error_responses(401, 404, 422)})
def get_deal(request: HttpRequest, deal_id: Path[ObjectId]) -> Deal:
    return _deal_out(get_deal_for_user(authenticated_user(request), deal_id))


@router.get(
    "/{deal_id}/stages", response={200: list[StageChangeOut], **error_responses(401, 404, 422)}
)
def list_deal_stages(request: HttpRequest, deal_id: Path[ObjectId]) -> Any:
    """The deal's moves between stages, oldest first."""
    deal = get_deal_for_user(authenticated_user(request), deal_id)
    return (
        DealStageChange.objects.filter(deal=deal)
        .select_related("changed_by")
        .order_by("changed_at", "pk")
    )


@router.patch("/{deal_id}", response={200: DealOut, **error_responses(400, 401, 403, 404, 422)})
def update_deal(request: HttpRequest, deal_id: Path[ObjectId], payload: DealChangeIn) -> Deal:
    user = authenticated_user(request)
    deal = get_deal_for_user(user, deal_id, work=True)
    return _deal_out(
        deal_edit(
            deal=deal, by=user, amount=payload.amount, month=payload.month, title=payload.title
        )
    )


@router.post("/{deal_id}/move", response={200: DealOut, **error_responses(400, 401, 403, 404, 422)})
def move_deal(request: HttpRequest, deal_id: Path[ObjectId], payload: DealMoveIn) -> Deal:
    """Move the deal to a stage (lost names its reason); refused moves answer 422."""
    user = authenticated_user(request)
    deal = get_deal_for_user(user, deal_id, work=True)
    reason = None
    if payload.lost_reason_id is not None:
        reason = LostReason.objects.filter(pk=payload.lost_reason_id).first()
        if reason is None:
            raise ValidationError({"lost_reason_id": _("No such reason.")})
    moved = deal_move(
        deal=deal, stage=payload.stage, by=user, lost_reason=reason, lost_note=payload.lost_note
    )
    return _deal_out(moved)


@router.put("/{deal_id}/links", response={200: DealOut, **error_responses(400, 401, 403, 404, 422)})
def set_deal_links(request: HttpRequest, deal_id: Path[ObjectId], payload: DealLinksIn) -> Deal:
    """Set the deal's request and shipment by hand: each confirmed, or removed with null."""
    user = authenticated_user(request)
    deal = get_deal_for_user(user, deal_id, work=True)
    order = None
    if payload.request_id is not None:
        order = OrderRequest.objects.filter(pk=payload.request_id, client=deal.client).first()
        if order is None:
            raise ValidationError({"request_id": _("The client has no such request.")})
    shipment = None
    if payload.shipment_id is not None:
        shipment = Shipment.objects.filter(pk=payload.shipment_id, client=deal.client).first()
        if shipment is None:
            raise ValidationError({"shipment_id": _("The client has no such shipment.")})
    if (deal.request_id, deal.request_link) != (payload.request_id, "confirmed"):
        deal = deal_request_link(deal=deal, request=order, by=user)
    if (deal.shipment_id, deal.shipment_link) != (payload.shipment_id, "confirmed"):
        deal = deal_shipment_link(deal=deal, shipment=shipment, by=user)
    return _deal_out(deal)
