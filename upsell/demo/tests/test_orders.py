"""The demo company's open customer orders: a week of requests that shows every routing."""

from collections import Counter, defaultdict
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

import openpyxl

from upsell.demo import Behaviour
from upsell.demo.company import ORDERS_HEADER
from upsell.demo.orders import PLANS, RECENT_DAYS, OrderKind
from upsell.demo.tests.recount import csv_rows, day, number


def orders_of(demo):
    rows = csv_rows(demo.summary.files.orders, encoding="cp1251", delimiter=";")
    by_number: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        by_number[row["Номер заявки"]].append(row)
    return rows, by_number


def amount(lines):
    return sum(
        (
            number(line["Количество"])
            * number(line["Цена"])
            * (100 - Decimal(line["Скидка, %"] or 0))
            / 100
        ).quantize(Decimal("0.01"), ROUND_HALF_UP)
        for line in lines
    )


def test_the_orders_file_is_a_1c_style_export_with_the_import_headers(demo):
    raw = demo.summary.files.orders.read_bytes()

    assert raw.decode("cp1251").split("\r\n", 1)[0] == ";".join(ORDERS_HEADER)
    assert raw.count(b"\n") == raw.count(b"\r\n")
    rows, by_number = orders_of(demo)
    assert (len(by_number), len(rows)) == (demo.summary.requests, demo.summary.request_lines)
    assert len(by_number) == sum(plan.orders for plan in PLANS.values()) == 30


def test_every_order_is_of_a_known_client_and_product_in_the_last_week(demo):
    rows, by_number = orders_of(demo)
    sheet = openpyxl.load_workbook(demo.summary.files.products, read_only=True).worksheets[0]
    skus = {str(sku) for sku, *_ in sheet.iter_rows(min_row=2, values_only=True)}

    assert all(demo.clients[row["ИНН"]]["Контрагент"] == row["Контрагент"] for row in rows)
    assert {row["Артикул"] for row in rows} <= skus
    dates = {day(row["Дата"]) for row in rows}
    assert min(dates) >= demo.today - timedelta(days=RECENT_DAYS - 1)
    assert max(dates) <= demo.today
    # One order per client, and one date, client and payment delay per order.
    assert len({lines[0]["ИНН"] for lines in by_number.values()}) == len(by_number)
    assert all(
        len({(line["Дата"], line["ИНН"], line["Отсрочка, дней"]) for line in lines}) == 1
        for lines in by_number.values()
    )
    # Numbers follow the dates, and no order repeats a product.
    ordered = sorted(by_number)
    assert [day(by_number[n][0]["Дата"]) for n in ordered] == sorted(
        day(by_number[n][0]["Дата"]) for n in ordered
    )
    assert all(
        len({line["Артикул"] for line in lines}) == len(lines) for lines in by_number.values()
    )


def test_the_orders_mix_simple_motivated_and_complex_requests(demo):
    _, by_number = orders_of(demo)
    spontaneous = {Behaviour.ONE_TIME, Behaviour.IRREGULAR}
    kinds: Counter[OrderKind] = Counter()
    for lines in by_number.values():
        behaviour = demo.behaviour[lines[0]["ИНН"]]
        discount = max(Decimal(line["Скидка, %"] or 0) for line in lines)
        delay = int(lines[0]["Отсрочка, дней"] or 0)
        if behaviour not in spontaneous:
            kinds[OrderKind.MOTIVATED] += 1
        elif len(lines) > 20:
            kinds[OrderKind.MANY_LINES] += 1
        elif amount(lines) > 500_000:
            kinds[OrderKind.LARGE] += 1
        elif discount > 5:
            kinds[OrderKind.DISCOUNT] += 1
        elif delay > 30:
            kinds[OrderKind.PAYMENT_DELAY] += 1
        else:
            kinds[OrderKind.SIMPLE] += 1

    assert kinds == {kind: plan.orders for kind, plan in PLANS.items()}
