import pytest
from django.test import Client as HttpClient

from upsell.accounts.tokens import api_token_create
from upsell.products.models import Product
from upsell.products.tests.factories import ProductFactory


def api_client(user):
    _, token = api_token_create(user=user)
    return HttpClient(headers={"Authorization": f"Bearer {token}"})


def catalogue():
    return list(Product.objects.order_by("pk").values())


@pytest.fixture
def products(db):
    return [
        ProductFactory.create(sku="BOLT-M8", name="Болт М8", group="Крепёж", unit="шт"),
        ProductFactory.create(sku="NUT-M8", name="Гайка М8", group="Крепёж", unit="шт"),
        ProductFactory.create(sku="PAINT-W", name="Краска белая", group="Краски", unit="л"),
    ]


@pytest.mark.parametrize(
    "persona",
    ["manager_anna", "assistant_vera", "head_of_sales", "top_manager", "admin_adam"],
)
def test_everyone_signed_in_reads_the_catalogue(products, persona, request):
    user = request.getfixturevalue(persona)

    response = api_client(user).get("/api/products")

    assert response.status_code == 200
    assert response.json() == {
        "count": 3,
        "page": 1,
        "page_size": 50,
        "items": [
            {"id": products[0].pk, "sku": "BOLT-M8", "name": "Болт М8", "group": "Крепёж",
             "unit": "шт"},
            {"id": products[1].pk, "sku": "NUT-M8", "name": "Гайка М8", "group": "Крепёж",
             "unit": "шт"},
            {"id": products[2].pk, "sku": "PAINT-W", "name": "Краска белая", "group": "Краски",
             "unit": "л"},
        ],
    }  # fmt: skip


@pytest.mark.parametrize(
    ("query", "skus"),
    [
        ("search=M8", ["BOLT-M8", "NUT-M8"]),
        ("search=Краска", ["PAINT-W"]),
        ("search=nut", ["NUT-M8"]),
        ("group=Крепёж", ["BOLT-M8", "NUT-M8"]),
        ("group=Краски&search=M8", []),
        ("page=2&page_size=2", ["PAINT-W"]),
    ],
)
def test_product_list_filters_and_pages(products, manager_anna, query, skus):
    response = api_client(manager_anna).get(f"/api/products?{query}")

    assert response.status_code == 200
    assert [item["sku"] for item in response.json()["items"]] == skus


def test_get_product(products, manager_anna):
    response = api_client(manager_anna).get(f"/api/products/{products[2].pk}")

    assert response.json() == {
        "id": products[2].pk,
        "sku": "PAINT-W",
        "name": "Краска белая",
        "group": "Краски",
        "unit": "л",
    }


def test_an_unknown_product_is_not_found(products, manager_anna):
    response = api_client(manager_anna).get("/api/products/987654")

    assert (response.status_code, response.json()) == (404, {"detail": "Not Found"})


@pytest.mark.parametrize("persona", ["head_of_sales", "admin_adam"])
def test_the_head_of_sales_and_the_admin_add_products(persona, request):
    user = request.getfixturevalue(persona)

    response = api_client(user).post(
        "/api/products",
        {"sku": "BOLT-M10", "name": "Болт М10", "group": "Крепёж"},
        content_type="application/json",
    )

    assert response.status_code == 201
    product = Product.objects.get()
    assert response.json() == {
        "id": product.pk,
        "sku": "BOLT-M10",
        "name": "Болт М10",
        "group": "Крепёж",
        "unit": "",
    }


@pytest.mark.parametrize("persona", ["manager_anna", "assistant_vera", "top_manager"])
def test_sales_staff_do_not_change_the_catalogue(products, persona, request):
    user = request.getfixturevalue(persona)
    client = api_client(user)
    before = catalogue()

    created = client.post(
        "/api/products", {"sku": "X-1", "name": "Чужой"}, content_type="application/json"
    )
    updated = client.put(
        f"/api/products/{products[0].pk}",
        {"sku": "BOLT-M8", "name": "Чужой"},
        content_type="application/json",
    )

    assert (created.status_code, created.json()) == (
        403,
        {"detail": "Your role does not change products."},
    )
    assert updated.status_code == 403
    assert catalogue() == before


def test_the_head_of_sales_updates_a_product(products, head_of_sales):
    response = api_client(head_of_sales).put(
        f"/api/products/{products[0].pk}",
        {"sku": "BOLT-M8", "name": "Болт М8 оцинкованный", "group": "Крепёж", "unit": "кг"},
        content_type="application/json",
    )

    assert response.status_code == 200
    products[0].refresh_from_db()
    assert (products[0].name, products[0].unit) == ("Болт М8 оцинкованный", "кг")


def test_a_taken_sku_is_refused_and_nothing_changes(products, head_of_sales):
    before = catalogue()

    response = api_client(head_of_sales).put(
        f"/api/products/{products[0].pk}",
        {"sku": "NUT-M8", "name": ""},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"loc": ["body", "sku"], "msg": "Another product has SKU NUT-M8.", "type": "invalid"},
        {"loc": ["body", "name"], "msg": "A product needs a name.", "type": "invalid"},
    ]
    assert catalogue() == before


def test_a_sku_longer_than_its_column_is_refused(head_of_sales):
    response = api_client(head_of_sales).post(
        "/api/products", {"sku": "X" * 65, "name": "Болт"}, content_type="application/json"
    )

    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [["body", "payload", "sku"]]
    assert Product.objects.count() == 0
