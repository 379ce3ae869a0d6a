"""Shipments files: documents, lines, and the clients, managers and products they name."""

import datetime
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from upsell.accounts.models import Role, User
from upsell.clients.models import Client
from upsell.clients.tests.factories import ClientFactory
from upsell.imports.models import ImportStatus
from upsell.imports.services import import_path
from upsell.imports.tests.files import csv_write, table_counts
from upsell.products.models import Product
from upsell.shipments.models import Shipment, ShipmentLine
from upsell.shipments.tests.factories import shipment_with_line

HEADER = (
    "Дата", "Номер", "Контрагент", "ИНН", "Менеджер", "Артикул", "Номенклатура",
    "Количество", "Цена", "Сумма",
)  # fmt: skip
ALPHA = ('ООО "Альфа"', "7707083893")
ANNA = "Иванова Анна Сергеевна"


def _file(tmp_path: Path, rows: Sequence[Sequence[str]], name: str = "shipments.csv") -> Path:
    """A shipments file as 1C writes it: Windows-1251, semicolons, CRLF."""
    return csv_write(tmp_path / name, [HEADER, *rows], encoding="cp1251", newline="\r\n")


DOCUMENTS = [
    (
        "31.12.2025 0:00:00",
        "РТ-000001",
        *ALPHA,
        ANNA,
        "A-1",
        "Болт М8",
        "10",
        "1\u00a0234,50",
        "12\u00a0345,00",
    ),
    ("31.12.2025 0:00:00", "РТ-000001", *ALPHA, ANNA, "B-2", "Гайка М8", "1,5", "2,00", "3,00"),
    (
        "15.12.2025 0:00:00",
        "ВЗ-000001",
        *ALPHA,
        ANNA,
        "A-1",
        "Болт М8",
        "-1",
        "1\u00a0234,50",
        "-1\u00a0234,50",
    ),
    ("01.12.2025", "РТ-000002", "ИП Петров", "", "", "A-1", "Болт М8", "2", "", "2\u00a0469,00"),
]


def _documents() -> list[tuple[object, ...]]:
    return list(
        Shipment.objects.order_by("date", "number").values_list(
            "number", "date", "client__name", "manager__full_name", "total", "line_count"
        )
    )


def _lines() -> list[tuple[object, ...]]:
    return list(
        ShipmentLine.objects.order_by("shipment__date", "shipment__number", "line_no").values_list(
            "shipment__number", "line_no", "product__sku", "quantity", "price", "amount"
        )
    )


def test_a_shipments_file_writes_documents_and_lines_and_creates_what_it_names(
    db: None, tmp_path: Path
) -> None:
    # Given nothing stored yet
    # When a 1C shipments file is imported, asked to create the products it names
    run = import_path(path=_file(tmp_path, DOCUMENTS), create_products=True)

    # Then each (Номер, Дата) is a document with its lines, totals net of returns
    assert run.status == ImportStatus.SUCCEEDED
    assert _documents() == [
        ("РТ-000002", datetime.date(2025, 12, 1), "ИП Петров", None, Decimal("2469.00"), 1),
        ("ВЗ-000001", datetime.date(2025, 12, 15), 'ООО "Альфа"', ANNA, Decimal("-1234.50"), 1),
        ("РТ-000001", datetime.date(2025, 12, 31), 'ООО "Альфа"', ANNA, Decimal("12348.00"), 2),
    ]
    assert _lines() == [
        ("РТ-000002", 1, "A-1", Decimal("2.000"), Decimal("1234.50"), Decimal("2469.00")),
        ("ВЗ-000001", 1, "A-1", Decimal("-1.000"), Decimal("1234.50"), Decimal("-1234.50")),
        ("РТ-000001", 1, "A-1", Decimal("10.000"), Decimal("1234.50"), Decimal("12345.00")),
        ("РТ-000001", 2, "B-2", Decimal("1.500"), Decimal("2.00"), Decimal("3.00")),
    ]
    # and the clients, the manager and the products it names exist now
    assert list(
        Client.objects.order_by("name").values_list("name", "tax_id", "manager__full_name")
    ) == [("ИП Петров", "", None), ('ООО "Альфа"', "7707083893", ANNA)]
    manager = User.objects.get(full_name=ANNA)
    assert (manager.role, manager.has_usable_password(), manager.username) == (
        Role.MANAGER,
        False,
        "ivanova.as",
    )
    assert list(Product.objects.order_by("sku").values_list("sku", "name")) == [
        ("A-1", "Болт М8"),
        ("B-2", "Гайка М8"),
    ]
    assert run.counts == {
        "managers": {"created": 1, "updated": 0, "unchanged": 0},
        "clients": {"created": 2, "updated": 0, "unchanged": 0},
        "products": {"created": 2, "updated": 0, "unchanged": 0},
        "shipments": {"created": 3, "updated": 0, "unchanged": 0},
        "shipment_lines": {"created": 4, "updated": 0, "unchanged": 0},
    }
    # and the summary lists every document created and every product created
    assert run.documents == [
        _created("РТ-000001", "2025-12-31", 'ООО "Альфа"', 2, "12348.00"),
        _created("ВЗ-000001", "2025-12-15", 'ООО "Альфа"', 1, "-1234.50"),
        _created("РТ-000002", "2025-12-01", "ИП Петров", 1, "2469.00"),
    ]
    assert run.document_count == 3
    assert run.products_created == [
        {"sku": "A-1", "name": "Болт М8"},
        {"sku": "B-2", "name": "Гайка М8"},
    ]


