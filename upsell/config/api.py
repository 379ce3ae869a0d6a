"""The REST API: one NinjaAPI instance, each app's router mounted under its noun.

Every operation needs a caller: a bearer token (integrations, see ``upsell token``) or the
browser's signed-in session (CSRF-checked), so a logged-in user can try the API in its docs.
Errors keep one shape: ``{"detail": "..."}``, or for invalid input (422) a list of
``{"loc": [...], "msg": ..., "type": ...}`` whether the schema or a service refused it.
"""

import math
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Swagger
from ninja.errors import Throttled
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation

from upsell.accounts.api import router as accounts_router
from upsell.accounts.tokens import BearerTokenAuth, BrowserSessionAuth
from upsell.clients.api import router as clients_router
from upsell.config.throttling import UserRateLimit
from upsell.deals.api import routers as deals_routers
from upsell.forecasts.api import router as forecasts_router
from upsell.imports.api import router as imports_router
from upsell.notifications.api import router as notifications_router
from upsell.offers.api import router as offers_router
from upsell.payments.api import router as payments_router
from upsell.portfolios.api import router as portfolios_router
from upsell.portfolios.api import workload_router
from upsell.products.api import router as products_router
from upsell.programs.api import router as programs_router
from upsell.reporting.api import router as reporting_router
from upsell.requests.api import router as requests_router
from upsell.review.api import router as review_router
from upsell.review.api import status_changes_router
from upsell.shipments.api import router as shipments_router
from upsell.today.api import routers as today_routers

SchemaKey = tuple[str | None, tuple[tuple[str, Any], ...]]


class UpsellAPI(NinjaAPI):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._schemas: dict[SchemaKey, OpenAPISchema] = {}

    def get_openapi_operation_id(self, operation: Operation) -> str:
        # Short, stable ids ("get_client") for generated clients and the permission table.
        return operation.view_func.__name__

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        # The operations are fixed once the URLs are loaded: describe them once, not on every
        # request for the schema or the docs page.
        key = (path_prefix, tuple(sorted((path_params or {}).items())))
        if key not in self._schemas:
            self._schemas[key] = super().get_openapi_schema(
                path_prefix=path_prefix, path_params=path_params
            )
        return self._schemas[key]


api = UpsellAPI(
    title="Upsell API",
    version="1",
    description=(
        "Upsell's data, under the same access rules as its pages. Integrations send "
        "`Authorization: Bearer <token>`; an administrator makes a token with "
        "`upsell token USERNAME`. Amounts are decimal strings."
    ),
    urls_namespace="api",
    auth=[BearerTokenAuth(), BrowserSessionAuth()],
    throttle=UserRateLimit(),
    # Ninja's docs page takes Swagger UI from the ninja wheel's static files when ninja is an
    # installed app, and from a CDN otherwise; nothing may come from the internet.
    docs_url="/docs" if "ninja" in settings.INSTALLED_APPS else None,
    # Swagger UI would otherwise send the schema to validator.swagger.io for a badge.
    docs=Swagger(settings={"validatorUrl": None}),
)
api.add_router("", accounts_router)
api.add_router("/clients", clients_router)
# Reassigning a client is portfolios' (it moves the client's requests and forecast too), under
# the client's path all the same.
api.add_router("/clients", portfolios_router)
# What to offer a client is the offers app's, under the client's path too.
api.add_router("/clients", offers_router)
# A client's status (the audit's, or set by hand) is reporting's, under the client's path too.
api.add_router("/clients", reporting_router)
api.add_router("/products", products_router)
api.add_router("/shipments", shipments_router)
api.add_router("/payments", payments_router)
api.add_router("/imports", imports_router)
api.add_router("/requests", requests_router)
api.add_router("/forecasts", forecasts_router)
api.add_router("/workload", workload_router)
api.add_router("/programs", programs_router)
api.add_router("/notifications", notifications_router)
api.add_router("/review", review_router)
api.add_router("/status-changes", status_changes_router)
for deals_prefix, deals_router in deals_routers:
    api.add_router(deals_prefix, deals_router)
for today_prefix, today_router in today_routers:
    api.add_router(today_prefix, today_router)


@api.exception_handler(ValidationError)
def invalid_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """A service's refusal, field by field, in the shape of Ninja's own 422 answers."""
    messages = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
    detail = [
        {
            "loc": ["body"] if field == NON_FIELD_ERRORS else ["body", field],
            "msg": message,
            "type": "invalid",
        }
        for field, field_messages in messages.items()
        for message in field_messages
    ]
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(Throttled)
def too_many_calls(request: HttpRequest, exc: Throttled) -> HttpResponse:
    response = api.create_response(request, {"detail": "Too many requests."}, status=429)
    if exc.wait is not None:
        response["Retry-After"] = str(max(1, math.ceil(exc.wait)))
    return response


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "Forbidden"}, status=403)
