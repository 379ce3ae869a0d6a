import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client as HttpClient

from upsell.accounts.tokens import api_token_create
from upsell.products.tests.factories import ProductFactory
from upsell.shipments.models import Shipment, ShipmentLine


def api_client(user):
    _, token = api_token_create(user=user)
    return HttpClient(headers={"Authorization": f"Bearer {token}"})


def shipment_of(client, number, date, lines):
    """A shipment document of ``client`` with ``lines`` of (product, quantity, price)."""
    amounts = [Decimal(quantity) * Decimal(price) for _, quantity, price in lines]
    shipment = Shipment.objects.create(
        number=number,
        date=date,
        client=client,
        manager=client.manager,
        total=sum(amounts, Decimal("0.00")),
        line_count=len(lines),
        content_hash=number,
    )
    ShipmentLine.objects.bulk_create(
        ShipmentLine(
            shipment=shipment,
            line_no=line_no,
            product=product,
            quantity=Decimal(quantity),
            price=Decimal(price),
            amount=amount,
        )
        for line_no, ((product, quantity, price), amount) in enumerate(
            zip(lines, amounts, strict=True), start=1
        )
    )
    return shipment


@pytest.fixture
def bolt(db):
    return ProductFactory.create(sku="BOLT-M8", name="Болт М8")


@pytest.fixture
def nut(db):
    return ProductFactory.create(sku="NUT-M8", name="Гайка М8")


@pytest.fixture
def shipments(annas_client, boris_client, bolt, nut):
    return {
        "А-1": shipment_of(annas_client, "А-1", dt.date(2026, 1, 15), [(bolt, "10", "12.50")]),
        "А-2": shipment_of(
            annas_client, "А-2", dt.date(2026, 2, 3), [(bolt, "4", "12.50"), (nut, "1.5", "3.10")]
        ),
        "А-3": shipment_of(annas_client, "А-3", dt.date(2026, 2, 20), [(nut, "-2", "3.10")]),
        "Б-1": shipment_of(boris_client, "Б-1", dt.date(2026, 2, 10), [(bolt, "100", "12.00")]),
    }


def test_a_manager_lists_the_shipments_of_its_clients(shipments, annas_client, manager_anna):
    response = api_client(manager_anna).get("/api/shipments")

    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["page"], body["page_size"]) == (3, 1, 50)
    assert body["items"][0] == {
        "id": shipments["А-3"].pk,
        "number": "А-3",
        "date": "2026-02-20",
        "client": {"id": annas_client.pk, "name": 'ООО "Альфа"', "tax_id": annas_client.tax_id},
        "manager": {"id": manager_anna.pk, "username": "anna", "full_name": "Иванова Анна"},
        "total": "-6.20",
        "line_count": 1,
    }
    assert [(item["number"], item["total"]) for item in body["items"]] == [
        ("А-3", "-6.20"),
        ("А-2", "54.65"),
        ("А-1", "125.00"),
    ]


@pytest.mark.parametrize(
    ("query", "numbers"),
    [
        ("", ["А-3", "Б-1", "А-2", "А-1"]),
        ("date_from=2026-02-03", ["А-3", "Б-1", "А-2"]),
        ("date_to=2026-02-03", ["А-2", "А-1"]),
        ("date_from=2026-02-04&date_to=2026-02-19", ["Б-1"]),
        ("page=2&page_size=3", ["А-1"]),
    ],
)
def test_shipment_list_filters_by_date_and_pages(shipments, head_of_sales, query, numbers):
    response = api_client(head_of_sales).get(f"/api/shipments?{query}")

    assert [item["number"] for item in response.json()["items"]] == numbers


def test_shipment_list_filters_by_client(shipments, boris_client, head_of_sales):
    response = api_client(head_of_sales).get(f"/api/shipments?client_id={boris_client.pk}")

    assert [item["number"] for item in response.json()["items"]] == ["Б-1"]


def test_a_manager_asking_for_another_managers_client_gets_nothing(
    shipments, boris_client, manager_anna
):
    response = api_client(manager_anna).get(f"/api/shipments?client_id={boris_client.pk}")

    assert response.json()["count"] == 0


def test_a_shipment_shows_its_lines(shipments, annas_client, bolt, nut, assistant_vera):
    response = api_client(assistant_vera).get(f"/api/shipments/{shipments['А-2'].pk}")

    assert response.status_code == 200
    assert response.json() == {
        "id": shipments["А-2"].pk,
        "number": "А-2",
        "date": "2026-02-03",
        "client": {"id": annas_client.pk, "name": 'ООО "Альфа"', "tax_id": annas_client.tax_id},
        "manager": {"id": annas_client.manager_id, "username": "anna", "full_name": "Иванова Анна"},
        "total": "54.65",
        "line_count": 2,
        "lines": [
            {
                "line_no": 1,
                "product": {"id": bolt.pk, "sku": "BOLT-M8", "name": "Болт М8"},
                "quantity": "4.000",
                "price": "12.50",
                "amount": "50.00",
            },
            {
                "line_no": 2,
                "product": {"id": nut.pk, "sku": "NUT-M8", "name": "Гайка М8"},
                "quantity": "1.500",
                "price": "3.10",
                "amount": "4.65",
            },
        ],
    }


@pytest.mark.parametrize("persona", ["manager_anna", "assistant_vera", "admin_adam"])
def test_a_shipment_of_a_client_out_of_sight_is_not_found(shipments, persona, request):
    user = request.getfixturevalue(persona)

    response = api_client(user).get(f"/api/shipments/{shipments['Б-1'].pk}")

    assert (response.status_code, response.json()) == (404, {"detail": "Not Found"})


def test_shipments_are_read_only(shipments, head_of_sales):
    client = api_client(head_of_sales)

    created = client.post("/api/shipments", {}, content_type="application/json")
    changed = client.put(
        f"/api/shipments/{shipments['Б-1'].pk}", {}, content_type="application/json"
    )

    assert (created.status_code, changed.status_code) == (405, 405)
    assert Shipment.objects.count() == 4
