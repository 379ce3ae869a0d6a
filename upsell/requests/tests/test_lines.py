"""A request's lines: stored as a table, they give the request its line count, product groups
and amount, so the complex rules judge what was ordered; the form and the API take them."""

import re
from decimal import Decimal
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client as HttpClient
from django.urls import reverse

from upsell.accounts.tokens import api_token_create
from upsell.clients.models import ClientStatus
from upsell.clients.tests.factories import ClientFactory
from upsell.history.models import ChangeSource
from upsell.products.tests.factories import ProductFactory
from upsell.requests.lines import RequestLineDetails
from upsell.requests.models import (
    OrderRequest,
    OrderRequestChange,
    OrderRequestLine,
    RequestSource,
    RoutingRule,
)
from upsell.requests.selectors import ComplexRules
from upsell.requests.services import (
    RequestDetails,
    complex_rules_update,
    order_request_create,
)


@pytest.fixture
def one_time(manager_anna, assistant_vera):
    return ClientFactory.create(
        name='ООО "Разовый"', manager=manager_anna, assistant=assistant_vera,
        status=ClientStatus.ONE_TIME,
    )  # fmt: skip


@pytest.fixture
def catalogue(db):
    return {
        "КР-00001": ProductFactory.create(sku="КР-00001", name="Болт М8", group="Крепёж"),
        "КР-00002": ProductFactory.create(sku="КР-00002", name="Гайка М8", group="Крепёж"),
        "ЭИ-00001": ProductFactory.create(
            sku="ЭИ-00001", name="Перфоратор", group="Электроинструмент"
        ),
    }


def line(code="", quantity="1", price="100.00", discount="0", name=""):
    return RequestLineDetails(
        product_code=code,
        product_name=name,
        quantity=Decimal(quantity),
        price=Decimal(price),
        discount_percent=Decimal(discount),
    )


def take(client, user, **details):
    return order_request_create(
        client=client, details=RequestDetails(**details), source=RequestSource.UI, created_by=user
    )


def stored_lines(request):
    return list(
        request.lines.order_by("line_number").values_list(
            "line_number", "product__sku", "product_code", "product_name", "quantity", "price",
            "discount_percent", "amount",
        )
    )  # fmt: skip


# The table's constraints


def a_request(client):
    return OrderRequest.objects.create(
        client=client, source=RequestSource.UI, routed_by_rule=RoutingRule.SPONTANEOUS
    )


def test_a_line_orders_more_than_nothing(annas_client):
    request = a_request(annas_client)

    with pytest.raises(IntegrityError), transaction.atomic():
        OrderRequestLine.objects.create(
            request=request, line_number=1, product_name="Болт", quantity=Decimal(0),
            price=Decimal(1), amount=Decimal(0),
        )  # fmt: skip


def test_a_line_number_is_taken_once_per_request(annas_client):
    first, second = a_request(annas_client), a_request(annas_client)
    values = {"line_number": 1, "product_name": "Болт", "quantity": Decimal(1),
              "price": Decimal(1), "amount": Decimal(1)}  # fmt: skip
    OrderRequestLine.objects.create(request=first, **values)
    OrderRequestLine.objects.create(request=second, **values)

    with pytest.raises(IntegrityError), transaction.atomic():
        OrderRequestLine.objects.create(request=first, **values)


def test_a_line_names_a_product_somehow(annas_client):
    request = a_request(annas_client)

    with pytest.raises(IntegrityError), transaction.atomic():
        OrderRequestLine.objects.create(
            request=request, line_number=1, quantity=Decimal(1), price=Decimal(1),
            amount=Decimal(1),
        )  # fmt: skip


def test_an_order_number_is_unique_per_client_but_blank_numbers_are_many(
    annas_client, boris_client
):
    for client, number in ((annas_client, ""), (annas_client, ""), (annas_client, "З-1"),
                           (boris_client, "З-1")):  # fmt: skip
        OrderRequest.objects.create(
            client=client, number=number, source=RequestSource.FILE,
            routed_by_rule=RoutingRule.SPONTANEOUS,
        )  # fmt: skip

    with pytest.raises(IntegrityError), transaction.atomic():
        OrderRequest.objects.create(
            client=annas_client, number="З-1", source=RequestSource.FILE,
            routed_by_rule=RoutingRule.SPONTANEOUS,
        )  # fmt: skip


