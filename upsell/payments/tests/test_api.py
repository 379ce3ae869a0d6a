import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client as HttpClient

from upsell.accounts.tokens import api_token_create
from upsell.payments.models import Payment


def api_client(user):
    _, token = api_token_create(user=user)
    return HttpClient(headers={"Authorization": f"Bearer {token}"})


def payment_of(client, date, amount, *, number="", due_date=None):
    return Payment.objects.create(
        client=client,
        date=date,
        amount=Decimal(amount),
        number=number,
        due_date=due_date,
        natural_key=f"{client.pk}:{date}:{amount}:{number}",
    )


@pytest.fixture
def payments(annas_client, boris_client):
    return {
        "П-1": payment_of(annas_client, dt.date(2026, 1, 20), "125000.00", number="П-1",
                          due_date=dt.date(2026, 1, 31)),
        "П-2": payment_of(annas_client, dt.date(2026, 2, 5), "-1500.5", number="П-2"),
        "П-3": payment_of(boris_client, dt.date(2026, 2, 1), "99.99", number="П-3"),
    }  # fmt: skip


def test_a_manager_lists_the_payments_of_its_clients(payments, annas_client, manager_anna):
    response = api_client(manager_anna).get("/api/payments")

    assert response.status_code == 200
    client_ref = {"id": annas_client.pk, "name": 'ООО "Альфа"', "tax_id": annas_client.tax_id}
    assert response.json() == {
        "count": 2,
        "page": 1,
        "page_size": 50,
        "items": [
            {
                "id": payments["П-2"].pk,
                "date": "2026-02-05",
                "client": client_ref,
                "amount": "-1500.50",
                "due_date": None,
                "number": "П-2",
            },
            {
                "id": payments["П-1"].pk,
                "date": "2026-01-20",
                "client": client_ref,
                "amount": "125000.00",
                "due_date": "2026-01-31",
                "number": "П-1",
            },
        ],
    }


@pytest.mark.parametrize(
    ("query", "numbers"),
    [
        ("", ["П-2", "П-3", "П-1"]),
        ("date_from=2026-02-01", ["П-2", "П-3"]),
        ("date_to=2026-02-01", ["П-3", "П-1"]),
        ("page=2&page_size=2", ["П-1"]),
    ],
)
def test_payment_list_filters_by_date_and_pages(payments, top_manager, query, numbers):
    response = api_client(top_manager).get(f"/api/payments?{query}")

    assert [item["number"] for item in response.json()["items"]] == numbers


def test_payment_list_filters_by_client(payments, boris_client, head_of_sales):
    response = api_client(head_of_sales).get(f"/api/payments?client_id={boris_client.pk}")

    assert [item["number"] for item in response.json()["items"]] == ["П-3"]


def test_get_payment(payments, boris_client, manager_boris):
    response = api_client(manager_boris).get(f"/api/payments/{payments['П-3'].pk}")

    assert response.json() == {
        "id": payments["П-3"].pk,
        "date": "2026-02-01",
        "client": {"id": boris_client.pk, "name": 'ООО "Бета"', "tax_id": boris_client.tax_id},
        "amount": "99.99",
        "due_date": None,
        "number": "П-3",
    }


@pytest.mark.parametrize("persona", ["manager_anna", "assistant_vera", "admin_adam"])
def test_a_payment_of_a_client_out_of_sight_is_not_found(payments, persona, request):
    user = request.getfixturevalue(persona)

    response = api_client(user).get(f"/api/payments/{payments['П-3'].pk}")

    assert (response.status_code, response.json()) == (404, {"detail": "Not Found"})


def test_payments_are_read_only(payments, head_of_sales):
    response = api_client(head_of_sales).post("/api/payments", {}, content_type="application/json")

    assert response.status_code == 405
    assert Payment.objects.count() == 3
