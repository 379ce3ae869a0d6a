"""The API's OpenAPI schema is valid, and the API keeps to it whatever a caller sends.

Schemathesis generates requests from the schema (property-based, a bounded number per
operation) and sends them through the Django WSGI application with the bearer token of the head
of sales and of a manager: no answer may be a server error, and every answer must have a status,
a content type and a body the schema documents for that operation.
"""

import datetime as dt
import re
from decimal import Decimal

import jsonschema_rs
import pytest
import schemathesis
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.staticfiles import finders
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from upsell.accounts.tokens import api_token_create
from upsell.clients.tests.factories import ClientFactory
from upsell.config.api import api
from upsell.config.wsgi import application
from upsell.imports.models import ImportRun
from upsell.payments.models import Payment
from upsell.products.tests.factories import ProductFactory
from upsell.programs.models import MembershipProgress
from upsell.programs.services.memberships import memberships_enrol
from upsell.programs.tests.factories import credit_line_terms, program_running
from upsell.shipments.models import Shipment, ShipmentLine

# The fuzzing phase only, a bounded number of examples per operation: the coverage phase would
# add hundreds of boundary cases per operation and take minutes.
schema = schemathesis.openapi.from_wsgi(
    "/api/openapi.json",
    application,
    config=schemathesis.Config.from_dict({"phases": {"coverage": {"enabled": False}}}),
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def test_the_schema_is_a_valid_openapi_document():
    schema.validate()
    assert schema.raw_schema["openapi"].startswith("3.1")


def test_every_component_is_a_valid_json_schema():
    components = schema.raw_schema["components"]["schemas"]

    invalid = {
        name: component
        for name, component in components.items()
        if not jsonschema_rs.meta.is_valid(component)
    }

    assert invalid == {}


def test_every_operation_documents_its_refusals():
    for path, methods in schema.raw_schema["paths"].items():
        for method, operation in methods.items():
            refusals = {"401"}
            if operation["parameters"] or "requestBody" in operation:
                refusals.add("422")
            if "requestBody" in operation:
                refusals.add("400")
            assert refusals <= set(operation["responses"]), f"{method} {path}"


def test_the_docs_page_is_served_only_where_its_assets_are_local():
    assert (api.docs_url is not None) == ("ninja" in settings.INSTALLED_APPS)


def test_the_docs_page_takes_swagger_ui_from_the_ninja_wheel(rf):
    request = rf.get("/api/docs")
    request.user = AnonymousUser()

    page = api.docs.render_page(request, api).content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)

    assert sorted(assets) == [
        "/static/ninja/favicon.png",
        "/static/ninja/favicon.svg",
        "/static/ninja/swagger-ui-bundle.js",
        "/static/ninja/swagger-ui-init.js",
        "/static/ninja/swagger-ui.css",
    ]
    assert all(finders.find(asset.removeprefix(settings.STATIC_URL)) for asset in assets)
    assert "http" not in page.replace("http://testserver", "")


@pytest.fixture
def company(manager_anna, manager_boris, assistant_vera, head_of_sales, top_manager):
    """A few of everything, with small ids, so generated ids often find something."""
    product = ProductFactory.create(sku="BOLT-M8", name="Болт М8")
    clients = [
        ClientFactory.create(manager=manager_anna, assistant=assistant_vera),
        ClientFactory.create(manager=manager_boris, annual_budget=Decimal("1e6"), budget_year=2026),
    ]
    for number, client in enumerate(clients, start=1):
        shipment = Shipment.objects.create(
            number=str(number),
            date=dt.date(2026, 1, number),
            client=client,
            manager=client.manager,
            total=Decimal("-12.50"),
            line_count=1,
            content_hash=str(number),
        )
        ShipmentLine.objects.create(
            shipment=shipment,
            line_no=1,
            product=product,
            quantity=Decimal("-1.5"),
            price=Decimal("8.33"),
            amount=Decimal("-12.50"),
        )
        Payment.objects.create(
            date=dt.date(2026, 2, number),
            client=client,
            amount=Decimal("99.99"),
            due_date=dt.date(2026, 3, 1),
            natural_key=str(number),
        )
    program = program_running(terms=credit_line_terms(), by=top_manager)
    memberships_enrol(
        program=program, client_ids=[clients[0].pk], by=head_of_sales, today=dt.date(2026, 1, 15)
    )
    MembershipProgress.objects.create(
        membership=program.memberships.get(),
        as_of=dt.date(2026, 2, 1),
        purchased=Decimal("-12.50"),
        accrued=Decimal(0),
        expected_end=Decimal(0),
        exposure=Decimal(0),
        available=Decimal("500000.00"),
    )
    ImportRun.objects.create(
        file_name="clients.csv",
        kind="clients",
        imported_by=head_of_sales,
        errors=[{"row": None, "column": "", "message": "Пустой файл"}],
        error_count=1,
        counts={"clients": {"created": 0, "updated": 0, "unchanged": 0}},
    )


@pytest.fixture
def connections_kept_open():
    """Keep the test's database transaction open across requests, as Django's test client does:
    through the bare WSGI application each request would close the connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(params=["head_of_sales", "manager_anna"])
def bearer(request, company, connections_kept_open):
    _, token = api_token_create(user=request.getfixturevalue(request.param))
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.django_db
@schema.parametrize()
@hypothesis_settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_keeps_to_its_schema(case, bearer):
    case.call_and_validate(headers=bearer, checks=CHECKS)