# What the lines make of a request


def test_lines_give_the_request_its_count_groups_amount_and_deepest_discount(
    one_time, manager_anna, catalogue
):
    request = take(
        one_time,
        manager_anna,
        number="З-17",
        lines=(
            line("КР-00001", quantity="10", price="12.50"),
            line("ЭИ-00001", quantity="1", price="9990.00", discount="3"),
            line(name="Саморез чёрный 4,2х76", quantity="2.5", price="333.33"),
        ),
    )

    assert (
        request.number, request.line_count, request.product_groups, request.amount,
        request.discount_percent,
    ) == (
        "З-17", 3, ["Крепёж", "Электроинструмент"], Decimal("10648.63"), Decimal("3.00"),
    )  # fmt: skip
    # 9 990 less 3 % is 9 690.30; 2,5 × 333,33 = 833,325 rounds half up to 833,33.
    assert stored_lines(request) == [
        (1, "КР-00001", "КР-00001", "", Decimal("10.000"), Decimal("12.50"), Decimal("0.00"),
         Decimal("125.00")),
        (2, "ЭИ-00001", "ЭИ-00001", "", Decimal("1.000"), Decimal("9990.00"), Decimal("3.00"),
         Decimal("9690.30")),
        (3, None, "", "Саморез чёрный 4,2х76", Decimal("2.500"), Decimal("333.33"),
         Decimal("0.00"), Decimal("833.33")),
    ]  # fmt: skip


def test_an_amount_given_stays_over_the_lines_total(one_time, manager_anna, catalogue):
    request = take(
        one_time, manager_anna, amount=Decimal("1000.00"), lines=(line("КР-00001", "20", "60"),)
    )

    assert request.amount == Decimal("1000.00")


def test_twelve_lines_over_a_ten_line_rule_go_to_the_manager_with_the_rule_shown(
    one_time, assistant_vera, head_of_sales, catalogue
):
    complex_rules_update(
        rules=ComplexRules(lines_above=10), changed_by=head_of_sales, source=ChangeSource.SCREEN
    )
    lines = tuple(line(name=f"Позиция {number}") for number in range(1, 13))

    request = take(one_time, assistant_vera, lines=lines)
    eleven = take(one_time, assistant_vera, lines=lines[:10])

    assert (request.assignee.username, request.routed_by_rule, request.routing_reason) == (
        "anna", RoutingRule.LINES, "12 lines, more than 10",
    )  # fmt: skip
    assert request.line_count == request.lines.count() == 12
    assert (eleven.assignee.username, eleven.routed_by_rule) == ("vera", RoutingRule.SPONTANEOUS)


def test_a_product_from_a_chosen_group_makes_the_request_complex(
    one_time, assistant_vera, head_of_sales, catalogue
):
    complex_rules_update(
        rules=ComplexRules(product_groups=("Электроинструмент",)),
        changed_by=head_of_sales,
        source=ChangeSource.SCREEN,
    )

    request = take(one_time, assistant_vera, lines=(line("КР-00001"), line("ЭИ-00001")))

    assert (request.routed_by_rule, request.routing_reason) == (
        RoutingRule.PRODUCT_GROUPS,
        "Products from groups the manager handles: Электроинструмент",
    )


def test_a_line_discount_beyond_the_standard_makes_the_request_complex(
    one_time, assistant_vera, catalogue
):
    request = take(one_time, assistant_vera, lines=(line("КР-00001", discount="7.5"),))

    assert (request.routed_by_rule, request.routing_reason) == (
        RoutingRule.DISCOUNT,
        "Discount 7.50 % beyond the standard 5 %",
    )


def test_bad_lines_are_named_by_number_and_nothing_is_written(one_time, manager_anna, catalogue):
    with pytest.raises(ValidationError) as refused:
        take(
            one_time,
            manager_anna,
            line_count=2,
            lines=(
                line("КР-00001"),
                line(quantity="0", price="-1"),
                line(name="Болт", quantity="1.0005", discount="101"),
            ),
        )

    assert refused.value.message_dict == {
        "line_count": ["3 lines are given, the line count says 2: leave it out."],
        "lines": [
            "Line 2: give the product's code or describe the product.",
            "Line 2: the quantity must be more than zero.",
            "Line 2: a price cannot be negative.",
            "Line 3: a quantity has at most 12 digits and 3 decimals.",
            "Line 3: a discount is between 0 and 100 %.",
        ],
    }
    assert (OrderRequest.objects.count(), OrderRequestLine.objects.count()) == (0, 0)


