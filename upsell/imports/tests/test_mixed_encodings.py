"""A CSV is written in one encoding. Rows in UTF-8 beside rows in Windows-1251 would import as
garbage (and a shipments file would then create a client under the garbled name): the file
fails, naming the first row, and the column, in the other encoding."""

import datetime as dt
from pathlib import Path

import pytest
import time_machine

from upsell.clients.models import Client
from upsell.imports.formats import readers
from upsell.imports.models import ImportStatus
from upsell.imports.problems import Problem
from upsell.imports.services import import_path
from upsell.imports.tests.files import table_counts

HEADER = "Дата;Номер;Контрагент;ИНН;Артикул;Количество;Цена;Сумма\n"
ALPHA = "01.03.2025;РТ-1;ООО Альфа;7707083893;A-1;2;10,00;20,00\n"
BETA = "02.03.2025;РТ-2;ООО Бета;;A-1;1;10,00;10,00\n"


@pytest.fixture(autouse=True)
def frozen_today():
    # The importer reads today: the shipments of these files are a month old.
    with time_machine.travel(dt.datetime(2025, 4, 1, 12, tzinfo=dt.UTC), tick=False):
        yield


def _import_fails_with(path: Path, expected: list[str]) -> None:
    before = table_counts()

    run = import_path(path=path)

    assert [Problem(**error).format(run.file_name) for error in run.errors] == expected
    assert (run.status, run.counts) == (ImportStatus.FAILED, {})
    assert table_counts() == before
    assert not Client.objects.exists()


def test_a_windows_1251_row_in_a_utf8_file_is_named(catalogue: object, tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_bytes((HEADER + ALPHA).encode() + BETA.encode("cp1251"))

    _import_fails_with(
        path,
        [
            "s.csv:3:Номер: this row is not UTF-8 text as the rows before it are: it looks like "
            "Windows-1251; save the whole file in one encoding"
        ],
    )


def test_a_utf8_row_in_a_windows_1251_file_is_named(catalogue: object, tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_bytes((HEADER + ALPHA).encode("cp1251") + BETA.encode())

    _import_fails_with(
        path,
        [
            "s.csv:3:Номер: this row is UTF-8 text while the rows before it are Windows-1251; "
            "save the whole file in one encoding"
        ],
    )


def test_a_utf8_mark_over_a_windows_1251_body_names_the_first_row(
    catalogue: object, tmp_path: Path
) -> None:
    path = tmp_path / "s.csv"
    path.write_bytes(b"\xef\xbb\xbf" + (HEADER + ALPHA).encode("cp1251"))

    _import_fails_with(
        path,
        [
            "s.csv:1:Дата: the file starts with the UTF-8 mark (BOM), but this row is not UTF-8 "
            "text: it looks like Windows-1251; save the whole file in one encoding"
        ],
    )


def test_a_windows_1251_file_still_imports(catalogue: object, tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_bytes((HEADER + ALPHA + BETA).encode("cp1251"))

    run = import_path(path=path)

    assert (run.status, run.errors) == (ImportStatus.SUCCEEDED, [])
    assert sorted(Client.objects.values_list("name", flat=True)) == ["ООО Альфа", "ООО Бета"]


CENTRE = "03.03.2025;РТ-3;ООО «ЦЕНТР»;;A-1;1;10,00;10,00\n"


def test_a_windows_1251_name_that_reads_as_a_utf8_pair_does_not_hide_a_utf8_row(
    catalogue: object, tmp_path: Path
) -> None:
    # «ЦЕНТР» ends in "Р»": in Windows-1251 the bytes D0 BB, a UTF-8 lead and continuation
    path = tmp_path / "s.csv"
    path.write_bytes((HEADER + CENTRE + ALPHA).encode("cp1251") + BETA.encode())

    _import_fails_with(
        path,
        [
            "s.csv:4:Номер: this row is UTF-8 text while the rows before it are Windows-1251; "
            "save the whole file in one encoding"
        ],
    )


def test_a_windows_1251_name_that_reads_as_a_utf8_pair_imports(
    catalogue: object, tmp_path: Path
) -> None:
    path = tmp_path / "s.csv"
    path.write_bytes((HEADER + CENTRE + ALPHA).encode("cp1251"))

    run = import_path(path=path)

    assert (run.status, run.errors) == (ImportStatus.SUCCEEDED, [])
    assert sorted(Client.objects.values_list("name", flat=True)) == ["ООО «ЦЕНТР»", "ООО Альфа"]


def test_a_utf8_letter_across_two_chunks_is_found(
    catalogue: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A big file is searched a chunk at a time; here the first chunk ends between the two
    # bytes of the UTF-8 row's one Cyrillic letter
    utf8_row = "02.03.2025;N-2;Beta Я;;A-1;1;10,00;10,00\n".encode()
    data = (HEADER + CENTRE + ALPHA).encode("cp1251") + utf8_row
    monkeypatch.setattr(readers, "_PAIR_CHUNK", data.rindex("Я".encode()) + 1)
    path = tmp_path / "s.csv"
    path.write_bytes(data)

    _import_fails_with(
        path,
        [
            "s.csv:4:Контрагент: this row is UTF-8 text while the rows before it are "
            "Windows-1251; save the whole file in one encoding"
        ],
    )
