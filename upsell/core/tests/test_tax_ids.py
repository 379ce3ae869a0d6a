import pytest

from upsell.core.tax_ids import tax_id_problem


@pytest.mark.parametrize(
    "tax_id",
    [
        "7707083893",  # an organisation
        "500100732259",  # an individual entrepreneur
        "7830002293",
    ],
)
def test_valid_tax_ids_have_no_problem(tax_id):
    assert tax_id_problem(tax_id) is None


@pytest.mark.parametrize(
    ("tax_id", "problem"),
    [
        ("7707083894", "wrong check digit"),
        ("500100732258", "wrong check digit"),
        ("500100732249", "wrong check digit"),
        ("770708389", "must have 10 or 12 digits"),
        ("77070838931", "must have 10 or 12 digits"),
        ("77O7083893", "must contain digits only"),
        ("", "must contain digits only"),
        ("７７０７０８３８９３", "must contain digits only"),
    ],
)
def test_invalid_tax_ids_name_their_problem(tax_id, problem):
    assert tax_id_problem(tax_id) == problem
