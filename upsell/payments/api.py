"""Payments over the REST API, read only: they come from the ERP through imports."""

from typing import Any

from django.http import HttpRequest
from ninja import Path, Query, Router

from upsell.accounts.http import authenticated_user
from upsell.accounts.schemas import ObjectId, PageParams, error_responses
from upsell.payments.access import get_payment_for_user
from upsell.payments.models import Payment
from upsell.payments.schemas import PaymentOut, PaymentPage, PaymentQuery
from upsell.payments.selectors import PaymentFilters, payment_list

router = Router(tags=["payments"])


@router.get("", response={200: PaymentPage, **error_responses(401, 422)})
def list_payments(
    request: HttpRequest, filters: Query[PaymentQuery], page: Query[PageParams]
) -> dict[str, Any]:
    """Payments of the clients the caller may see, newest first."""
    payments = payment_list(
        user=authenticated_user(request), filters=PaymentFilters(**filters.model_dump())
    )
    return page.page_of(payments)


@router.get("/{payment_id}", response={200: PaymentOut, **error_responses(401, 404, 422)})
def get_payment(request: HttpRequest, payment_id: Path[ObjectId]) -> Payment:
    return get_payment_for_user(authenticated_user(request), payment_id)
