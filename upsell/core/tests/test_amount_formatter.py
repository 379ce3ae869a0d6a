"""The formatter for many amounts writes exactly what the ``amount`` filter writes."""

from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from upsell.core.money import AmountFormatter
from upsell.core.templatetags.formatting import amount

LANGUAGES = ["ru", "en"]
AMOUNTS = st.one_of(
    st.decimals(min_value=-(10**16), max_value=10**16, places=2),
    st.decimals(min_value=-1000, max_value=1000, places=5),
    st.integers(min_value=-(10**20), max_value=10**20),
)


@pytest.mark.parametrize("language", LANGUAGES)
@given(values=st.lists(AMOUNTS, max_size=20))
def test_it_writes_what_the_filter_writes(language, values: list[Decimal | int]):
    with translation.override(language):
        formatter = AmountFormatter()
        assert [formatter(value) for value in values + values] == [
            amount(value) for value in values + values
        ]


@pytest.mark.parametrize(("language", "expected"), [
    ("ru", ["1\xa0234\xa0567,89", "-1\xa0234,50", "1,23", "0,00", "0,00", "-0,01", "1\xa0000,00",
            "5,00", "2,67", "100" + "\xa0000" * 8 + ",00", "—"]),
    ("en", ["1,234,567.89", "-1,234.50", "1.23", "0.00", "0.00", "-0.01", "1,000.00",
            "5.00", "2.67", "100" + ",000" * 8 + ".00", "—"]),
])  # fmt: skip
def test_cents_are_cut_as_number_format_cuts_them(language, expected):
    values: list[Decimal | int | float | None] = [
        Decimal("1234567.89"), Decimal("-1234.5"), Decimal("1.239"), Decimal("-0.009"),
        Decimal("-0.00"), Decimal("-0.019"), Decimal("1E+3"), 5, 2.675, 10**26, None,
    ]  # fmt: skip

    with translation.override(language):
        formatter = AmountFormatter()
        assert [formatter(value) for value in values] == expected
        assert [amount(value) for value in values] == expected