def _created(number: str, date: str, client: str, lines: int, total: str) -> dict[str, object]:
    return {
        "outcome": "created", "number": number, "date": date, "client": client,
        "lines_before": None, "total_before": None, "lines_after": lines, "total_after": total,
        "held_by": [],
    }  # fmt: skip


def test_a_product_code_the_catalogue_lacks_is_an_error_naming_row_and_column(
    catalogue: object, tmp_path: Path
) -> None:
    # Given the catalogue, and a file with a mistyped code (А-1 with a Cyrillic А)
    rows = [DOCUMENTS[0], (*DOCUMENTS[1][:5], "А-1", *DOCUMENTS[1][6:]), *DOCUMENTS[2:]]
    path = _file(tmp_path, rows)
    before = table_counts()

    # When it is imported
    run = import_path(path=path)

    # Then the code is refused where it is written, and nothing is written
    assert (run.status, run.errors) == (
        ImportStatus.FAILED,
        [
            {
                "row": 3,
                "column": "Артикул",
                "message": "no product has the code «А-1»: import it with the products file first",
            }
        ],
    )
    assert table_counts() == before

    # When it is imported asked to create missing products
    run = import_path(path=path, create_products=True)

    # Then the product is created under the file's name for it, and listed
    assert run.status == ImportStatus.SUCCEEDED
    assert Product.objects.get(sku="А-1").name == "Гайка М8"
    assert run.products_created == [{"sku": "А-1", "name": "Гайка М8"}]
    assert run.counts["products"] == {"created": 1, "updated": 0, "unchanged": 1}


def test_the_same_file_twice_changes_nothing(catalogue: object, tmp_path: Path) -> None:
    # Given a shipments file imported once
    path = _file(tmp_path, DOCUMENTS)
    import_path(path=path)
    counts = table_counts()
    lines = list(ShipmentLine.objects.order_by("pk").values())
    documents = list(Shipment.objects.order_by("pk").values())

    # When it is imported again
    run = import_path(path=path)

    # Then nothing changes, and the run says so
    assert run.status == ImportStatus.SUCCEEDED
    assert (table_counts(), lines, documents) == (
        counts,
        list(ShipmentLine.objects.order_by("pk").values()),
        list(Shipment.objects.order_by("pk").values()),
    )
    assert run.counts == {
        "managers": {"created": 0, "updated": 0, "unchanged": 1},
        "clients": {"created": 0, "updated": 0, "unchanged": 2},
        "products": {"created": 0, "updated": 0, "unchanged": 2},
        "shipments": {"created": 0, "updated": 0, "unchanged": 3},
        "shipment_lines": {"created": 0, "updated": 0, "unchanged": 4},
    }
    assert (run.documents, run.document_count, run.products_created) == ([], 0, [])


