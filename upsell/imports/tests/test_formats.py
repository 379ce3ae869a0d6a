"""Every encoding, delimiter and workbook a company's file comes in reads to the same rows."""

import datetime
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from upsell.core.spreadsheets import FORMULA_STARTS, text_neutralised
from upsell.imports.formats.values import text_clean
from upsell.imports.models import ImportKind, ImportStatus
from upsell.imports.services import import_path
from upsell.imports.tests.files import csv_write, xlsx_write
from upsell.products.models import Product
from upsell.shipments.models import ShipmentLine

PRODUCTS = [
    ("Артикул", "Номенклатура", "Группа", "Единица"),
    ("A-1", "Болт М8", "Крепёж", "шт"),
    ("B-2", 'Гайка "М8"; оцинк., 100 шт', "Крепёж", "упак"),
]
EXPECTED = [
    ("A-1", "Болт М8", "Крепёж", "шт"),
    ("B-2", 'Гайка "М8"; оцинк., 100 шт', "Крепёж", "упак"),
]


def _products() -> list[tuple[str, str, str, str]]:
    return list(Product.objects.order_by("sku").values_list("sku", "name", "group", "unit"))


@pytest.mark.parametrize(
    ("encoding", "delimiter", "newline"),
    [
        ("utf-8", ",", "\n"),
        ("utf-8-sig", ";", "\r\n"),
        ("cp1251", ";", "\r\n"),
        ("utf-16", "\t", "\r\n"),  # Excel's "Unicode text": UTF-16 with a BOM, tabs
        ("utf-8", "\t", "\n"),
    ],
)
def test_csv_in_each_encoding_and_delimiter_imports_the_same_rows(
    db: None, tmp_path: Path, encoding: str, delimiter: str, newline: str
) -> None:
    # Given the products file written in this encoding with this delimiter
    path = csv_write(
        tmp_path / "products.csv",
        PRODUCTS,
        encoding=encoding,
        delimiter=delimiter,
        newline=newline,
    )

    # When it is imported
    run = import_path(path=path)

    # Then the products are exactly the file's
    assert (run.status, run.kind, run.rows_total, run.error_count) == (
        ImportStatus.SUCCEEDED,
        ImportKind.PRODUCTS,
        2,
        0,
    )
    assert _products() == EXPECTED
    assert run.counts == {"products": {"created": 2, "updated": 0, "unchanged": 0}}


def test_xlsx_reads_the_first_sheet_from_its_first_non_empty_row(db: None, tmp_path: Path) -> None:
    # Given a workbook with a title area above the header, a numeric SKU cell and a blank row
    path = xlsx_write(
        tmp_path / "products.xlsx",
        [
            (),
            (None, None),
            PRODUCTS[0],
            PRODUCTS[1],
            (),
            (12345, "Шайба 8", "Крепёж", "шт"),
            PRODUCTS[2],
        ],
    )

    # When it is imported
    run = import_path(path=path)

    # Then every data row is a product, the number cell read as the text a person sees
    assert (run.status, run.rows_total) == (ImportStatus.SUCCEEDED, 3)
    assert _products() == [
        ("12345", "Шайба 8", "Крепёж", "шт"),
        *EXPECTED,
    ]


def test_xlsx_dates_and_numbers_are_read_from_real_cells(catalogue: object, tmp_path: Path) -> None:
    # Given a shipments workbook whose dates and numbers are typed cells, not text
    path = xlsx_write(
        tmp_path / "shipments.xlsx",
        [
            ("Дата", "Номер", "Контрагент", "Артикул", "Количество", "Цена", "Сумма"),
            (datetime.date(2025, 3, 1), "РТ-1", "ИП Сидоров", "A-1", 2.5, 10.1, 25.25),
            # Excel cells carry no time zone.
            (datetime.datetime(2025, 3, 1, 0, 0), "РТ-1", "ИП Сидоров", "A-2", 3, 0.3, 0.9),  # noqa: DTZ001
        ],
    )

    # When it is imported
    run = import_path(path=path)

    # Then the cells keep their exact values
    assert run.status == ImportStatus.SUCCEEDED
    assert list(
        ShipmentLine.objects.order_by("line_no").values_list(
            "shipment__date", "product__sku", "quantity", "price", "amount"
        )
    ) == [
        (datetime.date(2025, 3, 1), "A-1", Decimal("2.500"), Decimal("10.10"), Decimal("25.25")),
        (datetime.date(2025, 3, 1), "A-2", Decimal("3.000"), Decimal("0.30"), Decimal("0.90")),
    ]


