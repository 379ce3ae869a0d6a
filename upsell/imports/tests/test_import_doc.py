"""docs/import.md describes every column each kind of file has, as the reader knows it."""

from pathlib import Path

import pytest

from upsell.imports.formats.columns import KIND_COLUMNS
from upsell.imports.models import ImportKind

DOC = Path(__file__).resolve().parents[3] / "docs" / "import.md"


def _table_rows(kind: ImportKind) -> list[tuple[str, str, bool]]:
    section = DOC.read_text(encoding="utf-8").split(f"\n## {kind.label}\n", 1)[1]
    section = section.split("\n## ", 1)[0]
    rows = [line.split("|")[1:-1] for line in section.splitlines() if line.startswith("| ")]
    return [
        (cells[0].strip(), cells[1].strip(), cells[2].strip() == "required")
        for cells in rows[1:]  # the header row
    ]


@pytest.mark.parametrize("kind", list(ImportKind), ids=str)
def test_the_doc_lists_each_column_of_the_kind_with_its_headers(kind):
    assert _table_rows(kind) == [
        (spec.russian, spec.english, spec.required) for spec in KIND_COLUMNS[kind]
    ]
