"""The products kept for the members of a guaranteed-stock program, by the memberships file:
one row per product, gathered by member and set whole, the same file again changing nothing."""

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import pytest

from upsell.accounts.models import User
from upsell.clients.models import Client, ClientStatus
from upsell.clients.tests.factories import ClientFactory
from upsell.imports.models import ImportStatus
from upsell.imports.services import import_path
from upsell.imports.tests.files import csv_write
from upsell.products.models import Product
from upsell.programs.models import Program, ProgramKind, StockCommitment
from upsell.programs.tests.factories import credit_line_terms, program_running, retro_bonus_terms

HEADER = ("Программа", "ИНН", "Группа", "Артикул", "Количество в месяц")
STOCK = "Гарантированный запас"
RETRO = "Ретро-бонус I квартал"

pytestmark = pytest.mark.django_db


def _file(tmp_path: Path, rows: Sequence[Sequence[str]], header: Sequence[str] = HEADER) -> Path:
    return csv_write(tmp_path / "memberships.csv", [header, *rows], encoding="utf-8")


@pytest.fixture
def stock_program(top_manager: User) -> Program:
    return program_running(
        terms=credit_line_terms(
            name=STOCK, kind=ProgramKind.GUARANTEED_STOCK, credit_limit=None,
            payment_delay_days=None,
        ),
        by=top_manager,
    )  # fmt: skip


@pytest.fixture
def retro_program(top_manager: User) -> Program:
    return program_running(
        terms=retro_bonus_terms(eligible_statuses=(ClientStatus.REGULAR,)), by=top_manager
    )


@pytest.fixture
def clients() -> list[Client]:
    return [
        ClientFactory.create(name=f'ООО "Клиент {n}"', status=ClientStatus.REGULAR)
        for n in range(3)
    ]


@pytest.fixture(autouse=True)
def products() -> None:
    Product.objects.create(sku="M8", name="Болт М8")
    Product.objects.create(sku="M10", name="Болт М10")
    Product.objects.create(sku="Ш8", name="Шайба 8")


def _kept() -> list[tuple[str, str, Decimal]]:
    return list(
        StockCommitment.objects.order_by("membership__client__name", "product__sku").values_list(
            "membership__client__name", "product__sku", "monthly_quantity"
        )
    )


def test_each_member_keeps_the_products_of_its_rows_and_the_same_file_changes_nothing(
    tmp_path, stock_program, clients, head_of_sales
):
    # Given two members on two and one rows, and a control on a row of its own
    rows = [
        (STOCK, clients[0].tax_id, "", "M8", "100"),
        (STOCK, clients[0].tax_id, "участник", "Ш8", "2 500,5"),
        (STOCK, clients[1].tax_id, "", "M10", "40"),
        (STOCK, clients[2].tax_id, "контроль", "", ""),
    ]

    # When the head of sales imports it, twice
    first = import_path(path=_file(tmp_path, rows), imported_by=head_of_sales)
    ids = sorted(StockCommitment.objects.values_list("pk", flat=True))
    second = import_path(path=_file(tmp_path, rows), imported_by=head_of_sales)

    # Then each member keeps its products, and the second run changed nothing
    assert (first.status, second.status) == (ImportStatus.SUCCEEDED, ImportStatus.SUCCEEDED)
    assert _kept() == [
        ('ООО "Клиент 0"', "M8", Decimal("100.000")),
        ('ООО "Клиент 0"', "Ш8", Decimal("2500.500")),
        ('ООО "Клиент 1"', "M10", Decimal("40.000")),
    ]
    assert first.counts == {
        "memberships": {"created": 3, "updated": 0, "unchanged": 0},
        "member_stock": {"created": 2, "updated": 0, "unchanged": 0},
    }
    assert second.counts == {
        "memberships": {"created": 0, "updated": 0, "unchanged": 3},
        "member_stock": {"created": 0, "updated": 0, "unchanged": 2},
    }
    assert sorted(StockCommitment.objects.values_list("pk", flat=True)) == ids


def test_a_new_file_replaces_a_members_products_and_leaves_the_others_alone(
    tmp_path, stock_program, clients, head_of_sales
):
    import_path(
        path=_file(
            tmp_path,
            [
                (STOCK, clients[0].tax_id, "", "M8", "100"),
                (STOCK, clients[1].tax_id, "", "M10", "40"),
            ],
        ),
        imported_by=head_of_sales,
    )

    run = import_path(
        path=_file(
            tmp_path,
            [(STOCK, clients[0].tax_id, "", "M10", "7"), (STOCK, clients[1].tax_id, "", "", "")],
        ),
        imported_by=head_of_sales,
    )

    assert run.counts["member_stock"] == {"created": 0, "updated": 1, "unchanged": 0}
    assert _kept() == [
        ('ООО "Клиент 0"', "M10", Decimal("7.000")),
        ('ООО "Клиент 1"', "M10", Decimal("40.000")),
    ]


def test_every_stock_error_is_named_by_row_and_column_and_nothing_is_stored(
    tmp_path, stock_program, retro_program, clients, head_of_sales
):
    rows = [
        (STOCK, clients[0].tax_id, "", "M8", "100"),
        (STOCK, clients[0].tax_id, "", "M8", "50"),
        (STOCK, clients[0].tax_id, "контроль", "M10", "5"),
        (STOCK, clients[1].tax_id, "", "Нет", "1"),
        (STOCK, clients[1].tax_id, "", "M10", "много"),
        (STOCK, clients[1].tax_id, "", "Ш8", "0"),
        (STOCK, clients[1].tax_id, "", "", "3"),
        (RETRO, clients[2].tax_id, "", "M8", "10"),
        (STOCK, clients[2].tax_id, "контроль", "M8", "10"),
        (STOCK, clients[0].tax_id, "", "Ш8", "0,0001"),
    ]

    run = import_path(path=_file(tmp_path, rows), imported_by=head_of_sales)

    assert run.status == ImportStatus.FAILED
    assert [(error["row"], error["column"], error["message"]) for error in run.errors] == [
        (3, "Артикул", "the product is kept for this client on row 2 already"),
        (4, "Группа", "the client is in another group on row 2: its rows share one group"),
        (4, "Артикул", "the control group gets no stock: leave Артикул empty"),
        (5, "Артикул", "no such product: import it with the products file first"),
        (6, "Количество в месяц", "not a number: «много» (write 1 234,56)"),
        (7, "Количество в месяц", "a monthly quantity is above 0"),
        (8, "ИНН", "the client is in this program on row 5 already"),
        (8, "Артикул", "a value is required: the Артикул of the product kept"),
        (9, "Артикул", "only a guaranteed-stock program keeps products: leave Артикул empty"),
        (10, "Артикул", "the control group gets no stock: leave Артикул empty"),
        (11, "Количество в месяц", "more than 3 digits after the decimal point: «0,0001»"),
    ]
    assert _kept() == []
    assert stock_program.memberships.count() == 0