def test_imported_lines_take_the_ids_after_the_stored_ones_and_later_lines_follow(
    catalogue: object, tmp_path: Path
) -> None:
    # Given a line stored already
    stored = shipment_with_line(
        client=ClientFactory.create(), date=datetime.date(2025, 11, 1), amount=Decimal(10)
    ).lines.get()

    # When a file's lines are imported (their ids taken at once), and a line is written after
    run = import_path(path=_file(tmp_path, DOCUMENTS))
    later = shipment_with_line(
        client=ClientFactory.create(), date=datetime.date(2026, 1, 1), amount=Decimal(20)
    ).lines.get()

    # Then the imported lines follow the stored one in the file's order, and the later line
    # follows them: no id is taken twice
    assert run.status == ImportStatus.SUCCEEDED
    assert list(
        ShipmentLine.objects.exclude(pk__in=[stored.pk, later.pk])
        .order_by("pk")
        .values_list("pk", "shipment__number", "line_no")
    ) == [
        (stored.pk + 1, "РТ-000001", 1),
        (stored.pk + 2, "РТ-000001", 2),
        (stored.pk + 3, "ВЗ-000001", 1),
        (stored.pk + 4, "РТ-000002", 1),
    ]
    assert later.pk == stored.pk + 5


def test_cells_that_differ_by_surrounding_spaces_name_the_same_thing(
    catalogue: object, tmp_path: Path
) -> None:
    # Given a document whose second line writes its number, client and product with spaces
    rows = [
        ("31.12.2025", "РТ-000001", *ALPHA, ANNA, "A-1", "Болт М8", "1", "10,00", "10,00"),
        (
            "31.12.2025",
            " РТ-000001 ",
            '  ООО "Альфа"',
            "7707083893",
            ANNA,
            "A-1 ",
            "Болт М8",
            "2",
            "10,00",
            "20,00",
        ),
    ]

    # When it is imported
    run = import_path(path=_file(tmp_path, rows))

    # Then it is one document of one client, both lines of the same product
    assert run.status == ImportStatus.SUCCEEDED
    assert _documents() == [
        ("РТ-000001", datetime.date(2025, 12, 31), 'ООО "Альфа"', ANNA, Decimal("30.00"), 2)
    ]
    assert _lines() == [
        ("РТ-000001", 1, "A-1", Decimal("1.000"), Decimal("10.00"), Decimal("10.00")),
        ("РТ-000001", 2, "A-1", Decimal("2.000"), Decimal("10.00"), Decimal("20.00")),
    ]


def test_a_corrected_document_replaces_the_stored_one(catalogue: object, tmp_path: Path) -> None:
    # Given the documents imported once
    import_path(path=_file(tmp_path, DOCUMENTS))
    untouched = Shipment.objects.get(number="РТ-000002")
    untouched_lines = list(untouched.lines.values_list("pk", flat=True))

    # When a corrected export changes one document's lines (a quantity, a new line)
    corrected = [
        (
            "31.12.2025",
            "РТ-000001",
            *ALPHA,
            ANNA,
            "A-1",
            "Болт М8",
            "8",
            "1\u00a0234,50",
            "9\u00a0876,00",
        ),
        ("31.12.2025", "РТ-000001", *ALPHA, ANNA, "B-2", "Гайка М8", "1,5", "2,00", "3,00"),
        ("31.12.2025", "РТ-000001", *ALPHA, ANNA, "C-3", "Шайба", "100", "0,50", "50,00"),
        *DOCUMENTS[2:],
    ]
    run = import_path(path=_file(tmp_path, corrected, name="corrected.csv"))

    # Then that document is replaced, line by line, and the others are left alone
    assert run.counts["shipments"] == {"created": 0, "updated": 1, "unchanged": 2}
    assert run.counts["shipment_lines"] == {"created": 0, "updated": 3, "unchanged": 2}
    assert list(
        ShipmentLine.objects.filter(shipment__number="РТ-000001")
        .order_by("line_no")
        .values_list("line_no", "product__sku", "quantity", "amount")
    ) == [
        (1, "A-1", Decimal("8.000"), Decimal("9876.00")),
        (2, "B-2", Decimal("1.500"), Decimal("3.00")),
        (3, "C-3", Decimal("100.000"), Decimal("50.00")),
    ]
    document = Shipment.objects.get(number="РТ-000001")
    assert (document.total, document.line_count) == (Decimal("9929.00"), 3)
    assert list(untouched.lines.values_list("pk", flat=True)) == untouched_lines
    # and the summary says what it was and what it is
    assert run.documents == [
        {
            "outcome": "replaced", "number": "РТ-000001", "date": "2025-12-31",
            "client": 'ООО "Альфа"', "lines_before": 2, "total_before": "12348.00",
            "lines_after": 3, "total_after": "9929.00", "held_by": [],
        }
    ]  # fmt: skip


