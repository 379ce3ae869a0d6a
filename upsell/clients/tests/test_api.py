import datetime as dt

import pytest
import time_machine
from django.test import Client as HttpClient

from upsell.accounts.tokens import api_token_create
from upsell.clients.models import Client, ClientAssignmentChange, ClientStatus
from upsell.clients.tests.factories import ClientFactory

CREATED = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)


def api_client(user):
    _, token = api_token_create(user=user)
    return HttpClient(headers={"Authorization": f"Bearer {token}"})


def client_fields(client):
    """Every column of a client, to prove a refused request changed none of them."""
    return Client.objects.filter(pk=client.pk).values().get()


@pytest.fixture
def alpha(manager_anna, assistant_vera):
    with time_machine.travel(CREATED, tick=False):
        return ClientFactory.create(
            name='ООО "Альфа"',
            tax_id="7707083893",
            region="Москва",
            segment="Опт",
            manager=manager_anna,
            assistant=assistant_vera,
        )


def test_a_manager_lists_exactly_its_clients(alpha, boris_client, manager_anna, assistant_vera):
    response = api_client(manager_anna).get("/api/clients")

    assert response.status_code == 200
    assert response.json() == {
        "count": 1,
        "page": 1,
        "page_size": 50,
        "items": [
            {
                "id": alpha.pk,
                "name": 'ООО "Альфа"',
                "tax_id": "7707083893",
                "region": "Москва",
                "segment": "Опт",
                "manager": {"id": manager_anna.pk, "username": "anna", "full_name": "Иванова Анна"},
                "assistant": {
                    "id": assistant_vera.pk,
                    "username": "vera",
                    "full_name": "Смирнова Вера",
                },
                "is_partner": False,
                "plans_budget": False,
                "annual_budget": None,
                "budget_year": None,
                "status": None,
                "created_at": "2026-03-02T09:30:00Z",
                "updated_at": "2026-03-02T09:30:00Z",
            }
        ],
    }


def test_the_head_of_sales_lists_every_client(alpha, boris_client, head_of_sales):
    response = api_client(head_of_sales).get("/api/clients")

    assert [item["name"] for item in response.json()["items"]] == ['ООО "Альфа"', 'ООО "Бета"']


@pytest.fixture
def five_clients(manager_anna, manager_boris):
    return {
        client.name: client
        for client in [
            ClientFactory.create(name="Вектор", tax_id="7701000004", region="Тула", segment="Опт",
                                 manager=manager_anna),
            ClientFactory.create(name="Гранит", tax_id="5001000005", region="Москва",
                                 segment="Розница", manager=manager_anna),
            ClientFactory.create(name="Дельта", tax_id="7702000008", region="Москва",
                                 segment="Опт", manager=manager_boris),
            ClientFactory.create(name="Бета-Вектор", tax_id="", region="Тверь", segment="Опт",
                                 manager=manager_boris),
            ClientFactory.create(name="Азимут", tax_id="7703000001", region="Тула",
                                 segment="Розница", manager=None),
        ]
    }  # fmt: skip


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("", ["Азимут", "Бета-Вектор", "Вектор", "Гранит", "Дельта"]),
        ("search=Вектор", ["Бета-Вектор", "Вектор"]),
        ("search=770", ["Азимут", "Вектор", "Дельта"]),
        ("search=7702", ["Дельта"]),
        ("segment=Опт", ["Бета-Вектор", "Вектор", "Дельта"]),
        ("region=Тула", ["Азимут", "Вектор"]),
        ("segment=Опт&region=Москва", ["Дельта"]),
        ("sort=-name", ["Дельта", "Гранит", "Вектор", "Бета-Вектор", "Азимут"]),
        ("sort=region", ["Гранит", "Дельта", "Бета-Вектор", "Азимут", "Вектор"]),
        ("sort=tax_id", ["Бета-Вектор", "Гранит", "Вектор", "Дельта", "Азимут"]),
    ],
)
def test_client_list_filters_and_sorts(five_clients, head_of_sales, query, names):
    response = api_client(head_of_sales).get(f"/api/clients?{query}")

    assert response.status_code == 200
    assert [item["name"] for item in response.json()["items"]] == names


