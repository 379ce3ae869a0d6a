"""The product catalogue over the REST API: everyone signed in reads it, few change it."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status

from upsell.accounts.http import authenticated_user
from upsell.accounts.models import User
from upsell.accounts.schemas import ObjectId, PageParams, error_responses
from upsell.products.access import can_change_products, can_view_products
from upsell.products.models import Product
from upsell.products.schemas import ProductIn, ProductOut, ProductPage, ProductQuery
from upsell.products.services import product_create, product_update

router = Router(tags=["products"])


def _product_for_user(user: User, product_id: int, *, write: bool = False) -> Product:
    if not can_view_products(user):
        raise PermissionDenied(_("Your role does not see products."))
    try:
        product = Product.objects.get(pk=product_id)
    except Product.DoesNotExist:
        raise Http404("No such product") from None
    if write and not can_change_products(user):
        raise PermissionDenied(_("Your role does not change products."))
    return product


@router.get("", response={200: ProductPage, **error_responses(401, 403, 422)})
def list_products(
    request: HttpRequest, filters: Query[ProductQuery], page: Query[PageParams]
) -> dict[str, Any]:
    """The catalogue by SKU, narrowed by a search and a group."""
    if not can_view_products(authenticated_user(request)):
        raise PermissionDenied(_("Your role does not see products."))
    products = Product.objects.order_by("sku")
    search = filters.search.strip()
    if search:
        products = products.filter(Q(sku__icontains=search) | Q(name__icontains=search))
    if filters.group:
        products = products.filter(group=filters.group)
    return page.page_of(products)


@router.get("/{product_id}", response={200: ProductOut, **error_responses(401, 403, 404, 422)})
def get_product(request: HttpRequest, product_id: Path[ObjectId]) -> Product:
    return _product_for_user(authenticated_user(request), product_id)


@router.post("", response={201: ProductOut, **error_responses(400, 401, 403, 422)})
def create_product(request: HttpRequest, payload: ProductIn) -> Status[Product]:
    if not can_change_products(authenticated_user(request)):
        raise PermissionDenied(_("Your role does not change products."))
    return Status(201, product_create(**payload.model_dump()))


@router.put("/{product_id}", response={200: ProductOut, **error_responses(400, 401, 403, 404, 422)})
def update_product(request: HttpRequest, product_id: Path[ObjectId], payload: ProductIn) -> Product:
    product = _product_for_user(authenticated_user(request), product_id, write=True)
    return product_update(product=product, **payload.model_dump())
