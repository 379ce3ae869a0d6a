import pytest

from upsell.core.tax_ids import kpp_is_head, kpp_problem, tax_id_problem


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


@pytest.mark.parametrize(
    ("kpp", "problem"),
    [
        ("773601001", None),
        ("7736AB001", None),
        ("77360100", "must have 9 characters"),
        (
            "7736ab001",
            "must be digits, with capital Latin letters allowed in positions 5 and 6 only",
        ),
        (
            "773601OO1",
            "must be digits, with capital Latin letters allowed in positions 5 and 6 only",
        ),
        (
            "７７３６０１００１",
            "must be digits, with capital Latin letters allowed in positions 5 and 6 only",
        ),
    ],
)
def test_a_kpp_is_nine_digits_with_letters_allowed_in_positions_five_and_six(kpp, problem):
    assert kpp_problem(kpp) == problem


@pytest.mark.parametrize(
    ("kpp", "head"),
    [("773601001", True), ("775050001", True), ("165543001", False), ("773602001", False)],
)
def test_a_head_organisations_kpp_is_registered_at_its_location_or_as_a_largest_taxpayer(kpp, head):
    assert kpp_is_head(kpp) is head
