"""The import checks a whole column of ИНН at once; a single ИНН is checked by python-stdnum
(``upsell.core.tax_ids``). The two must take and refuse the same numbers."""

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.ru import inn

from upsell.imports.formats.values import CELL, VALUE, tax_id_parse

digits = st.text(alphabet="0123456789", min_size=9, max_size=12)


def _taken_by_stdnum(text: str) -> str | None:
    """What the column check should take: a valid ИНН, or one that lost its leading zero."""
    if len(text) in (9, 11) and inn.is_valid("0" + text):
        return "0" + text
    return text if inn.is_valid(text) else None


@settings(max_examples=300, deadline=None)
@given(st.lists(digits, min_size=1, max_size=40))
def test_the_column_check_takes_exactly_what_stdnum_takes(numbers):
    parsed = tax_id_parse(pl.DataFrame({CELL: numbers}, schema={CELL: pl.String}))

    assert parsed.get_column(VALUE).to_list() == [_taken_by_stdnum(text) for text in numbers]


def test_the_column_check_on_known_numbers():
    numbers = ["7707083893", "7707083894", "500100732259", "500100732249", "770708389",
               "770708385"]  # fmt: skip

    parsed = tax_id_parse(pl.DataFrame({CELL: numbers}))

    # 770708385 is 0770708385 with its leading zero lost; 770708389 is no ИНН either way.
    assert parsed.get_column(VALUE).to_list() == [
        "7707083893", None, "500100732259", None, None, "0770708385",
    ]  # fmt: skip