def test_a_document_moved_to_another_manager_is_corrected(
    catalogue: object, tmp_path: Path
) -> None:
    # Given a document imported with one manager
    import_path(path=_file(tmp_path, DOCUMENTS[3:]))

    # When the same document comes again naming a manager
    moved = [(*DOCUMENTS[3][:4], ANNA, *DOCUMENTS[3][5:])]
    run = import_path(path=_file(tmp_path, moved, name="moved.csv"))

    # Then the document is updated to it
    assert run.counts["shipments"] == {"created": 0, "updated": 1, "unchanged": 0}
    assert Shipment.objects.get().manager == User.objects.get(full_name=ANNA)


def test_stored_clients_and_products_are_matched_not_changed(
    catalogue: object, tmp_path: Path
) -> None:
    # Given a client stored with the file's ИНН under another name, one stored by name only,
    # and a product stored under the file's SKU with another name
    by_tax_id = ClientFactory.create(name="Альфа (старое имя)", tax_id="7707083893")
    by_name = ClientFactory.create(name="ИП Петров", tax_id="")
    product = Product.objects.get(sku="A-1")
    product.name = "Болт (из каталога)"
    product.save(update_fields=["name"])

    # When the shipments are imported
    run = import_path(path=_file(tmp_path, DOCUMENTS))

    # Then the documents go to those clients and that product, which stay as they were
    assert set(Shipment.objects.values_list("client_id", flat=True)) == {by_tax_id.pk, by_name.pk}
    assert list(Client.objects.order_by("pk").values_list("name", "tax_id")) == [
        ("Альфа (старое имя)", "7707083893"),
        ("ИП Петров", ""),
    ]
    assert Product.objects.get(sku="A-1").name == product.name
    assert run.counts["clients"] == {"created": 0, "updated": 0, "unchanged": 2}


def test_a_trailing_totals_row_that_adds_up_is_skipped(catalogue: object, tmp_path: Path) -> None:
    # Given the file ends with 1C's "Итого" row, and its sums are those of the rows
    rows = [*DOCUMENTS, ("Итого", "", "", "", "", "", "", "12,5", "", "13\u00a0582,50")]

    # When it is imported
    run = import_path(path=_file(tmp_path, rows))

    # Then the totals row is no document
    assert (run.status, run.rows_total) == (ImportStatus.SUCCEEDED, 5)
    assert Shipment.objects.count() == 3
    assert ShipmentLine.objects.count() == 4


def test_a_client_named_twice_without_an_inn_is_ambiguous(
    catalogue: object, tmp_path: Path
) -> None:
    # Given two stored clients of the same name, and a file naming it without an ИНН
    ClientFactory.create(name="ИП Петров")
    ClientFactory.create(name="ИП Петров")
    before = table_counts()

    # When it is imported
    run = import_path(path=_file(tmp_path, DOCUMENTS[3:]))

    # Then the row is rejected: which client is meant cannot be told
    assert run.errors == [
        {
            "row": 2,
            "column": "Контрагент",
            "message": "2 clients have this name: give the ИНН to tell which",
        }
    ]
    assert table_counts() == before