def test_client_list_filters_by_manager(five_clients, head_of_sales, manager_boris):
    response = api_client(head_of_sales).get(f"/api/clients?manager_id={manager_boris.pk}")

    assert [item["name"] for item in response.json()["items"]] == ["Бета-Вектор", "Дельта"]


def test_a_manager_filtering_by_another_manager_gets_nothing(
    five_clients, manager_anna, manager_boris
):
    response = api_client(manager_anna).get(f"/api/clients?manager_id={manager_boris.pk}")

    assert response.json()["count"] == 0


def test_client_list_pages(five_clients, head_of_sales):
    client = api_client(head_of_sales)

    second = client.get("/api/clients?page=2&page_size=2").json()
    beyond = client.get("/api/clients?page=4&page_size=2").json()

    assert (second["count"], second["page"], second["page_size"]) == (5, 2, 2)
    assert [item["name"] for item in second["items"]] == ["Вектор", "Гранит"]
    assert (beyond["count"], beyond["items"]) == (5, [])


@pytest.mark.parametrize(
    ("query", "loc"),
    [
        ("page=0", ["query", "page"]),
        ("page_size=501", ["query", "page_size"]),
        ("sort=password", ["query", "sort"]),
        ("manager_id=99999999999999999999", ["query", "manager_id"]),
        ("search=%00", ["query", "search"]),
    ],
)
def test_client_list_refuses_bad_parameters(head_of_sales, query, loc):
    response = api_client(head_of_sales).get(f"/api/clients?{query}")

    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [loc]


def test_client_list_takes_a_fixed_number_of_queries(
    five_clients, head_of_sales, django_assert_num_queries
):
    client = api_client(head_of_sales)
    client.get("/api/me")  # the token's last use is recorded once, not on every request

    # the token and its user; the count; the page with managers and assistants joined
    with django_assert_num_queries(3):
        response = client.get("/api/clients")

    assert response.json()["count"] == 5


def test_get_client_with_its_status(alpha, head_of_sales):
    Client.objects.filter(pk=alpha.pk).update(status=ClientStatus.REGULAR)

    response = api_client(head_of_sales).get(f"/api/clients/{alpha.pk}")

    assert response.status_code == 200
    assert (response.json()["id"], response.json()["name"], response.json()["status"]) == (
        alpha.pk,
        'ООО "Альфа"',
        "regular",
    )


@pytest.mark.parametrize("persona", ["manager_anna", "assistant_vera", "admin_adam"])
def test_a_client_out_of_sight_is_not_found(boris_client, persona, request):
    user = request.getfixturevalue(persona)

    response = api_client(user).get(f"/api/clients/{boris_client.pk}")

    assert (response.status_code, response.json()) == (404, {"detail": "Not Found"})


def test_a_manager_creates_a_client_and_becomes_its_manager(manager_anna):
    with time_machine.travel(CREATED, tick=False):
        response = api_client(manager_anna).post(
            "/api/clients",
            {
                "name": 'ООО "Гамма"',
                "tax_id": "7707083893",
                "region": "Тула",
                "segment": "Опт",
                "is_partner": True,
                "plans_budget": True,
                "annual_budget": "2500000.5",
                "budget_year": 2026,
            },
            content_type="application/json",
        )

    assert response.status_code == 201
    client = Client.objects.get()
    assert response.json() == {
        "id": client.pk,
        "name": 'ООО "Гамма"',
        "tax_id": "7707083893",
        "region": "Тула",
        "segment": "Опт",
        "manager": {"id": manager_anna.pk, "username": "anna", "full_name": "Иванова Анна"},
        "assistant": None,
        "is_partner": True,
        "plans_budget": True,
        "annual_budget": "2500000.50",
        "budget_year": 2026,
        "status": None,
        "created_at": "2026-03-02T09:30:00Z",
        "updated_at": "2026-03-02T09:30:00Z",
    }
    assert str(client.annual_budget) == "2500000.50"
    change = ClientAssignmentChange.objects.get()
    assert (change.client, change.new, change.changed_by) == (client, manager_anna, manager_anna)


def test_the_head_of_sales_creates_an_unassigned_client(head_of_sales):
    response = api_client(head_of_sales).post(
        "/api/clients", {"name": 'ООО "Гамма"'}, content_type="application/json"
    )

    assert response.status_code == 201
    assert (response.json()["manager"], response.json()["tax_id"]) == (None, "")
    assert Client.objects.get().manager is None


