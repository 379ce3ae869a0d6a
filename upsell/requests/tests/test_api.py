"""Order requests over the REST API: the website's call that creates one, the queues, the
hand-over; an assistant never reaches a motivated client's request."""

import pytest
from django.test import Client as HttpClient

from upsell.accounts.tokens import api_token_create
from upsell.clients.models import ClientStatus
from upsell.clients.tests.factories import ClientFactory
from upsell.requests.models import OrderRequest, OrderRequestChange, RoutingRule


def api_client(user):
    _, token = api_token_create(user=user)
    return HttpClient(headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def one_time(manager_anna, assistant_vera):
    return ClientFactory.create(
        name='ООО "Разовый"', manager=manager_anna, assistant=assistant_vera,
        status=ClientStatus.ONE_TIME,
    )  # fmt: skip


@pytest.fixture
def regular(manager_anna):
    return ClientFactory.create(
        name='ООО "Постоянный"', manager=manager_anna, status=ClientStatus.REGULAR
    )


def create(user, client, **payload):
    return api_client(user).post(
        f"/api/requests/client/{client.pk}",
        {"description": "Саморезы 4x40", **payload},
        content_type="application/json",
    )


def test_the_website_creates_a_request_that_is_routed_at_once(
    one_time, head_of_sales, assistant_vera
):
    response = create(head_of_sales, one_time, amount="1500.00", line_count=2, source="api")

    assert response.status_code == 201
    body = response.json()
    request = OrderRequest.objects.get()
    assert {key: body[key] for key in (
        "id", "amount", "line_count", "source", "status", "assignee", "routed_by_rule",
        "routing_reason",
    )} == {
        "id": request.pk,
        "amount": "1500.00",
        "line_count": 2,
        "source": "api",
        "status": "open",
        "assignee": {"id": assistant_vera.pk, "username": "vera", "full_name": "Смирнова Вера"},
        "routed_by_rule": "spontaneous",
        "routing_reason": "Spontaneous client, simple order: its assistant",
    }  # fmt: skip


def test_a_discount_beyond_the_standard_sends_it_to_the_manager(one_time, head_of_sales):
    response = create(head_of_sales, one_time, discount_percent="12.5")

    assert (response.json()["assignee"]["username"], response.json()["routed_by_rule"]) == (
        "anna",
        "discount",
    )


def test_queues_list_only_what_the_caller_may_see(
    one_time, regular, manager_anna, assistant_vera, manager_boris
):
    simple = create(manager_anna, one_time).json()["id"]
    motivated = create(manager_anna, regular).json()["id"]

    def listed(user):
        return [item["id"] for item in api_client(user).get("/api/requests").json()["items"]]

    assert listed(manager_anna) == [simple, motivated]
    assert listed(assistant_vera) == [simple]
    assert listed(manager_boris) == []
    assert api_client(assistant_vera).get(f"/api/requests/{motivated}").status_code == 404


def test_an_assistant_loses_sight_of_a_client_s_request_once_the_client_is_motivated(
    one_time, assistant_vera, manager_anna
):
    request_id = create(manager_anna, one_time).json()["id"]
    one_time.status = ClientStatus.REGULAR
    one_time.save(update_fields=["status"])

    # Even before the routing runs again, the client's request is out of the assistant's reach.
    assert api_client(assistant_vera).get(f"/api/requests/{request_id}").status_code == 404


def test_the_manager_takes_a_request_back_and_it_is_recorded(one_time, manager_anna):
    request_id = create(manager_anna, one_time).json()["id"]

    response = api_client(manager_anna).post(
        f"/api/requests/{request_id}/reassign",
        {"reason": "Сложный клиент"},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert (response.json()["assignee"]["username"], response.json()["routed_by_rule"]) == (
        "anna",
        RoutingRule.MANUAL,
    )
    assert OrderRequestChange.objects.filter(request_id=request_id).count() == 2


def test_an_assistant_cannot_hand_a_request_over(one_time, manager_anna, assistant_vera):
    request_id = create(manager_anna, one_time).json()["id"]

    response = api_client(assistant_vera).post(
        f"/api/requests/{request_id}/reassign", {}, content_type="application/json"
    )

    assert response.status_code == 403
    request = OrderRequest.objects.get(pk=request_id)
    assert (request.assignee, request.changes.count()) == (assistant_vera, 1)


def test_another_manager_s_client_is_not_found(one_time, manager_boris):
    response = create(manager_boris, one_time)

    assert response.status_code == 404
    assert OrderRequest.objects.count() == 0


def test_a_complex_request_stays_with_a_manager_through_every_hand_over(
    one_time, head_of_sales, manager_anna, manager_boris, assistant_vera
):
    # Given a spontaneous client's order above the amount threshold, taken over the API
    body = create(head_of_sales, one_time, amount="812000.00").json()
    request_url = f"/api/requests/{body['id']}/reassign"
    hos = api_client(head_of_sales)

    # When the head of sales hands it to the assistant and back, then hands the client (its
    # assistant kept) to another manager
    to_vera = hos.post(request_url, {"assignee": assistant_vera.pk, "reason": "Вера справится"},
                       content_type="application/json")  # fmt: skip
    back = hos.post(request_url, {"assignee": None}, content_type="application/json")
    handed = hos.post(
        f"/api/clients/{one_time.pk}/reassign",
        {"manager": manager_boris.pk, "assistant": assistant_vera.pk, "reason": "Отпуск Анны"},
        content_type="application/json",
    )

    # Then it went where it was sent by hand, and with its client it went to the new manager,
    # not to the assistant: it is complex for the reason it was complex when taken
    assert [to_vera.status_code, back.status_code, handed.status_code] == [200, 200, 200]
    assert [to_vera.json()["assignee"]["username"], back.json()["assignee"]["username"]] == [
        "vera",
        "anna",
    ]
    request = hos.get(f"/api/requests/{body['id']}").json()
    assert {key: request[key] for key in (
        "assignee", "routed_by_rule", "routing_reason", "complex_rule", "complex_reason",
    )} == {
        "assignee": {"id": manager_boris.pk, "username": "boris", "full_name": "Петров Борис"},
        "routed_by_rule": "manual",
        "routing_reason": "Moved with its client: Отпуск Анны",
        "complex_rule": "amount",
        "complex_reason": "Amount ₽812,000.00 is above ₽500,000.00",
    }  # fmt: skip
    assert list(
        OrderRequestChange.objects.filter(request_id=body["id"])
        .order_by("id")
        .values_list("previous__username", "new__username", "rule")
    ) == [
        (None, "anna", RoutingRule.AMOUNT),
        ("anna", "vera", RoutingRule.MANUAL),
        ("vera", "anna", RoutingRule.MANUAL),
        ("anna", "boris", RoutingRule.MANUAL),
    ]
