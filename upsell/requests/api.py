"""Order requests over the REST API: the same services and access funnel as the screens."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status

from upsell.accounts.http import authenticated_user, users_by_id
from upsell.accounts.schemas import ObjectId, PageParams, error_responses
from upsell.clients.access import get_client_for_user
from upsell.history.models import ChangeSource
from upsell.requests.access import (
    can_change_complex_rules,
    can_create_requests,
    can_reassign_request,
    can_view_complex_rules,
    can_work_on_request,
    get_request_for_user,
)
from upsell.requests.lines import RequestLineDetails
from upsell.requests.models import ComplexOrderRules, OrderRequest
from upsell.requests.schemas import (
    ComplexRulesIn,
    ComplexRulesOut,
    OrderRequestDetailOut,
    OrderRequestIn,
    OrderRequestOut,
    OrderRequestPage,
    QueueQuery,
    RequestReassignIn,
    RequestStatusIn,
)
from upsell.requests.selectors import ComplexRules, complex_rules_current, request_queue
from upsell.requests.services import (
    RequestDetails,
    complex_rules_update,
    order_request_create,
    order_request_reassign,
    order_request_status_set,
)

router = Router(tags=["requests"])


@router.get("", response={200: OrderRequestPage, **error_responses(401, 422)})
def list_order_requests(
    request: HttpRequest, query: Query[QueueQuery], page: Query[PageParams]
) -> dict[str, Any]:
    """The waiting requests the caller may see, oldest first: its queue, or one person's."""
    user = authenticated_user(request)
    return page.page_of(request_queue(user=user, assignee_id=query.assignee_id))


# Before "/{request_id}", which would otherwise take "rules" for an id.
@router.get("/rules", response={200: ComplexRulesOut, **error_responses(401, 403)})
def get_complex_rules(request: HttpRequest) -> ComplexRules:
    """The complex-order rules in force (the head of sales and top management)."""
    if not can_view_complex_rules(authenticated_user(request)):
        raise PermissionDenied(_("Only the head of sales and top management see the rules."))
    return complex_rules_current()


@router.put("/rules", response={200: ComplexRulesOut, **error_responses(400, 401, 403, 422)})
def update_complex_rules(request: HttpRequest, payload: ComplexRulesIn) -> ComplexOrderRules:
    """Put new complex-order rules in force (the head of sales only); they route the next
    requests, those already routed stay where they are."""
    user = authenticated_user(request)
    if not can_change_complex_rules(user):
        raise PermissionDenied(_("Only the head of sales changes the rules."))
    rules = ComplexRules(
        amount_above=payload.amount_above,
        lines_above=payload.lines_above,
        product_groups=tuple(payload.product_groups),
        standard_discount_percent=payload.standard_discount_percent,
        standard_payment_delay_days=payload.standard_payment_delay_days,
        overdue_debt=payload.overdue_debt,
    )
    return complex_rules_update(rules=rules, changed_by=user, source=ChangeSource.API)


@router.get(
    "/{request_id}", response={200: OrderRequestDetailOut, **error_responses(401, 404, 422)}
)
def get_order_request(request: HttpRequest, request_id: Path[ObjectId]) -> OrderRequest:
    return get_request_for_user(authenticated_user(request), request_id)


@router.post(
    "/client/{client_id}",
    response={201: OrderRequestDetailOut, **error_responses(400, 401, 403, 404, 422)},
)
def create_order_request(
    request: HttpRequest, client_id: Path[ObjectId], payload: OrderRequestIn
) -> Status[OrderRequest]:
    """Take a request of the client (the website, a mail robot), with its lines if it has
    them; it is routed at once. A client's order number is taken once: sent again, it is
    refused (422), not doubled."""
    user = authenticated_user(request)
    client = get_client_for_user(user, client_id)
    if not can_create_requests(user):
        raise PermissionDenied(_("Your role does not take requests."))
    details = RequestDetails(
        number=payload.number,
        ordered_on=payload.ordered_on,
        description=payload.description,
        amount=payload.amount,
        line_count=payload.line_count,
        product_groups=tuple(payload.product_groups),
        discount_percent=payload.discount_percent,
        payment_delay_days=payload.payment_delay_days,
        lines=tuple(RequestLineDetails(**line.model_dump()) for line in payload.lines),
    )
    created = order_request_create(
        client=client, details=details, source=payload.source, created_by=user
    )
    return Status(201, created)


@router.post(
    "/{request_id}/reassign",
    response={200: OrderRequestOut, **error_responses(400, 401, 403, 404, 422)},
)
def reassign_order_request(
    request: HttpRequest, request_id: Path[ObjectId], payload: RequestReassignIn
) -> OrderRequest:
    """Hand the request to the client's assistant, or back to its manager."""
    user = authenticated_user(request)
    order_request = get_request_for_user(user, request_id)
    if not can_reassign_request(user, order_request):
        raise PermissionDenied(_("Only the head of sales or the client's manager hands it over."))
    assignee = users_by_id(assignee=payload.assignee)["assignee"]
    return order_request_reassign(
        request=order_request, assignee=assignee, changed_by=user, reason=payload.reason
    )


@router.post(
    "/{request_id}/status",
    response={200: OrderRequestOut, **error_responses(400, 401, 403, 404, 422)},
)
def set_order_request_status(
    request: HttpRequest, request_id: Path[ObjectId], payload: RequestStatusIn
) -> OrderRequest:
    """Take the request into work, put it back in the queue, finish or cancel it (its assignee,
    the client's manager or the head of sales). Cancelling needs a reason; without one nothing
    changes (400)."""
    user = authenticated_user(request)
    order_request = get_request_for_user(user, request_id)
    if not can_work_on_request(user, order_request):
        raise PermissionDenied(_("Only its assignee, the client's manager or the head of sales."))
    return order_request_status_set(
        request=order_request, status=payload.status, changed_by=user, reason=payload.reason
    )