def test_english_headers_in_any_case_with_spaces_are_recognised(db: None, tmp_path: Path) -> None:
    # Given a products file with English headers written loosely
    path = csv_write(
        tmp_path / "catalogue.csv",
        [(" SKU ", "Product", "GROUP", "unit"), *PRODUCTS[1:]],
        delimiter=",",
    )

    # When it is imported without saying its kind
    run = import_path(path=path)

    # Then it is read as products
    assert (run.status, run.kind) == (ImportStatus.SUCCEEDED, ImportKind.PRODUCTS)
    assert _products() == EXPECTED


def test_yo_and_ye_are_the_same_letter_in_headers(db: None, tmp_path: Path) -> None:
    # Given a clients file that writes Партнёр as Партнер
    path = csv_write(tmp_path / "clients.csv", [("Контрагент", "Партнер"), ("ИП Сидоров", "Да")])

    # When it is imported
    run = import_path(path=path)

    # Then the column is recognised
    assert (run.status, run.kind) == (ImportStatus.SUCCEEDED, ImportKind.CLIENTS)


def test_a_quoted_value_spanning_lines_keeps_later_row_numbers_true(
    catalogue: object, tmp_path: Path
) -> None:
    # Given a shipments file whose second row's product name spans two lines, and whose
    # next row (on line 4 of the file) has a bad date
    path = csv_write(
        tmp_path / "shipments.csv",
        [
            ("Дата", "Номер", "Контрагент", "Артикул", "Номенклатура", "Количество", "Сумма"),
            ("01.03.2025", "РТ-1", "ИП Сидоров", "A-1", "Болт\nдлинный", "1", "10"),
            ("31.02.2025", "РТ-2", "ИП Сидоров", "A-1", "Болт", "1", "10"),
        ],
    )

    # When it is imported
    run = import_path(path=path)

    # Then the error names line 4, where that row is in the file
    assert run.errors == [
        {"row": 4, "column": "Дата", "message": "not a date: «31.02.2025» (write 31.12.2025)"}
    ]


def test_forced_kind_overrides_detection(db: None, tmp_path: Path) -> None:
    # Given a file of client names, which alone reads as a clients file
    path = csv_write(tmp_path / "names.csv", [("Контрагент",), ("ИП Сидоров",)])

    # When it is imported as payments
    run = import_path(path=path, kind=ImportKind.PAYMENTS)

    # Then it is checked as payments, and lacks their columns
    assert (run.status, run.kind) == (ImportStatus.FAILED, ImportKind.PAYMENTS)
    assert run.errors == [
        {"row": 1, "column": "Дата", "message": "required column is missing"},
        {"row": 1, "column": "Сумма", "message": "required column is missing"},
    ]


def test_blank_lines_are_skipped_and_rows_keep_their_file_numbers(db: None, tmp_path: Path) -> None:
    # Given a file with blank lines (and a line of bare separators) between its rows
    path = tmp_path / "products.csv"
    path.write_text("Артикул;Номенклатура\n\nA-1;Болт\n;\n  \nB-2;\n", encoding="utf-8")

    # When it is imported
    run = import_path(path=path)

    # Then the blank lines are no rows, and the bad row is named by its own line
    assert run.rows_total == 2
    assert run.errors == [{"row": 6, "column": "Номенклатура", "message": "a value is required"}]


