"""Keeping the valid rows of a shipments file, a stored document is never shrunk or changed on
the strength of a rejected row that is, or may be, one of its lines: it is held back whole and
listed with the rows that held it, while the other documents of the file are imported."""

import csv
import datetime as dt
import io
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import pytest

from upsell.imports.models import ImportStatus
from upsell.imports.services import import_path
from upsell.imports.tests.files import csv_write, table_counts, xlsx_write
from upsell.shipments.models import Shipment

HEADER = ("Дата", "Номер", "Контрагент", "ИНН", "Артикул", "Количество", "Сумма")
SIDOROV = ("ИП Сидоров", "500100732259")
ALPHA = ('ООО "Альфа"', "7707083893")
STORED = [
    ("01.03.2025", "РТ-1", *SIDOROV, "A-1", "1", "10,00"),
    ("01.03.2025", "РТ-1", *SIDOROV, "A-2", "2", "1 500,00"),
    ("01.03.2025", "РТ-1", *SIDOROV, "B-2", "3", "4,50"),
    ("02.03.2025", "РТ-2", *ALPHA, "C-3", "10", "5,00"),
]
# The second line of РТ-1, damaged in each way a 1C export or a hand can damage it.
LINE = ("A-2", "2", "1 500,00")
DAMAGED = {
    "number blank": ("01.03.2025", "", *SIDOROV, *LINE),
    "date blank": ("", "РТ-1", *SIDOROV, *LINE),
    "date unreadable": ("31.02.2025", "РТ-1", *SIDOROV, *LINE),
    "client blank": ("01.03.2025", "РТ-1", "", "", *LINE),
    "ИНН unreadable": ("01.03.2025", "РТ-1", "ИП Сидоров", "5001007322", *LINE),
    "number blank, client without its ИНН": ("01.03.2025", "", "ИП Сидоров", "", *LINE),
}
HELD_RT_1: dict[str, object] = {
    "outcome": "held_back", "number": "РТ-1", "date": "2025-03-01", "client": "ИП Сидоров",
    "lines_before": 3, "total_before": "1514.50", "lines_after": 3, "total_after": "1514.50",
    "held_by": [3],
}  # fmt: skip
REPLACED_RT_2: dict[str, object] = {
    "outcome": "replaced", "number": "РТ-2", "date": "2025-03-02", "client": 'ООО "Альфа"',
    "lines_before": 1, "total_before": "5.00", "lines_after": 1, "total_after": "6.00",
    "held_by": [],
}  # fmt: skip
CREATED_RT_3: dict[str, object] = {
    "outcome": "created", "number": "РТ-3", "date": "2025-03-03", "client": 'ООО "Альфа"',
    "lines_before": None, "total_before": None, "lines_after": 1, "total_after": "10.00",
    "held_by": [],
}  # fmt: skip


def _csv(tmp_path: Path, rows: Sequence[Sequence[str]], name: str) -> Path:
    return csv_write(tmp_path / name, [HEADER, *rows], encoding="cp1251", newline="\r\n")


def _corrected(damaged: Sequence[str]) -> list[Sequence[str]]:
    """РТ-1 with a damaged second line, РТ-2 corrected, РТ-3 new."""
    return [
        STORED[0],
        damaged,
        STORED[2],
        ("02.03.2025", "РТ-2", *ALPHA, "C-3", "12", "6,00"),
        ("03.03.2025", "РТ-3", *ALPHA, "A-1", "1", "10,00"),
    ]


def _document(number: str) -> tuple[object, ...]:
    shipment = Shipment.objects.get(number=number)
    return (
        shipment.total,
        shipment.line_count,
        shipment.content_hash,
        list(shipment.lines.order_by("line_no").values_list("pk", "product__sku", "amount")),
    )


@pytest.fixture
def stored(catalogue: object, tmp_path: Path) -> tuple[object, ...]:
    """РТ-1 (three lines, 1 514,50) and РТ-2 imported; РТ-1 as it is stored."""
    run = import_path(path=_csv(tmp_path, STORED, "march.csv"))
    assert run.status == ImportStatus.SUCCEEDED
    return _document("РТ-1")


@pytest.mark.parametrize("damage", list(DAMAGED))
def test_a_damaged_line_holds_its_stored_document_back_while_the_others_import(
    stored: tuple[object, ...], tmp_path: Path, damage: str
) -> None:
    # Given a corrected file in which one line of the stored РТ-1 is damaged
    path = _csv(tmp_path, _corrected(DAMAGED[damage]), "corrected.csv")

    # When it is imported keeping the valid rows
    run = import_path(path=path, keep_valid_rows=True)

    # Then РТ-1 is exactly as it was, listed as held back by that row, and the others are in
    assert run.status == ImportStatus.PARTIAL
    assert _document("РТ-1") == stored
    assert (Decimal(str(stored[0])), stored[1]) == (Decimal("1514.50"), 3)
    assert run.documents == [HELD_RT_1, REPLACED_RT_2, CREATED_RT_3]
    assert run.document_count == 3
    assert list(Shipment.objects.order_by("number").values_list("number", "total")) == [
        ("РТ-1", Decimal("1514.50")),
        ("РТ-2", Decimal("6.00")),
        ("РТ-3", Decimal("10.00")),
    ]
    # and every line of РТ-1 is in the rejected rows, to correct and import again
    rejected = (tmp_path / "corrected.rejected.csv").read_bytes().decode("utf-8-sig")
    assert [row[-2] for row in csv.reader(io.StringIO(rejected), delimiter=";")][1:] == [
        "2",
        "3",
        "4",
    ]


