"""Every date the product takes lies in a sensible span: an audit or a forecast looks back from
a day that has come, a forecast or a plan is for this year or the next, an order is dated in
this century and not years ahead. A date outside is refused, naming its field, and nothing is
written."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client as HttpClient
from django.urls import reverse

from upsell.accounts.tokens import api_token_create
from upsell.clients.models import ClientStatus, ClientStatusOverride
from upsell.clients.services import ClientDetails, client_status_override_set, client_update
from upsell.clients.tests.factories import ClientFactory
from upsell.forecasts.models import ForecastCell, SalesPlan
from upsell.forecasts.services import sales_plan_set
from upsell.history.models import ChangeSource
from upsell.reporting.models import AuditRun, ForecastRun
from upsell.reporting.services import audit_run_create, forecast_run_create
from upsell.requests.models import OrderRequest

TODAY = dt.date(2026, 3, 10)
SPAN = "Give a date from 01/01/2000 to {latest}."


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC), tick=False):
        yield


def _api(user) -> HttpClient:
    _, token = api_token_create(user=user)
    return HttpClient(headers={"Authorization": f"Bearer {token}"})


@pytest.mark.parametrize(
    "as_of", [dt.date(1900, 1, 1), dt.date(9999, 12, 31), dt.date(2026, 3, 11)]
)
def test_an_audit_or_a_forecast_as_of_a_day_out_of_the_span_is_refused(db, as_of):
    for create in (audit_run_create, forecast_run_create):
        options = {"engine": "duckdb"} if create is audit_run_create else {"model": "auto"}
        with pytest.raises(ValidationError) as refused:
            create(as_of=as_of, started_by=None, enqueue=False, **options)
        assert refused.value.message_dict == {"as_of": [SPAN.format(latest="03/10/2026")]}
    assert (AuditRun.objects.count(), ForecastRun.objects.count()) == (0, 0)


def test_the_audit_page_and_command_name_the_span(head_of_sales):
    http = HttpClient()
    http.force_login(head_of_sales)

    response = http.post(
        reverse("audit:start"), {"as_of": "1900-01-01", "engine": "duckdb"}, follow=True
    )

    assert SPAN.format(latest="03/10/2026") in [str(m) for m in response.context["messages"]]
    with pytest.raises(CommandError, match="Give a date from 01/01/2000 to 03/10/2026"):
        call_command("audit", "--as-of", "9999-12-31")
    assert AuditRun.objects.count() == 0


def test_a_forecast_or_a_plan_for_2100_is_refused(manager_anna, head_of_sales):
    client = ClientFactory.create(manager=manager_anna, status=ClientStatus.REGULAR)

    response = _api(manager_anna).put(
        f"/api/forecasts/clients/{client.pk}/cells",
        {"month": "2100-01-01", "amount": "100.00", "confidence": "commit", "version": 0},
        content_type="application/json",
    )
    with pytest.raises(ValidationError) as refused:
        sales_plan_set(
            manager=manager_anna,
            month=dt.date(2100, 1, 1),
            amount=Decimal(1),
            set_by=head_of_sales,
            source=ChangeSource.SCREEN,
        )

    assert response.status_code == 422
    assert refused.value.message_dict == {"month": [SPAN.format(latest="03/10/2028")]}
    assert (ForecastCell.objects.count(), SalesPlan.objects.count()) == (0, 0)


@pytest.mark.parametrize("ordered_on", ["0001-01-01", "1999-12-31", "2027-03-11"])
def test_a_request_dated_out_of_the_span_is_refused(head_of_sales, manager_anna, ordered_on):
    client = ClientFactory.create(manager=manager_anna)

    response = _api(head_of_sales).post(
        f"/api/requests/client/{client.pk}",
        {"description": "Болты", "ordered_on": ordered_on},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert "Give a date from 01/01/2000 to 03/10/2027." in response.content.decode()
    assert OrderRequest.objects.count() == 0


def test_a_budget_year_and_an_override_far_off_are_refused(annas_client, head_of_sales):
    with pytest.raises(ValidationError) as budget:
        client_update(
            client=annas_client,
            details=ClientDetails(
                name=annas_client.name, annual_budget=Decimal(1000), budget_year=2100
            ),
            changed_by=head_of_sales,
            source=ChangeSource.SCREEN,
        )
    with pytest.raises(ValidationError) as override:
        client_status_override_set(
            client=annas_client, status=ClientStatus.VIP, reason="Договор",
            expires_on=dt.date(2100, 1, 1), set_by=head_of_sales, today=TODAY,
        )  # fmt: skip

    assert budget.value.message_dict == {"budget_year": ["Give a year from 2000 to 2031."]}
    assert override.value.message_dict == {"expires_on": [SPAN.format(latest="03/10/2036")]}
    annas_client.refresh_from_db()
    assert annas_client.budget_year is None
    assert ClientStatusOverride.objects.count() == 0