def test_windows_1251_text_after_a_plain_ascii_start_is_still_read(
    db: None, tmp_path: Path
) -> None:
    # Given a Windows-1251 file whose first 64 KB happen to be plain ASCII
    rows = [("sku", "product"), *[(f"A-{i}", "bolt") for i in range(7000)], ("Я-1", "Шайба")]
    path = csv_write(tmp_path / "products.csv", rows, encoding="cp1251", delimiter=",")

    # When it is imported
    run = import_path(path=path)

    # Then the Cyrillic at its end is read as Windows-1251, not refused as broken UTF-8
    assert (run.status, run.rows_total) == (ImportStatus.SUCCEEDED, 7001)
    assert Product.objects.get(sku="Я-1").name == "Шайба"


# A report as 1C saves it: its title, period and filters above the table.
REPORT_HEAD = [
    ("Номенклатура",),
    ("Период: 01.01.2026 - 31.03.2026",),
    ("Отбор:", 'Группа В списке "Крепёж"'),
    (),
]


def test_a_csv_report_with_title_and_period_rows_reads_from_its_header(
    db: None, tmp_path: Path
) -> None:
    # Given a report saved in Windows-1251 with four rows above its header, one of them
    # a lone word that is also a column's name
    path = csv_write(
        tmp_path / "products.csv",
        [*REPORT_HEAD, *PRODUCTS, ("C-3", "", "Крепёж", "шт")],
        encoding="cp1251",
        delimiter=";",
        newline="\r\n",
    )

    # When it is imported
    run = import_path(path=path)

    # Then the header is found below them, and a bad row is named by its own line in the file
    assert (run.kind, run.rows_total) == (ImportKind.PRODUCTS, 3)
    assert run.errors == [{"row": 8, "column": "Номенклатура", "message": "a value is required"}]
    assert _products() == []


def test_a_workbook_report_with_title_and_period_rows_reads_from_its_header(
    db: None, tmp_path: Path
) -> None:
    # Given the same report as a workbook
    path = xlsx_write(tmp_path / "products.xlsx", [*REPORT_HEAD, *PRODUCTS])

    # When it is imported
    run = import_path(path=path)

    # Then its products are the table's
    assert (run.status, run.kind, run.rows_total) == (
        ImportStatus.SUCCEEDED,
        ImportKind.PRODUCTS,
        2,
    )
    assert _products() == EXPECTED


def test_a_file_whose_rows_name_no_known_column_is_refused_by_its_first_row(
    db: None, tmp_path: Path
) -> None:
    # Given a file whose header names no column the import knows
    path = tmp_path / "products.csv"
    path.write_text("Отчёт о продажах\nПоле 1;Поле 2\nA-1;Болт\n", encoding="utf-8")

    # When it is imported
    run = import_path(path=path)

    # Then it is refused, naming the columns of its first row
    assert run.status == ImportStatus.FAILED
    assert run.errors[0]["message"].startswith(
        "none of its columns (Отчёт о продажах) is a column the import knows"
    )


def test_a_missing_column_is_named_at_the_reports_header_row(db: None, tmp_path: Path) -> None:
    # Given a report whose header, on its fifth row, lacks the products' names
    path = xlsx_write(
        tmp_path / "products.xlsx",
        [*REPORT_HEAD, ("Артикул", "Группа", "Единица"), ("A-1", "Крепёж", "шт")],
    )

    # When it is imported
    run = import_path(path=path, kind=ImportKind.PRODUCTS)

    # Then the missing column is named at the row the header is on
    assert run.errors == [
        {"row": 5, "column": "Номенклатура", "message": "required column is missing"}
    ]


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_a_text_neutralised_by_the_products_files_is_read_back_as_it_was(start: str) -> None:
    written = text_neutralised(f"{start}SUM(A1)")
    cells = pl.DataFrame({"cell": [written, "'plain", "  '=kept  "]})

    read = cells.select(text_clean(pl.col("cell")))["cell"].to_list()

    assert written == f"'{start}SUM(A1)"
    # Surrounding spaces go first; an apostrophe before anything else is the text's own.
    assert read == [f"{start}SUM(A1)", "'plain", "=kept"]
