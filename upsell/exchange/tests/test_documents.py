"""The sale exchange's documents from 1C: buyers become clients, orders routed requests,
sales (Реализация) shipments; all of a file or nothing."""

from decimal import Decimal

import pytest

from upsell.accounts.models import User
from upsell.clients.tests.factories import ClientFactory
from upsell.exchange.tests.samples import (
    LUTIK_INN,
    ROMASHKA_INN,
    OneC,
    counterparty,
    declared,
    document,
    documents_xml,
    information,
    line,
    zipped,
)
from upsell.imports.tests.files import table_counts
from upsell.products.models import Product
from upsell.products.tests.factories import ProductFactory
from upsell.requests.models import OrderRequest, RequestSource
from upsell.shipments.models import Shipment


@pytest.fixture
def catalogue(db: None) -> dict[str, Product]:
    return {
        sku: ProductFactory.create(sku=sku, name=name)
        for sku, name in {"A-1": "Болт М8", "B-2": "Гайка М8"}.items()
    }


def sent(one_c: OneC, data: bytes, filename: str = "documents.xml") -> tuple[int, str]:
    one_c.checkauth("sale")
    one_c.get("sale", "init")
    return one_c.send("sale", filename, data)


@pytest.mark.parametrize("encoding", ["cp1251", "utf-8"])
def test_documents_become_clients_requests_and_shipments(
    one_c: OneC, catalogue: dict[str, Product], exchange_user: User, encoding: str
) -> None:
    assert sent(one_c, declared(documents_xml(), encoding)) == (200, "success")

    request = OrderRequest.objects.select_related("client").get()
    assert (request.number, str(request.ordered_on), request.client.name) == (
        "ЗК-00012",
        "2026-11-30",
        "Ромашка",
    )
    assert (request.client.tax_id, request.source, request.amount, request.line_count) == (
        ROMASHKA_INN,
        RequestSource.FILE,
        Decimal("1930.00"),
        2,
    )
    assert request.created_by == exchange_user
    assert request.routed_by_rule != ""
    shipment = Shipment.objects.select_related("client").get()
    assert (shipment.number, shipment.date.isoformat(), shipment.client.name) == (
        "РТ-00345",
        "2026-11-28",
        "Лютик",
    )
    assert shipment.client.tax_id == LUTIK_INN
    assert list(shipment.lines.values_list("product__sku", "quantity", "amount")) == [
        ("A-1", Decimal("40.000"), Decimal("480.00"))
    ]


def test_the_same_documents_twice_change_nothing(
    one_c: OneC, catalogue: dict[str, Product]
) -> None:
    data = declared(documents_xml(), "cp1251")
    assert sent(one_c, data) == (200, "success")
    before = table_counts()
    assert sent(one_c, zipped({"documents.xml": data}), filename="documents.zip") == (
        200,
        "success",
    )
    assert table_counts() == before


def test_a_document_for_an_unknown_client_fails_whole(
    one_c: OneC, catalogue: dict[str, Product]
) -> None:
    stranger = document(
        "ЗК-00013",
        "2026-11-30",
        "Заказ товара",
        counterparty("Незнакомец"),
        line("A-1", "Болт М8", "1", "12.50", "12.50"),
    )
    before = table_counts()

    assert sent(one_c, declared(information(stranger + documents_xml()[0:0]), "utf-8")) == (
        200,
        "failure\ndocuments.xml: Документ 1 (Номер ЗК-00013)/Товар 1: the buyer «Незнакомец» has "
        "no ИНН and is not a client Upsell knows by that name",
    )
    assert table_counts() == before


def test_a_buyer_without_tax_id_known_by_name_is_taken(
    one_c: OneC, catalogue: dict[str, Product], manager_anna: User
) -> None:
    known = ClientFactory.create(name="Знакомый", manager=manager_anna)
    order = document(
        "ЗК-00014",
        "2026-11-30",
        "Заказ товара",
        counterparty("Знакомый"),
        line("B-2", "Гайка М8", "10", "3.40", "34.00"),
    )

    assert sent(one_c, declared(information(order), "utf-8")) == (200, "success")
    assert OrderRequest.objects.get().client == known


def test_one_bad_line_writes_nothing_and_names_its_element(
    one_c: OneC, catalogue: dict[str, Product]
) -> None:
    broken = document(
        "РТ-00346",
        "2026-11-29",
        "Отпуск товара",
        counterparty("Лютик", LUTIK_INN),
        line("Z-9", "Неизвестно что", "5", "1.00", "5.00"),
    )
    xml = documents_xml().replace("</КоммерческаяИнформация>", broken + "</КоммерческаяИнформация>")
    before = table_counts()

    status, text = sent(one_c, declared(xml, "utf-8"))

    assert (status, text.split("\n")[0]) == (200, "failure")
    assert text.split("\n")[1].startswith(
        "documents.xml: Документ 3 (Номер РТ-00346)/Товар 1: sku: "
    )
    assert table_counts() == before


def test_an_operation_the_exchange_does_not_take_fails(
    one_c: OneC, catalogue: dict[str, Product]
) -> None:
    payment = document(
        "ПП-1", "2026-11-30", "Выплата безналичных денег", counterparty("Лютик", LUTIK_INN), ""
    )
    assert sent(one_c, declared(information(payment), "utf-8")) == (
        200,
        "failure\ndocuments.xml: Документ 1 (Номер ПП-1): ХозОперация «Выплата безналичных "
        "денег» is not taken; the exchange takes «Заказ товара» and «Отпуск товара»",
    )