def test_a_code_the_catalogue_lacks_is_refused(one_time, manager_anna, catalogue):
    with pytest.raises(ValidationError) as refused:
        take(one_time, manager_anna, lines=(line("КР-00001"), line("КР-99999"), line(" ЭИ-0 ")))

    assert refused.value.message_dict == {
        "lines": [
            "Line 2: no product has the code «КР-99999».",
            "Line 3: no product has the code «ЭИ-0».",
        ]
    }
    assert OrderRequest.objects.count() == 0


def test_a_client_s_order_number_becomes_one_request_only(one_time, manager_anna, catalogue):
    first = take(one_time, manager_anna, number="З-5", lines=(line("КР-00001"),))

    with pytest.raises(ValidationError) as refused:
        take(one_time, manager_anna, number=" З-5 ", lines=(line("КР-00002"),))

    assert refused.value.message_dict == {
        "number": [f"The client's order З-5 is request № {first.pk} already."]
    }
    assert (
        OrderRequest.objects.count(),
        OrderRequestLine.objects.count(),
        OrderRequestChange.objects.count(),
    ) == (1, 1, 1)


# The request form


def signed_in(user):
    client = HttpClient()
    client.force_login(user)
    return client


def page_text(response):
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def form_data(client, *rows, total=5, **fields):
    data = {
        "client": client.pk, "number": "", "ordered_on": "", "description": "", "amount": "0",
        "line_count": "0", "product_groups": "", "discount_percent": "0",
        "payment_delay_days": "0", "lines-TOTAL_FORMS": str(total), "lines-INITIAL_FORMS": "0",
    } | fields  # fmt: skip
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"lines-{index}-{name}"] = value
    return data


def test_the_form_takes_a_request_with_its_lines(one_time, manager_anna, assistant_vera, catalogue):
    response = signed_in(manager_anna).post(
        reverse("requests:create"),
        form_data(
            one_time,
            {"product_code": "КР-00001", "quantity": "10", "price": "12.50"},
            {"product_name": "Саморез чёрный", "quantity": "2", "price": "100",
             "discount_percent": "2"},
            number="З-9",
            ordered_on="2026-03-14",
        ),
    )  # fmt: skip

    request = OrderRequest.objects.get()
    assert response.status_code == 302
    assert (request.number, str(request.ordered_on), request.line_count, request.amount) == (
        "З-9", "2026-03-14", 2, Decimal("321.00"),
    )  # fmt: skip
    assert (request.source, request.assignee) == (RequestSource.UI, assistant_vera)
    assert [row[:3] for row in stored_lines(request)] == [
        (1, "КР-00001", "КР-00001"),
        (2, None, ""),
    ]


def test_more_lines_adds_blank_rows_and_takes_nothing(one_time, manager_anna):
    response = signed_in(manager_anna).post(
        reverse("requests:create"),
        form_data(one_time, {"product_name": "Болт", "quantity": "3"}, more_lines="1"),
    )

    assert response.status_code == 200
    assert OrderRequest.objects.count() == 0
    assert response.context["lines"].total_form_count() == 10
    assert 'name="lines-9-product_code"' in response.content.decode()
    assert 'value="Болт"' in response.content.decode()
    # What is not filled in yet is no error: the form was not sent.
    assert "This field is required" not in page_text(response)


def test_the_form_shows_what_is_wrong_with_a_line_and_takes_nothing(
    one_time, manager_anna, catalogue
):
    response = signed_in(manager_anna).post(
        reverse("requests:create"),
        form_data(
            one_time,
            {"product_code": "КР-00001", "quantity": "1", "price": "1"},
            {"quantity": "0", "price": "5"},
            {"product_code": "НЕТ-1", "quantity": "1", "price": "5"},
        ),
    )

    page = page_text(response)
    assert response.status_code == 200
    assert "Give the product's code or describe the product." in page
    assert "The quantity must be more than zero." in page
    assert OrderRequest.objects.count() == 0