def test_the_rejected_rows_say_why_a_whole_document_waits(
    stored: tuple[object, ...], tmp_path: Path
) -> None:
    path = _csv(tmp_path, _corrected(DAMAGED["number blank"]), "corrected.csv")

    import_path(path=path, keep_valid_rows=True)

    rejected = (tmp_path / "corrected.rejected.csv").read_bytes().decode("utf-8-sig")
    held = "rejected rows 3 may be lines of this document: it is held back whole"
    assert rejected.splitlines() == [
        "Дата;Номер;Контрагент;ИНН;Артикул;Количество;Сумма;row;reason",
        f"01.03.2025;РТ-1;ИП Сидоров;500100732259;A-1;1;10,00;2;{held}",
        "01.03.2025;;ИП Сидоров;500100732259;A-2;2;1 500,00;3;Номер: a value is required",
        f"01.03.2025;РТ-1;ИП Сидоров;500100732259;B-2;3;4,50;4;{held}",
    ]


def test_the_same_file_again_changes_nothing_and_holds_the_same_back(
    stored: tuple[object, ...], tmp_path: Path
) -> None:
    path = _csv(tmp_path, _corrected(DAMAGED["date blank"]), "corrected.csv")
    import_path(path=path, keep_valid_rows=True)
    before = table_counts()
    documents = list(Shipment.objects.order_by("pk").values())

    again = import_path(path=path, keep_valid_rows=True)

    assert (table_counts(), list(Shipment.objects.order_by("pk").values())) == (
        before,
        documents,
    )
    assert again.documents == [HELD_RT_1]


def test_a_line_without_its_number_between_two_documents_it_fits_holds_both_back(
    stored: tuple[object, ...], tmp_path: Path
) -> None:
    # Given РТ-1 whose last line lost its number, then a new РТ-4 of the same client and day
    rows = [
        STORED[0],
        STORED[1],
        ("01.03.2025", "", *SIDOROV, "B-2", "3", "4,50"),
        ("01.03.2025", "РТ-4", *SIDOROV, "A-1", "5", "50,00"),
        ("02.03.2025", "РТ-5", *ALPHA, "A-1", "5", "50,00"),
    ]

    # When it is imported keeping the valid rows
    run = import_path(path=_csv(tmp_path, rows, "march-2.csv"), keep_valid_rows=True)

    # Then the line may be РТ-1's or РТ-4's: both wait; РТ-5 of another client and day is in
    assert _document("РТ-1") == stored
    assert not Shipment.objects.filter(number="РТ-4").exists()
    assert [(d["outcome"], d["number"], d["held_by"]) for d in run.documents] == [
        ("held_back", "РТ-1", [4]),
        ("held_back", "РТ-4", [4]),
        ("created", "РТ-5", []),
    ]
    assert run.documents[1]["lines_before"] is None


def test_a_line_without_its_number_holds_back_only_the_neighbour_it_fits(
    stored: tuple[object, ...], tmp_path: Path
) -> None:
    # Given РТ-1 whose last line lost its number, followed by РТ-2 of another client and day
    rows = [STORED[0], STORED[1], ("01.03.2025", "", *SIDOROV, "B-2", "3", "4,50"), STORED[3]]

    # When it is imported keeping the valid rows
    run = import_path(path=_csv(tmp_path, rows, "march-3.csv"), keep_valid_rows=True)

    # Then only РТ-1 waits; РТ-2, the same as stored, is left alone
    assert _document("РТ-1") == stored
    assert [(d["outcome"], d["number"], d["held_by"]) for d in run.documents] == [
        ("held_back", "РТ-1", [4]),
    ]
    assert run.counts["shipments"] == {"created": 0, "updated": 0, "unchanged": 1}


def test_a_real_workbook_with_a_line_that_lost_its_number(
    stored: tuple[object, ...], tmp_path: Path
) -> None:
    # Given the corrected file as an Excel workbook with typed dates and numbers
    rows: list[tuple[object, ...]] = [
        (dt.date(2025, 3, 1), "РТ-1", *SIDOROV, "A-1", 1, 10),
        (dt.date(2025, 3, 1), None, *SIDOROV, "A-2", 2, 1500),
        (dt.date(2025, 3, 1), "РТ-1", *SIDOROV, "B-2", 3, 4.5),
        (dt.date(2025, 3, 2), "РТ-2", *ALPHA, "C-3", 12, 6),
        (dt.date(2025, 3, 3), "РТ-3", *ALPHA, "A-1", 1, 10),
    ]
    path = xlsx_write(tmp_path / "corrected.xlsx", [HEADER, *rows])

    # When it is imported keeping the valid rows
    run = import_path(path=path, keep_valid_rows=True)

    # Then РТ-1 is held back as it was, the rest is in
    assert _document("РТ-1") == stored
    assert run.documents == [HELD_RT_1, REPLACED_RT_2, CREATED_RT_3]


def test_all_or_nothing_writes_nothing_whatever_the_damage(
    stored: tuple[object, ...], tmp_path: Path
) -> None:
    before = table_counts()

    run = import_path(path=_csv(tmp_path, _corrected(DAMAGED["number blank"]), "c.csv"))

    assert (run.status, run.documents, table_counts()) == (ImportStatus.FAILED, [], before)
    assert run.errors == [{"row": 3, "column": "Номер", "message": "a value is required"}]
