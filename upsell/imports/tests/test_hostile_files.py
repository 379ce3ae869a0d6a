"""Files built to hurt the reader: each fails its own run with a message naming the file (and
sheet), the process that read it lives on, and no table changes."""

import io
import struct
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client as HttpClient
from django.test import override_settings
from django.urls import reverse

from upsell.accounts.models import User
from upsell.imports.models import ImportRun, ImportStatus
from upsell.imports.problems import Problem
from upsell.imports.services import import_path, import_run_create
from upsell.imports.tests.files import table_counts
from upsell.imports.tests.test_api import api_client

PRODUCTS = [["Артикул", "Номенклатура"], ["A-1", "Болт"]]


def _errors(run: ImportRun) -> list[str]:
    return [Problem(**error).format(run.file_name) for error in run.errors]


def _xlsx(rows: list[list[Any]], *, far_cell: str = "", title: str = "Товары") -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    if far_cell:
        sheet[far_cell] = "x"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _fails_with(path: Path, expected: list[str]) -> None:
    before = table_counts()

    run = import_path(path=path)

    assert _errors(run) == expected
    assert (run.status, run.counts) == (ImportStatus.FAILED, {})
    assert table_counts() == before


def test_a_workbook_with_a_cell_at_xfd1048576_fails_its_queued_run(
    admin_adam: User, django_capture_on_commit_callbacks: Any
) -> None:
    data = _xlsx(PRODUCTS, far_cell="XFD1048576")
    assert len(data) < 6000
    before = table_counts()

    with django_capture_on_commit_callbacks(execute=True):
        run = import_run_create(
            upload=ContentFile(data), file_name="products.xlsx", imported_by=admin_adam
        )

    run.refresh_from_db()
    assert (run.status, _errors(run)) == (
        ImportStatus.FAILED,
        [
            "products.xlsx: the sheet «Товары» has a cell at XFD1048576, beyond column 256 (IV), "
            "the last a workbook may use"
        ],
    )
    assert table_counts() == before


@override_settings(UPSELL_FILE_MAX_ROWS=1000)
def test_a_cell_beyond_the_last_row_is_named(db: None, tmp_path: Path) -> None:
    path = tmp_path / "products.xlsx"
    path.write_bytes(_xlsx(PRODUCTS, far_cell="B1001"))

    _fails_with(
        path,
        [
            "products.xlsx: the sheet «Товары» has a cell at B1001, beyond row 1000, the last a "
            "workbook may use"
        ],
    )


@override_settings(UPSELL_WORKBOOK_MAX_CELLS=100)
def test_a_range_of_more_cells_than_allowed_is_refused(db: None, tmp_path: Path) -> None:
    path = tmp_path / "products.xlsx"
    path.write_bytes(_xlsx(PRODUCTS, far_cell="J11"))

    _fails_with(
        path,
        [
            "products.xlsx: the sheet «Товары» spans 11 rows by 10 columns, 110 cells; a sheet "
            "may span 100 cells at most"
        ],
    )


def _bomb(declared_lie: int | None = None) -> bytes:
    """A workbook whose sheet XML inflates from a few kilobytes to 3 MB of empty rows; with
    ``declared_lie`` the zip claims the sheet holds that many bytes."""
    workbook = zipfile.ZipFile(io.BytesIO(_xlsx(PRODUCTS)))
    sheet = workbook.read("xl/worksheets/sheet1.xml")
    padded = sheet.replace(b"</sheetData>", b"</sheetData>" + b" " * (3 * 1024 * 1024))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bomb:
        for member in workbook.infolist():
            content = (
                padded if member.filename == "xl/worksheets/sheet1.xml" else workbook.read(member)
            )
            bomb.writestr(member.filename, content)
    data = buffer.getvalue()
    if declared_lie is None:
        return data
    # The declared size sits in the member's local header (offset 22) and its central
    # directory entry (offset 24).
    patched = bytearray(data)
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo("xl/worksheets/sheet1.xml")
    real = struct.pack("<I", info.file_size)
    struct.pack_into("<I", patched, info.header_offset + 22, declared_lie)
    central = data.index(b"PK\x01\x02")
    while data[central + 46 : central + 46 + len(info.filename)] != info.filename.encode():
        central = data.index(b"PK\x01\x02", central + 4)
    assert data[central + 24 : central + 28] == real
    struct.pack_into("<I", patched, central + 24, declared_lie)
    return bytes(patched)


@override_settings(UPSELL_WORKBOOK_UNPACKED_MAX_MB=2)
def test_a_zip_bomb_is_refused_by_the_size_it_declares(db: None, tmp_path: Path) -> None:
    path = tmp_path / "products.xlsx"
    path.write_bytes(_bomb())
    assert path.stat().st_size < 20_000

    _fails_with(
        path,
        [
            "products.xlsx: the workbook unpacks to more than 2 MB (its part "
            "xl/worksheets/sheet1.xml); a workbook may unpack to 2 MB at most"
        ],
    )