def test_the_service_s_verdict_on_the_lines_reaches_the_form(one_time, manager_anna, catalogue):
    response = signed_in(manager_anna).post(
        reverse("requests:create"),
        form_data(one_time, {"product_code": "НЕТ-1", "quantity": "1", "price": "5"}),
    )

    assert response.status_code == 200
    assert "Line 1: no product has the code «НЕТ-1»." in page_text(response)
    assert OrderRequest.objects.count() == 0


def test_the_card_and_the_queue_show_the_lines(one_time, manager_anna, catalogue):
    request = take(
        one_time, manager_anna, number="З-3",
        lines=(line("КР-00001", "10", "12.50"), line(name="Саморез чёрный", discount="2.5")),
    )  # fmt: skip
    browser = signed_in(manager_anna)

    card = page_text(browser.get(reverse("requests:detail", kwargs={"request_id": request.pk})))
    queue = page_text(browser.get(reverse("requests:queues")))

    assert "order З-3" in card
    assert "1 КР-00001 Болт М8 10 шт 12.50 — 125.00" in card
    assert "2 — Саморез чёрный not in the catalogue 1 100.00 2.5 97.50" in card
    assert 'ООО "Разовый" 222.50 2 Open' in queue


# The API


def api_client(user):
    _, token = api_token_create(user=user)
    return HttpClient(headers={"Authorization": f"Bearer {token}"})


def test_the_api_takes_a_request_with_lines_and_gives_them_back(
    one_time, head_of_sales, head_of_sales_rules_ten_lines, catalogue
):
    payload = {
        "description": "",
        "number": "WEB-101",
        "ordered_on": "2026-03-15",
        "lines": [{"product_code": "КР-00001", "quantity": "4", "price": "25.00"}]
        + [{"product_name": f"Позиция {n}", "quantity": "1", "price": "1"} for n in range(11)],
    }

    response = api_client(head_of_sales).post(
        f"/api/requests/client/{one_time.pk}", payload, content_type="application/json"
    )

    assert response.status_code == 201
    body = response.json()
    assert {key: body[key] for key in (
        "number", "ordered_on", "amount", "line_count", "product_groups", "routed_by_rule",
        "routing_reason",
    )} == {
        "number": "WEB-101", "ordered_on": "2026-03-15", "amount": "111.00", "line_count": 12,
        "product_groups": ["Крепёж"], "routed_by_rule": "lines",
        "routing_reason": "12 lines, more than 10",
    }  # fmt: skip
    assert body["lines"][0] == {
        "line_number": 1,
        "product": {"id": catalogue["КР-00001"].pk, "sku": "КР-00001", "name": "Болт М8"},
        "product_code": "КР-00001",
        "product_name": "",
        "quantity": "4.000",
        "price": "25.00",
        "discount_percent": "0.00",
        "amount": "100.00",
    }
    fetched = api_client(head_of_sales).get(f"/api/requests/{body['id']}").json()
    assert fetched["lines"] == body["lines"]


def test_the_api_names_the_line_it_refuses_and_writes_nothing(one_time, head_of_sales, catalogue):
    response = api_client(head_of_sales).post(
        f"/api/requests/client/{one_time.pk}",
        {"description": "",
         "lines": [{"product_code": "КР-00001", "quantity": "1", "price": "1"},
                   {"product_code": "КР-404", "quantity": "1", "price": "1"}]},
        content_type="application/json",
    )  # fmt: skip

    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {"loc": ["body", "lines"], "msg": "Line 2: no product has the code «КР-404».",
             "type": "invalid"}
        ]
    }  # fmt: skip
    assert OrderRequest.objects.count() == 0


def test_the_api_refuses_the_same_order_number_twice(one_time, head_of_sales):
    api = api_client(head_of_sales)
    payload = {"number": "WEB-7", "description": "Болты"}
    first = api.post(
        f"/api/requests/client/{one_time.pk}", payload, content_type="application/json"
    )

    again = api.post(
        f"/api/requests/client/{one_time.pk}", payload, content_type="application/json"
    )

    assert (first.status_code, again.status_code) == (201, 422)
    assert again.json()["detail"][0]["loc"] == ["body", "number"]
    assert OrderRequest.objects.count() == 1


@pytest.fixture
def head_of_sales_rules_ten_lines(head_of_sales):
    complex_rules_update(
        rules=ComplexRules(lines_above=10), changed_by=head_of_sales, source=ChangeSource.SCREEN
    )
