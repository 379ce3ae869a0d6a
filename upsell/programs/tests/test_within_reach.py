"""The client list narrows to the members whose next program tier is within reach, on the page
and over the API, and never shows a manager another manager's clients."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.test import Client as HttpClient

from upsell.accounts.tokens import api_token_create
from upsell.clients.models import Client
from upsell.clients.tests.factories import ClientFactory
from upsell.programs.models import Membership, MembershipProgress
from upsell.programs.services.memberships import memberships_enrol
from upsell.programs.tests.factories import program_running, retro_bonus_terms

pytestmark = pytest.mark.django_db


@pytest.fixture
def reach(manager_anna, manager_boris, top_manager, head_of_sales):
    """Anna's «Альфа» is within reach, her «Гамма» is not; Boris's «Бета» is within reach."""
    program = program_running(terms=retro_bonus_terms(), by=top_manager)
    clients = {
        name: ClientFactory.create(name=name, manager=manager)
        for name, manager in [
            ("Альфа", manager_anna),
            ("Гамма", manager_anna),
            ("Бета", manager_boris),
        ]
    }
    ClientFactory.create(name="Дельта", manager=manager_anna)
    memberships_enrol(
        program=program,
        client_ids=[client.pk for client in clients.values()],
        by=head_of_sales,
        today=dt.date(2026, 1, 5),
    )
    for membership in Membership.objects.select_related("client"):
        MembershipProgress.objects.create(
            membership=membership, as_of=dt.date(2026, 3, 2), purchased=Decimal("900000.00"),
            accrued=Decimal(0), expected_end=Decimal("950000.00"),
            within_reach=membership.client.name != "Гамма",
        )  # fmt: skip
    return clients


def names_on_page(response):
    return [client.name for client in response.context["page"]]


def test_the_list_narrows_to_the_next_tier_within_reach(client, reach, manager_anna, head_of_sales):
    client.force_login(head_of_sales)
    assert names_on_page(client.get("/clients/?within_reach=on")) == ["Альфа", "Бета"]
    client.force_login(manager_anna)
    assert names_on_page(client.get("/clients/?within_reach=on")) == ["Альфа"]
    assert names_on_page(client.get("/clients/")) == ["Альфа", "Гамма", "Дельта"]


def test_the_api_narrows_the_same_way(reach, manager_boris):
    _, token = api_token_create(user=manager_boris)
    api = HttpClient(headers={"Authorization": f"Bearer {token}"})
    response = api.get("/api/clients", {"next_tier_within_reach": "true"})
    assert [item["name"] for item in response.json()["items"]] == ["Бета"]


def test_the_forecast_grid_row_shows_the_lever_within_reach(client, reach, manager_anna):
    MembershipProgress.objects.filter(membership__client__name="Альфа").update(
        tier_threshold=None, next_threshold=Decimal("1000000.00"),
        next_rate=Decimal("2.00"), missing=Decimal("100000.00"),
    )  # fmt: skip
    Client.objects.filter(name__in=["Альфа", "Гамма"]).update(status="regular")
    client.force_login(manager_anna)
    with time_machine.travel(dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC)):
        page = client.get("/forecasts/?year=2026").content.decode()
    assert page.count('class="lever"') == 1
    assert (
        '<div class="lever">₽100,000.00 more by 31 March 2026 reaches the 2\xa0% retro-bonus.</div>'
        in page
    )