def test_a_bad_second_line_is_named_by_its_number_in_its_document(
    one_c: OneC, catalogue: dict[str, Product]
) -> None:
    broken = document(
        "РТ-00347",
        "2026-11-29",
        "Отпуск товара",
        counterparty("Лютик", LUTIK_INN),
        line("A-1", "Болт М8", "5", "12.50", "62.50")
        + line("Z-9", "Неизвестно что", "5", "1", "5"),
    )
    xml = documents_xml().replace("</КоммерческаяИнформация>", broken + "</КоммерческаяИнформация>")

    status, text = sent(one_c, declared(xml, "utf-8"))

    assert (status, text.split("\n")[0]) == (200, "failure")
    assert text.split("\n")[1].startswith(
        "documents.xml: Документ 3 (Номер РТ-00347)/Товар 2: sku: "
    )


def test_a_bad_buyer_is_named_at_the_first_document_naming_it(
    one_c: OneC, catalogue: dict[str, Product]
) -> None:
    bad_tax_id = "1234567890"
    sales = [
        document(
            number,
            "2026-11-29",
            "Отпуск товара",
            counterparty(name, tax_id),
            line("A-1", "Болт М8", "5", "12.50", "62.50"),
        )
        for number, name, tax_id in [
            ("РТ-00348", "Лютик", LUTIK_INN),
            ("РТ-00349", "Одуванчик", bad_tax_id),
            ("РТ-00350", "Одуванчик", bad_tax_id),
        ]
    ]
    before = table_counts()

    status, text = sent(one_c, declared(information("".join(sales)), "utf-8"))

    assert (status, text.split("\n")[0]) == (200, "failure")
    assert text.split("\n")[1].startswith("documents.xml: Документ 2 (Номер РТ-00349)/Контрагент: ")
    assert table_counts() == before


def test_a_document_naming_two_buyers_fails_and_names_it(
    one_c: OneC, catalogue: dict[str, Product]
) -> None:
    two_buyers = document(
        "РТ-00351",
        "2026-11-29",
        "Отпуск товара",
        counterparty("Лютик", LUTIK_INN) + counterparty("Ромашка", ROMASHKA_INN),
        line("A-1", "Болт М8", "5", "12.50", "62.50"),
    )
    xml = documents_xml().replace(
        "</КоммерческаяИнформация>", two_buyers + "</КоммерческаяИнформация>"
    )

    assert sent(one_c, declared(xml, "utf-8")) == (
        200,
        "failure\ndocuments.xml: Документ 3 (Номер РТ-00351): Контрагенты must name one buyer "
        "(Роль «Покупатель»), not 2",
    )


def test_the_seller_named_besides_the_buyer_is_left_alone(
    one_c: OneC, catalogue: dict[str, Product]
) -> None:
    seller = counterparty("Наша фирма", ROMASHKA_INN).replace("Покупатель", "Продавец")
    sale = document(
        "РТ-00352",
        "2026-11-29",
        "Отпуск товара",
        seller + counterparty("Лютик", LUTIK_INN),
        line("A-1", "Болт М8", "5", "12.50", "62.50"),
    )

    assert sent(one_c, declared(information(sale), "utf-8")) == (200, "success")
    assert list(Shipment.objects.values_list("number", "client__name")) == [("РТ-00352", "Лютик")]


def test_a_late_bad_line_of_a_thousand_documents_is_named_and_they_are_taken_once_right(
    one_c: OneC, catalogue: dict[str, Product]
) -> None:
    # Orders and sales alternate over more documents than are read at a time.
    documents = [
        document(
            f"ЗК-{number:05d}" if number % 2 else f"РТ-{number:05d}",
            "2026-11-29",
            "Заказ товара" if number % 2 else "Отпуск товара",
            counterparty("Лютик", LUTIK_INN),
            line("A-1", "Болт М8", "5", "12.50", "62.50")
            + line(
                "B-2", "Гайка М8", str(number), "3.40", f"{number * 34 // 10}.{number * 4 % 10}0"
            ),
        )
        for number in range(1, 1201)
    ]
    bad = [*documents[:1198], documents[1198].replace("<Количество>1199<", "<Количество>много<")]
    before = table_counts()

    status, text = sent(one_c, declared(information("".join(bad)), "cp1251"))

    assert (status, text.split("\n")[0]) == (200, "failure")
    assert text.split("\n")[1].startswith(
        "documents.xml: Документ 1199 (Номер ЗК-01199)/Товар 2: quantity: "
    )
    assert table_counts() == before

    assert sent(one_c, declared(information("".join(documents)), "cp1251")) == (200, "success")
    assert (OrderRequest.objects.count(), Shipment.objects.count()) == (600, 600)
    assert list(
        Shipment.objects.filter(number="РТ-01200")
        .values_list("lines__product__sku", "lines__quantity", "lines__amount")
        .order_by("lines__product__sku")
    ) == [
        ("A-1", Decimal("5.000"), Decimal("62.50")),
        ("B-2", Decimal("1200.000"), Decimal("4080.00")),
    ]
    assert OrderRequest.objects.get(number="ЗК-01199").line_count == 2