@pytest.mark.parametrize("persona", ["assistant_vera", "top_manager", "admin_adam"])
def test_roles_that_do_not_create_clients_are_refused(persona, request):
    user = request.getfixturevalue(persona)

    response = api_client(user).post(
        "/api/clients", {"name": 'ООО "Гамма"'}, content_type="application/json"
    )

    assert (response.status_code, response.json()) == (
        403,
        {"detail": "Your role does not create clients."},
    )
    assert Client.objects.count() == 0


def test_a_service_refusal_answers_422_field_by_field(boris_client, manager_anna):
    response = api_client(manager_anna).post(
        "/api/clients",
        {"name": " ", "tax_id": boris_client.tax_id, "annual_budget": "100"},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {"loc": ["body", "name"], "msg": "A client needs a name.", "type": "invalid"},
            {
                "loc": ["body", "tax_id"],
                "msg": f"Another client has tax id {boris_client.tax_id}.",
                "type": "invalid",
            },
            {
                "loc": ["body", "budget_year"],
                "msg": "A budget needs its year, and a year needs a budget.",
                "type": "invalid",
            },
        ]
    }
    assert list(Client.objects.all()) == [boris_client]


@pytest.mark.parametrize(
    ("payload", "loc"),
    [
        ({}, ["body", "payload", "name"]),
        ({"name": "x" * 301}, ["body", "payload", "name"]),
        ({"name": "Гамма", "annual_budget": "-1"}, ["body", "payload", "annual_budget"]),
        ({"name": "Гамма", "annual_budget": "1.234"}, ["body", "payload", "annual_budget"]),
        ({"name": "Гамма", "annual_budget": "NaN"}, ["body", "payload", "annual_budget"]),
        ({"name": "Гамма\x00"}, ["body", "payload", "name"]),
    ],
)
def test_a_malformed_client_answers_422_and_creates_nothing(manager_anna, payload, loc):
    response = api_client(manager_anna).post(
        "/api/clients", payload, content_type="application/json"
    )

    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [loc]
    assert Client.objects.count() == 0


def test_a_manager_updates_its_client(alpha, manager_anna):
    response = api_client(manager_anna).put(
        f"/api/clients/{alpha.pk}",
        {"name": "ООО «Альфа-Плюс»", "tax_id": "7707083893", "region": "Тула"},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert (response.json()["name"], response.json()["region"], response.json()["segment"]) == (
        "ООО «Альфа-Плюс»",
        "Тула",
        "",
    )
    alpha.refresh_from_db()
    assert (alpha.name, alpha.region, alpha.segment, alpha.manager) == (
        "ООО «Альфа-Плюс»",
        "Тула",
        "",
        manager_anna,
    )


def test_the_head_of_sales_updates_any_client(boris_client, head_of_sales):
    response = api_client(head_of_sales).put(
        f"/api/clients/{boris_client.pk}", {"name": "Бета-2"}, content_type="application/json"
    )

    assert response.status_code == 200
    boris_client.refresh_from_db()
    assert boris_client.name == "Бета-2"


@pytest.mark.parametrize(
    ("persona", "status"),
    [("manager_anna", 404), ("assistant_vera", 404), ("admin_adam", 404), ("top_manager", 403)],
)
def test_an_update_of_a_client_one_may_not_change_is_refused(
    boris_client, persona, status, request
):
    user = request.getfixturevalue(persona)
    before = client_fields(boris_client)

    response = api_client(user).put(
        f"/api/clients/{boris_client.pk}", {"name": "Чужой"}, content_type="application/json"
    )

    assert response.status_code == status
    assert client_fields(boris_client) == before


def test_a_refused_update_changes_nothing(alpha, manager_anna):
    before = client_fields(alpha)

    response = api_client(manager_anna).put(
        f"/api/clients/{alpha.pk}",
        {"name": "Альфа", "tax_id": "7707083894"},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "loc": ["body", "tax_id"],
            "msg": "Tax id 7707083894: wrong check digit.",
            "type": "invalid",
        }
    ]
    assert client_fields(alpha) == before
