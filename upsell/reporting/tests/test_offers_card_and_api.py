"""What to offer a client, on its card and over the API: the same selector and funnel; a
manager who does not serve the client gets 404, an assistant what the card allows it."""

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from upsell.accounts.tokens import api_token_create
from upsell.offers.tests.world import AS_OF, offers_world
from upsell.reporting.offers import offers_compute

BETA_PRODUCTS = [
    {
        "rank": 1,
        "product": {"sku": "D-1", "name": "Дюбель 8×40"},
        "group": "Крепёж",
        "buyers": 4,
        "among": 5,
        "because_of": "Анкер 10×100",
        "reason": "bought by 4 of the 5 clients who buy Анкер 10×100",
    },
    {
        "rank": 2,
        "product": {"sku": "S-1", "name": "Саморез 4×50"},
        "group": "Метизы",
        "buyers": 2,
        "among": 7,
        "because_of": "",
        "reason": "bought by 2 of the 7 clients",
    },
    {
        "rank": 3,
        "product": {"sku": "T-1", "name": "Дрель ударная"},
        "group": "Инструмент",
        "buyers": 2,
        "among": 7,
        "because_of": "",
        "reason": "bought by 2 of the 7 clients",
    },
]
BETA_GROUPS = [
    {"rank": 1, "product": None, "group": "Инструмент", "buyers": 2, "among": 7,
     "because_of": "", "reason": "bought by 2 of the 7 clients"},
    {"rank": 2, "product": None, "group": "Метизы", "buyers": 2, "among": 7,
     "because_of": "", "reason": "bought by 2 of the 7 clients"},
]  # fmt: skip


@pytest.fixture
def computed(annas_client, boris_client, manager_anna):
    world = offers_world(annas_client=annas_client, boris_client=boris_client, anna=manager_anna)
    offers_compute(as_of=AS_OF)
    return world


def api_get(user, path):
    _, token = api_token_create(user=user)
    return HttpClient(headers={"Authorization": f"Bearer {token}"}).get(path)


def _without_ids(suggestions):
    return [
        s | {"product": None if s["product"] is None else {"sku": s["product"]["sku"],
                                                           "name": s["product"]["name"]}}
        for s in suggestions
    ]  # fmt: skip


def test_the_card_section_shows_products_groups_and_reasons(client, manager_boris, computed):
    client.force_login(manager_boris)

    response = client.get(reverse("offers:client_section", args=[computed.clients["beta"].pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "What to offer" in page
    assert "as of 06/30/2026" in page
    rows = [
        (s.level, s.rank, s.product.sku if s.product else None, s.group, s.reason)
        for s in response.context["suggestions"].products + response.context["suggestions"].groups
    ]
    assert rows == [
        ("products", 1, "D-1", "Крепёж", "bought by 4 of the 5 clients who buy Анкер 10×100"),
        ("products", 2, "S-1", "Метизы", "bought by 2 of the 7 clients"),
        ("products", 3, "T-1", "Инструмент", "bought by 2 of the 7 clients"),
        ("groups", 1, None, "Инструмент", "bought by 2 of the 7 clients"),
        ("groups", 2, None, "Метизы", "bought by 2 of the 7 clients"),
    ]
    assert page.count('<tr data-rank="') == 5
    assert "bought by 4 of the 5 clients who buy Анкер 10×100" in page


def test_the_card_loads_the_section(client, manager_boris, computed):
    client.force_login(manager_boris)

    response = client.get(reverse("clients:detail", args=[computed.clients["beta"].pk]))

    section = reverse("offers:client_section", args=[computed.clients["beta"].pk])
    assert f'id="client-offers" hx-get="{section}"' in response.content.decode()


def test_the_api_returns_what_the_card_shows(manager_boris, computed):
    response = api_get(manager_boris, f"/api/clients/{computed.clients['beta'].pk}/suggestions")

    assert response.status_code == 200
    body = response.json()
    assert body["as_of"] == "2026-06-30"
    assert _without_ids(body["products"]) == BETA_PRODUCTS
    assert body["products"][0]["product"]["id"] == computed.dowel.pk
    assert body["groups"] == BETA_GROUPS


def test_a_manager_who_does_not_serve_the_client_gets_404(client, manager_anna, computed):
    beta = computed.clients["beta"].pk
    client.force_login(manager_anna)

    page = client.get(reverse("offers:client_section", args=[beta]))
    api = api_get(manager_anna, f"/api/clients/{beta}/suggestions")

    assert (page.status_code, api.status_code) == (404, 404)
    assert "Дюбель" not in page.content.decode() + api.content.decode()


def test_an_assistant_sees_the_suggestions_of_the_clients_it_assists(
    client, assistant_vera, computed
):
    alpha, beta = computed.clients["alpha"].pk, computed.clients["beta"].pk
    client.force_login(assistant_vera)

    own = api_get(assistant_vera, f"/api/clients/{alpha}/suggestions")
    page = client.get(reverse("offers:client_section", args=[alpha]))
    other = api_get(assistant_vera, f"/api/clients/{beta}/suggestions")

    assert own.status_code == 200
    assert [(s["rank"], s["product"]["sku"]) for s in own.json()["products"]] == [
        (1, "S-1"), (2, "T-1")
    ]  # fmt: skip
    assert page.status_code == 200
    assert other.status_code == 404


def test_before_the_first_night_the_section_says_so(client, manager_boris, boris_client):
    client.force_login(manager_boris)

    response = client.get(reverse("offers:client_section", args=[boris_client.pk]))

    assert "No suggestions for the client yet: they are computed every night." in (
        response.content.decode()
    )


def test_the_section_reads_the_suggestions_in_a_fixed_number_of_queries(
    client, manager_boris, computed, django_assert_num_queries
):
    client.force_login(manager_boris)
    url = reverse("offers:client_section", args=[computed.clients["beta"].pk])

    # The session, the user, the client, the latest run of each level, the suggestions.
    with django_assert_num_queries(6):
        response = client.get(url)

    assert response.status_code == 200