def test_a_zip_member_that_inflates_past_its_declared_size_is_refused(
    db: None, tmp_path: Path
) -> None:
    path = tmp_path / "products.xlsx"
    path.write_bytes(_bomb(declared_lie=1000))

    _fails_with(
        path,
        [
            "products.xlsx: the workbook is damaged: its part xl/worksheets/sheet1.xml unpacks "
            "to more than the 1000 bytes it declares"
        ],
    )


@override_settings(UPSELL_WORKBOOK_MEMORY_MB=16)
def test_a_workbook_that_needs_more_memory_than_allowed_fails_its_run(
    db: None, tmp_path: Path
) -> None:
    # Twenty thousand products with long names: their text alone is megabytes once read.
    rows = [PRODUCTS[0]] + [
        [f"A-{n}", f"Болт М8×{n} оцинкованный, упаковка 100 штук" * 4] for n in range(20_000)
    ]
    path = tmp_path / "products.xlsx"
    path.write_bytes(_xlsx(rows))

    _fails_with(
        path,
        [
            "products.xlsx: reading the workbook needs more than 16 MB of memory, "
            "the most it may use"
        ],
    )


@override_settings(UPSELL_WORKBOOK_SECONDS=0.001)
def test_a_workbook_that_takes_too_long_fails_its_run(db: None, tmp_path: Path) -> None:
    path = tmp_path / "products.xlsx"
    path.write_bytes(_xlsx(PRODUCTS))

    _fails_with(
        path,
        [
            "products.xlsx: reading the workbook took longer than 0.001 s, the most a workbook "
            "may take"
        ],
    )


@override_settings(UPSELL_FILE_MAX_MB=1)
def test_a_file_over_the_size_limit_is_not_read(db: None, tmp_path: Path) -> None:
    path = tmp_path / "products.csv"
    path.write_bytes(("Артикул;Номенклатура\n" + "A-1;Болт\n" * 200_000).encode())

    _fails_with(path, ["products.csv: the file is 2.5 MB; a file may be 1 MB at most"])


@override_settings(UPSELL_FILE_MAX_MB=1)
def test_an_upload_over_the_size_limit_is_refused_on_the_screen(admin_adam: User) -> None:
    http = HttpClient()
    http.force_login(admin_adam)

    response = http.post(
        reverse("imports:list"),
        {"file": SimpleUploadedFile("products.csv", b"x" * (2 * 1024 * 1024))},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "file": ["The file is 2.0 MB; a file may be 1 MB at most."]
    }
    assert ImportRun.objects.count() == 0


@override_settings(UPSELL_FILE_MAX_MB=1)
def test_an_upload_over_the_size_limit_is_refused_by_the_api(admin_adam: User) -> None:
    response = api_client(admin_adam).post(
        "/api/imports", {"file": SimpleUploadedFile("products.csv", b"x" * (2 * 1024 * 1024))}
    )

    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "loc": ["body", "file"],
            "msg": "The file is 2.0 MB; a file may be 1 MB at most.",
            "type": "invalid",
        }
    ]
    assert ImportRun.objects.count() == 0


def test_the_import_screen_shows_why_the_workbook_was_refused(
    admin_adam: User, django_capture_on_commit_callbacks: Any
) -> None:
    http = HttpClient()
    http.force_login(admin_adam)
    upload = SimpleUploadedFile("products.xlsx", _xlsx(PRODUCTS, far_cell="XFD1048576"))

    with django_capture_on_commit_callbacks(execute=True):
        http.post(reverse("imports:list"), {"file": upload})
    run = ImportRun.objects.get()
    response = http.get(reverse("imports:detail", args=[run.pk]))

    assert run.status == ImportStatus.FAILED
    assert (
        "the sheet «Товары» has a cell at XFD1048576, beyond column 256 (IV), the last a "
        "workbook may use" in response.content.decode()
    )


@override_settings(LANGUAGE_CODE="en")
def test_the_command_prints_why_the_workbook_was_refused(db: None, tmp_path: Path) -> None:
    path = tmp_path / "products.xlsx"
    path.write_bytes(_xlsx(PRODUCTS, far_cell="XFD1048576"))
    out, err = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError) as raised:
        call_command("import", str(path), stdout=out, stderr=err)

    assert raised.value.returncode == 1
    assert err.getvalue() == (
        f"{path}: the sheet «Товары» has a cell at XFD1048576, beyond column 256 (IV), the last "
        "a workbook may use\n"
    )


@override_settings(UPSELL_FILE_MAX_COLUMNS=3)
def test_a_csv_with_more_columns_than_allowed_is_refused(db: None, tmp_path: Path) -> None:
    path = tmp_path / "products.csv"
    path.write_bytes("Артикул;Номенклатура;Группа;Единица\nA-1;Болт;Крепёж;шт\n".encode())

    _fails_with(path, ["products.csv:1: the header has 4 columns; a file may have 3 at most"])


@override_settings(UPSELL_FILE_MAX_ROWS=2)
def test_a_csv_with_more_rows_than_allowed_is_refused(db: None, tmp_path: Path) -> None:
    path = tmp_path / "products.csv"
    path.write_bytes("Артикул;Номенклатура\nA-1;Болт\n\nA-2;Гайка\nA-3;Шайба\n".encode())

    _fails_with(path, ["products.csv:5: the file has more than 2 rows, the most a file may have"])
