"""A file of customer orders takes exactly the lines the screen and the API take, at exactly
their amounts: the importer asks the requests app's own line rule, in its Decimal arithmetic."""

import itertools
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from upsell.clients.models import Client
from upsell.clients.tests.factories import ClientFactory
from upsell.imports.models import ImportStatus
from upsell.imports.services import import_path
from upsell.imports.tests.files import csv_write
from upsell.products.tests.factories import ProductFactory
from upsell.requests.lines import RequestLineDetails, request_line_problems
from upsell.requests.models import OrderRequest

HEADER = ("Номер заявки", "Дата", "Контрагент", "Артикул", "Количество", "Цена", "Скидка, %")
# Each field in the shape the screen's and the API's fields take (three decimals of a
# quantity, two of a price and a discount), from well inside its limits to past them.
QUANTITIES = st.one_of(
    st.decimals(min_value=-2, max_value=1000, places=3),
    st.decimals(min_value=10**9, max_value=10**12 + 1, places=3),
)
PRICES = st.one_of(
    st.decimals(min_value=-5, max_value=100_000, places=2),
    st.decimals(min_value=10**11, max_value=10**14 + 1, places=2),
)
DISCOUNTS = st.one_of(st.just(Decimal(0)), st.decimals(min_value=-1, max_value=101, places=2))
NUMBERS = itertools.count(1)


def _written(value: Decimal) -> str:
    """As a Russian spreadsheet writes it: a decimal comma, thousands apart."""
    whole, _point, fraction = f"{value:,f}".replace(",", " ").partition(".")
    return f"{whole},{fraction}" if fraction else whole


@pytest.fixture
def client_and_product(db: None) -> Client:
    ProductFactory.create(sku="КР-001", name="Болт")
    return ClientFactory.create(name='ООО "Разовый"', tax_id="")


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(lines=st.lists(st.tuples(QUANTITIES, PRICES, DISCOUNTS), min_size=1, max_size=8))
def test_the_importer_takes_a_line_exactly_when_the_screen_does_at_the_same_amount(
    client_and_product: Client, tmp_path: Path, lines: list[tuple[Decimal, Decimal, Decimal]]
) -> None:
    # Given a file of one-line orders, each with its own number
    numbers = [f"H-{next(NUMBERS)}" for _line in lines]
    rows = [
        (number, "14.03.2026", 'ООО "Разовый"', "КР-001", *(_written(value) for value in line))
        for number, line in zip(numbers, lines, strict=True)
    ]
    path = csv_write(tmp_path / f"{numbers[0]}.csv", [HEADER, *rows])

    # When it is imported keeping the valid rows
    run = import_path(path=path, keep_valid_rows=True)

    # Then a row is refused exactly when the line rule refuses its line, and a line taken has
    # the rule's amount to the kopeck
    refused = {error["row"] for error in run.errors}
    for row, (number, (quantity, price, discount)) in enumerate(
        zip(numbers, lines, strict=True), 2
    ):
        line = RequestLineDetails(
            product_code="КР-001", quantity=quantity, price=price, discount_percent=discount
        )
        assert (row in refused) == bool(request_line_problems(line)), (row, line)
        taken = OrderRequest.objects.filter(number=number).first()
        if row in refused:
            assert taken is None
        else:
            assert taken is not None
            assert [stored.amount for stored in taken.lines.all()] == [line.amount]
            assert taken.amount == line.amount
    assert run.status in {ImportStatus.SUCCEEDED, ImportStatus.PARTIAL, ImportStatus.FAILED}


@pytest.mark.parametrize(
    ("quantity", "price", "discount", "amount"),
    [
        # 3 × 0,35 less 50 % is 0,525: half a kopeck goes up, as a bookkeeper rounds.
        ("3", "0,35", "50", Decimal("0.53")),
        ("1,005", "1", "", Decimal("1.01")),
        ("2,5", "99,99", "12,5", Decimal("218.73")),
        ("999 999 999 999,999", "0,01", "100", Decimal("0.00")),
    ],
)
def test_a_line_amount_is_rounded_half_up_to_the_kopeck_after_its_discount(
    client_and_product: Client, tmp_path: Path, quantity: str, price: str, discount: str,
    amount: Decimal,
) -> None:  # fmt: skip
    path = csv_write(
        tmp_path / "orders.csv",
        [HEADER, ("З-1", "14.03.2026", 'ООО "Разовый"', "КР-001", quantity, price, discount)],
    )

    run = import_path(path=path)

    assert (run.status, run.errors) == (ImportStatus.SUCCEEDED, [])
    assert OrderRequest.objects.get().lines.get().amount == amount


def test_a_line_the_screen_refuses_is_refused_with_the_screens_reason(
    client_and_product: Client, tmp_path: Path
) -> None:
    path = csv_write(
        tmp_path / "orders.csv",
        [
            HEADER,
            ("З-1", "14.03.2026", 'ООО "Разовый"', "КР-001", "0", "10", ""),
            ("З-2", "14.03.2026", 'ООО "Разовый"', "КР-001", "1", "-1", "101"),
            ("З-3", "14.03.2026", 'ООО "Разовый"', "КР-001", "999 999 999 999", "1 000", ""),
        ],
    )

    run = import_path(path=path)

    assert run.errors == [
        {"row": 2, "column": "Количество", "message": "the quantity must be more than zero"},
        {"row": 3, "column": "Цена", "message": "a price cannot be negative"},
        {"row": 3, "column": "Скидка, %", "message": "a discount is between 0 and 100 %"},
        {"row": 4, "column": "Цена", "message": "the line's amount is too large"},
    ]
