"""The complex-order rules over the REST API: read as on their page by the head of sales and
top management, set by the head of sales alone, and the next requests routed by them."""

import pytest
from django.test import Client as HttpClient

from upsell.accounts.tokens import api_token_create
from upsell.clients.models import ClientStatus
from upsell.clients.tests.factories import ClientFactory
from upsell.requests.models import ComplexOrderRules
from upsell.requests.selectors import ComplexRules, complex_rules_current

DEFAULTS = {
    "amount_above": "500000.00",
    "lines_above": 20,
    "product_groups": [],
    "standard_discount_percent": "5.00",
    "standard_payment_delay_days": 30,
    "overdue_debt": True,
}
NEW_RULES = {
    "amount_above": "250000",
    "lines_above": None,
    "product_groups": [" Кабель ", "Арматура", "Кабель"],
    "standard_discount_percent": "7.5",
    "standard_payment_delay_days": 45,
    "overdue_debt": False,
}


def api_client(user):
    _, token = api_token_create(user=user)
    return HttpClient(headers={"Authorization": f"Bearer {token}"})


def put_rules(user, payload):
    return api_client(user).put("/api/requests/rules", payload, content_type="application/json")


@pytest.mark.parametrize("persona", ["head_of_sales", "top_manager"])
def test_the_rules_in_force_are_read_as_on_their_page(request, persona):
    response = api_client(request.getfixturevalue(persona)).get("/api/requests/rules")

    assert (response.status_code, response.json()) == (200, DEFAULTS)


def test_the_head_of_sales_sets_the_rules(head_of_sales):
    response = put_rules(head_of_sales, NEW_RULES)

    assert response.status_code == 200
    assert response.json() == {
        "amount_above": "250000.00",
        "lines_above": None,
        "product_groups": ["Арматура", "Кабель"],
        "standard_discount_percent": "7.50",
        "standard_payment_delay_days": 45,
        "overdue_debt": False,
    }
    assert api_client(head_of_sales).get("/api/requests/rules").json() == response.json()
    assert ComplexOrderRules.objects.get().changed_by == head_of_sales


def test_the_next_request_is_routed_by_the_new_rules(head_of_sales, manager_anna, assistant_vera):
    one_time = ClientFactory.create(
        manager=manager_anna, assistant=assistant_vera, status=ClientStatus.ONE_TIME
    )
    put_rules(head_of_sales, NEW_RULES)

    response = api_client(head_of_sales).post(
        f"/api/requests/client/{one_time.pk}",
        {"description": "Кабель ВВГ", "amount": "300000.00"},
        content_type="application/json",
    )

    body = response.json()
    assert (body["assignee"]["username"], body["routed_by_rule"], body["routing_reason"]) == (
        "anna",
        "amount",
        "Amount ₽300,000.00 is above ₽250,000.00",
    )


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (
            {"standard_discount_percent": "120"},
            {"loc": ["body", "payload", "standard_discount_percent"],
             "msg": "Input should be less than or equal to 100", "type": "less_than_equal"},
        ),
        (
            {"amount_above": "-1"},
            {"loc": ["body", "payload", "amount_above"],
             "msg": "Input should be greater than or equal to 0", "type": "greater_than_equal"},
        ),
        (
            {"lines_above": -3},
            {"loc": ["body", "payload", "lines_above"],
             "msg": "Input should be greater than or equal to 0", "type": "greater_than_equal"},
        ),
        (
            {"standard_payment_delay_days": 4000},
            {"loc": ["body", "payload", "standard_payment_delay_days"],
             "msg": "Input should be less than or equal to 3650", "type": "less_than_equal"},
        ),
        (
            {"product_groups": ["Кабель", "x" * 201]},
            {"loc": ["body", "payload", "product_groups", 1],
             "msg": "String should have at most 200 characters", "type": "string_too_long"},
        ),
    ],
)  # fmt: skip
def test_a_bad_rule_is_refused_by_its_field_and_nothing_changes(head_of_sales, change, error):
    response = put_rules(head_of_sales, NEW_RULES | change)

    assert response.status_code == 422
    assert [
        {key: detail[key] for key in ("loc", "msg", "type")} for detail in response.json()["detail"]
    ] == [error]
    assert ComplexOrderRules.objects.count() == 0


def test_every_rule_is_sent_so_none_is_reset_unseen(head_of_sales):
    partial = {key: value for key, value in NEW_RULES.items() if key != "overdue_debt"}

    response = put_rules(head_of_sales, partial)

    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [
        ["body", "payload", "overdue_debt"]
    ]
    assert ComplexOrderRules.objects.count() == 0


@pytest.mark.parametrize("persona", ["manager_anna", "assistant_vera", "admin_adam"])
def test_managers_assistants_and_the_administrator_do_not_see_the_rules(request, persona):
    response = api_client(request.getfixturevalue(persona)).get("/api/requests/rules")

    assert (response.status_code, response.json()) == (
        403,
        {"detail": "Only the head of sales and top management see the rules."},
    )


@pytest.mark.parametrize("persona", ["top_manager", "manager_anna", "assistant_vera"])
def test_only_the_head_of_sales_changes_the_rules(request, persona):
    response = put_rules(request.getfixturevalue(persona), NEW_RULES)

    assert (response.status_code, response.json()) == (
        403,
        {"detail": "Only the head of sales changes the rules."},
    )
    assert ComplexOrderRules.objects.count() == 0
    assert complex_rules_current() == ComplexRules()
