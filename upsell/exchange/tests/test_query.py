"""The sale exchange's query: the requests taken in Upsell, given to 1C as CommerceML orders
until 1C says it took them."""

import datetime as dt
from decimal import Decimal

import pytest

from upsell.accounts.models import User
from upsell.clients.models import Client
from upsell.clients.tests.factories import ClientFactory
from upsell.exchange.commerceml import document_read, documents_tables
from upsell.exchange.tests.samples import ROMASHKA_INN, OneC, declared, documents_xml
from upsell.products.models import Product
from upsell.products.tests.factories import ProductFactory
from upsell.requests.lines import RequestLineDetails
from upsell.requests.models import OrderRequest, RequestSource
from upsell.requests.services import RequestDetails, order_request_create


@pytest.fixture
def romashka(manager_anna: User) -> Client:
    return ClientFactory.create(name="Ромашка", tax_id=ROMASHKA_INN, manager=manager_anna)


@pytest.fixture
def bolt(db: None) -> Product:
    return ProductFactory.create(sku="A-1", name="Болт М8", unit="шт")


def taken(client: Client, by: User, number: str, source: RequestSource) -> OrderRequest:
    return order_request_create(
        client=client,
        details=RequestDetails(
            number=number,
            ordered_on=dt.date(2026, 12, 1),
            description="Доставить до пятницы",
            lines=(
                RequestLineDetails(
                    product_code="A-1",
                    quantity=Decimal(100),
                    price=Decimal("12.50"),
                    discount_percent=Decimal(5),
                ),
            ),
        ),
        source=source,
        created_by=by,
    )


def test_requests_taken_in_upsell_go_to_1c_until_it_confirms(
    one_c: OneC, romashka: Client, bolt: Product, manager_anna: User
) -> None:
    mine = taken(romashka, manager_anna, "З-1", RequestSource.UI)
    taken(romashka, manager_anna, "ФАЙЛ-1", RequestSource.FILE)
    one_c.checkauth("sale")
    one_c.get("sale", "init")

    status, text = one_c.get("sale", "query")

    assert status == 200
    root = document_read(text.encode("utf-8"))
    assert [element.findtext("Номер") for element in root.iterfind("Документ")] == ["З-1"]
    order = root.find("Документ")
    assert order is not None
    assert order.findtext("Ид") == f"upsell-{mine.pk}"
    assert order.findtext("ХозОперация") == "Заказ товара"
    assert order.findtext("Сумма") == "1187.50"
    assert order.findtext("Комментарий") == "Доставить до пятницы"
    assert order.findtext("Контрагенты/Контрагент/ИНН") == ROMASHKA_INN
    assert [
        (line.findtext("Артикул"), line.findtext("Количество"), line.findtext("ЦенаЗаЕдиницу"),
         line.findtext("Скидки/Скидка/Процент"), line.findtext("Сумма"))
        for line in order.iterfind("Товары/Товар")
    ] == [("A-1", "100", "12.50", "5", "1187.50")]  # fmt: skip

    assert one_c.get("sale", "success") == (200, "success")
    assert document_read(one_c.get("sale", "query")[1].encode()).findall("Документ") == []


def test_orders_not_confirmed_are_sent_again(
    one_c: OneC, romashka: Client, bolt: Product, manager_anna: User
) -> None:
    taken(romashka, manager_anna, "З-2", RequestSource.API)
    one_c.checkauth("sale")
    first = one_c.get("sale", "query")[1]

    again = one_c.get("sale", "query")[1]

    assert len(document_read(first.encode()).findall("Документ")) == 1
    assert len(document_read(again.encode()).findall("Документ")) == 1


def test_the_orders_read_back_as_the_exchange_reads_documents(
    one_c: OneC, romashka: Client, bolt: Product, manager_anna: User, settings: object
) -> None:
    settings.UPSELL_EXCHANGE_ENCODING = "windows-1251"  # type: ignore[attr-defined]
    taken(romashka, manager_anna, "З-3", RequestSource.UI)
    one_c.checkauth("sale")
    response = one_c.http.get("/exchange/1c/", {"type": "sale", "mode": "query"})

    assert response["Content-Type"] == "application/xml; charset=windows-1251"
    assert response.content.startswith(b"<?xml version='1.0' encoding='windows-1251'?>")
    [clients, orders] = documents_tables(document_read(response.content))
    assert clients.frame.rows() == [("Ромашка", ROMASHKA_INN, "")]
    assert orders.frame.rows() == [
        ("З-3", "2026-12-01", "Ромашка", ROMASHKA_INN, "A-1", "Болт М8", "100", "12.50", "5",
         "Доставить до пятницы"),
    ]  # fmt: skip


def test_the_query_needs_the_session(romashka: Client, exchange_user: User) -> None:
    assert OneC("1c-exchange", password="guess").get("sale", "query") == (
        403,
        "failure\nno exchange session: start with mode=checkauth",
    )


def test_documents_xml_sample_is_read(db: None) -> None:
    assert [
        table.kind for table in documents_tables(document_read(declared(documents_xml(), "cp1251")))
    ] == [
        "clients",
        "orders",
        "shipments",
    ]
