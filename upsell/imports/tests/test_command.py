"""``upsell import``: files in dependency order, a summary per file, errors, the exit code."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from upsell.accounts.models import User
from upsell.imports.models import ImportKind, ImportRun, ImportStatus
from upsell.imports.tests.files import csv_write, table_counts
from upsell.shipments.models import Shipment


def _import(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _files(tmp_path: Path) -> tuple[Path, Path, Path, Path]:
    staff = csv_write(
        tmp_path / "staff.csv",
        [("ФИО", "Логин", "Роль"), ("Иванова Анна Сергеевна", "ivanova.a", "Менеджер")],
        delimiter=",",
    )
    products = csv_write(tmp_path / "products.csv", [("Артикул", "Номенклатура"), ("A-1", "Болт")])
    clients = csv_write(
        tmp_path / "clients.csv",
        [
            ("Контрагент", "ИНН", "Менеджер"),
            ("ИП Сидоров", "500100732259", "Иванова Анна Сергеевна"),
        ],
    )
    shipments = csv_write(
        tmp_path / "shipments.csv",
        [
            ("Дата", "Номер", "Контрагент", "ИНН", "Артикул", "Количество", "Сумма"),
            ("01.03.2025", "РТ-1", "ИП Сидоров", "500100732259", "A-1", "2", "20,00"),
        ],
        encoding="cp1251",
    )
    return staff, products, clients, shipments


@override_settings(LANGUAGE_CODE="en")
def test_files_are_imported_in_dependency_order_with_a_summary(
    db: None, tmp_path: Path, admin_adam: User
) -> None:
    # Given staff, products, clients and shipments files, named on the command line backwards
    staff, products, clients, shipments = _files(tmp_path)

    # When they are imported as Adam
    out, err = _import(str(shipments), str(clients), str(products), str(staff), "--as", "adam")

    # Then staff comes first, then products, clients, shipments, each with its summary
    assert out == (
        f"{staff}: staff, Succeeded, 1 rows\n"
        "                     created   updated unchanged\n"
        "  users                    1         0         0\n"
        f"{products}: products, Succeeded, 1 rows\n"
        "                     created   updated unchanged\n"
        "  products                 1         0         0\n"
        f"{clients}: clients, Succeeded, 1 rows\n"
        "                     created   updated unchanged\n"
        "  clients                  1         0         0\n"
        f"{shipments}: shipments, Succeeded, 1 rows\n"
        "                     created   updated unchanged\n"
        "  managers                 0         0         0\n"
        "  clients                  0         0         1\n"
        "  products                 0         0         1\n"
        "  shipments                1         0         0\n"
        "  shipment_lines           1         0         0\n"
        "  documents\n"
        "    created    РТ-1 03/01/2025, ИП Сидоров: 1 line, 20.00\n"
    )
    assert err == ""
    assert list(ImportRun.objects.order_by("pk").values_list("kind", "imported_by")) == [
        (ImportKind.STAFF, admin_adam.pk),
        (ImportKind.PRODUCTS, admin_adam.pk),
        (ImportKind.CLIENTS, admin_adam.pk),
        (ImportKind.SHIPMENTS, admin_adam.pk),
    ]
    # The client got its manager from the clients file, before the shipments named it.
    assert Shipment.objects.values_list("client__manager__username", flat=True).get() == (
        "ivanova.a"
    )


@override_settings(LANGUAGE_CODE="en")
def test_a_failed_file_prints_its_errors_and_exits_non_zero(db: None, tmp_path: Path) -> None:
    # Given a good staff file and a bad products file
    staff, _products, _clients, _shipments = _files(tmp_path)
    products = csv_write(
        tmp_path / "products.csv", [("Артикул", "Номенклатура"), ("A-1", ""), ("", "Болт")]
    )

    # When both are imported
    with pytest.raises(CommandError) as raised:
        _import(str(products), str(staff))

    # Then the command fails with exit code 1, the good file imported, and every error shown
    assert (str(raised.value), raised.value.returncode) == ("1 of 2 files failed", 1)
    assert User.objects.filter(username="ivanova.a").exists()
    assert ImportRun.objects.get(kind=ImportKind.PRODUCTS).status == ImportStatus.FAILED


@override_settings(LANGUAGE_CODE="en")
def test_errors_go_to_stderr_as_file_row_column_message(db: None, tmp_path: Path) -> None:
    products = csv_write(
        tmp_path / "products.csv", [("Артикул", "Номенклатура"), ("A-1", ""), ("", "Болт")]
    )
    out, err = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError):
        call_command("import", str(products), stdout=out, stderr=err)

    assert out.getvalue() == f"{products}: products, Failed, 2 rows\n"
    assert err.getvalue() == (
        f"{products}:2:Номенклатура: a value is required\n"
        f"{products}:3:Артикул: a value is required\n"
    )


@override_settings(LANGUAGE_CODE="en")
def test_keep_valid_writes_the_rejected_rows_where_asked(db: None, tmp_path: Path) -> None:
    products = csv_write(
        tmp_path / "products.csv", [("Артикул", "Номенклатура"), ("A-1", "Болт"), ("B-2", "")]
    )
    rejected = tmp_path / "rejected"
    rejected.mkdir()

    out, _err = _import(str(products), "--keep-valid", "--rejected-dir", str(rejected))

    assert out.endswith(f"  rejected rows: {rejected / 'products.rejected.csv'}\n")
    assert (rejected / "products.rejected.csv").exists()


def test_an_unknown_user_is_refused_before_anything_is_imported(db: None, tmp_path: Path) -> None:
    staff, _products, _clients, _shipments = _files(tmp_path)
    before = table_counts()

    with pytest.raises(CommandError, match="no user has the login nobody"):
        _import(str(staff), "--as", "nobody")

    assert (table_counts(), ImportRun.objects.count()) == (before, 0)


def test_a_forced_kind_applies_to_every_file(db: None, tmp_path: Path) -> None:
    names = csv_write(tmp_path / "names.csv", [("Контрагент",), ("ИП Сидоров",)])

    with pytest.raises(CommandError):
        _import(str(names), "--kind", "payments")

    assert ImportRun.objects.get().kind == ImportKind.PAYMENTS


@override_settings(LANGUAGE_CODE="en")
def test_the_summary_lists_the_documents_and_the_products_created(db: None, tmp_path: Path) -> None:
    # Given a shipments file naming a product the catalogue lacks
    _staff, _products, _clients, shipments = _files(tmp_path)

    # When it is imported asked to create missing products
    out, err = _import(str(shipments), "--create-products")

    # Then the summary lists the document and the product it created
    assert out.splitlines()[-4:] == [
        "  documents",
        "    created    РТ-1 03/01/2025, ИП Сидоров: 1 line, 20.00",
        "  products created",
        "    A-1  A-1",
    ]
    assert err == ""


@override_settings(LANGUAGE_CODE="en")
def test_a_replaced_and_a_held_back_document_show_their_figures_before_and_after(
    catalogue: object, tmp_path: Path
) -> None:
    # Given two documents stored
    header = ("Дата", "Номер", "Контрагент", "Артикул", "Количество", "Сумма")
    first = [
        ("01.03.2025", "РТ-1", "ИП Сидоров", "A-1", "1", "10,00"),
        ("01.03.2025", "РТ-1", "ИП Сидоров", "A-2", "2", "1 500,00"),
        ("02.03.2025", "РТ-2", "ИП Сидоров", "A-1", "1", "10,00"),
    ]
    _import(str(csv_write(tmp_path / "march.csv", [header, *first])))

    # When a corrected file replaces РТ-2, and one line of РТ-1 lost its date
    corrected = [
        first[0],
        ("", "РТ-1", "ИП Сидоров", "A-2", "2", "1 500,00"),
        ("02.03.2025", "РТ-2", "ИП Сидоров", "A-1", "3", "30,00"),
    ]
    path = csv_write(tmp_path / "corrected.csv", [header, *corrected])
    out, err = _import(str(path), "--keep-valid")

    # Then РТ-1 is held back as it was, and РТ-2 replaced
    assert out.splitlines()[-4:-1] == [
        "  documents",
        "    held back  РТ-1 03/01/2025, ИП Сидоров: 2 lines, 1,510.00 — held by rows 3",
        "    replaced   РТ-2 03/02/2025, ИП Сидоров: 1 line, 10.00 → 1 line, 30.00",
    ]
    assert err == f"{path}:3:Дата: a value is required\n"


@override_settings(LANGUAGE_CODE="en")
def test_verbosity_0_keeps_the_counts_and_leaves_out_the_lists(db: None, tmp_path: Path) -> None:
    _staff, _products, _clients, shipments = _files(tmp_path)

    out, _err = _import(str(shipments), "--create-products", "-v", "0")

    assert "documents" not in out
    assert out.splitlines()[-2:] == [
        "  shipments                1         0         0",
        "  shipment_lines           1         0         0",
    ]
