"""Keeping the valid rows: they are imported, the others go to a file with the reason."""

from pathlib import Path

from upsell.imports.models import ImportStatus
from upsell.imports.services import import_path
from upsell.imports.tests.files import csv_write, table_counts
from upsell.products.models import Product
from upsell.shipments.models import Shipment


def test_valid_rows_are_imported_and_rejected_ones_written_with_reasons(
    db: None, tmp_path: Path
) -> None:
    # Given a products file with one good row and two bad ones, in cp1251 with semicolons
    path = csv_write(
        tmp_path / "products.csv",
        [
            ("Артикул", "Номенклатура"),
            ("A-1", "Болт"),
            ("A-1", "Болт-дубль"),
            ("", "Гайка; оцинк."),
        ],
        encoding="cp1251",
    )
    out = tmp_path / "rejected"
    out.mkdir()

    # When it is imported keeping the valid rows
    run = import_path(path=path, keep_valid_rows=True, rejected_dir=out)

    # Then the good row is a product, the run is partial, and the rest are in the file
    assert run.status == ImportStatus.PARTIAL
    assert list(Product.objects.values_list("sku", "name")) == [("A-1", "Болт")]
    assert run.rejected_file == str(out / "products.rejected.csv")
    assert (out / "products.rejected.csv").read_bytes() == (
        "\ufeffАртикул;Номенклатура;row;reason\r\n"
        "A-1;Болт-дубль;3;Артикул: repeats row 2\r\n"
        ';"Гайка; оцинк.";4;Артикул: a value is required\r\n'
    ).encode()
    assert run.error_count == 2
    assert run.counts == {"products": {"created": 1, "updated": 0, "unchanged": 0}}


def test_a_document_with_a_bad_line_is_rejected_whole(catalogue: object, tmp_path: Path) -> None:
    # Given two documents, the first with one bad line
    path = csv_write(
        tmp_path / "shipments.csv",
        [
            ("Дата", "Номер", "Контрагент", "Артикул", "Количество", "Сумма"),
            ("01.03.2025", "РТ-1", "ИП Сидоров", "A-1", "1", "10"),
            ("01.03.2025", "РТ-1", "ИП Сидоров", "A-2", "много", "10"),
            ("02.03.2025", "РТ-2", "ИП Сидоров", "A-1", "2", "20"),
        ],
        delimiter=",",
    )

    # When it is imported keeping the valid rows, the rejected file beside it
    run = import_path(path=path, keep_valid_rows=True)

    # Then only the second document is imported; both lines of the first are rejected
    assert run.status == ImportStatus.PARTIAL
    assert list(Shipment.objects.values_list("number", "line_count")) == [("РТ-2", 1)]
    assert (tmp_path / "shipments.rejected.csv").read_bytes().decode("utf-8-sig") == (
        "Дата,Номер,Контрагент,Артикул,Количество,Сумма,row,reason\r\n"
        "01.03.2025,РТ-1,ИП Сидоров,A-1,1,10,2,"
        "another line of this document is rejected (rows 3)\r\n"
        "01.03.2025,РТ-1,ИП Сидоров,A-2,много,10,3,"
        '"Количество: not a number: «много» (write 1 234,56)"\r\n'
    )
    assert run.error_count == 1


def test_a_file_with_no_valid_row_fails_and_still_says_why(db: None, tmp_path: Path) -> None:
    # Given a products file whose only row is bad
    path = csv_write(tmp_path / "products.csv", [("Артикул", "Номенклатура"), ("A-1", "")])
    before = table_counts()

    # When it is imported keeping the valid rows
    run = import_path(path=path, keep_valid_rows=True)

    # Then nothing is written, the run failed, and the row is in the rejected file
    assert (run.status, table_counts()) == (ImportStatus.FAILED, before)
    assert (tmp_path / "products.rejected.csv").read_bytes().decode("utf-8-sig") == (
        "Артикул;Номенклатура;row;reason\r\nA-1;;2;Номенклатура: a value is required\r\n"
    )
