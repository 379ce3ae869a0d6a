import numpy as np
import pytest

from upsell.demo.tax_ids import entrepreneur_tax_ids, organisation_tax_ids, tax_id_is_valid


@pytest.mark.parametrize(
    ("tax_id", "valid"),
    [
        ("7707083893", True),  # a real organisation's ИНН
        ("7830002293", True),
        ("500100732259", True),  # a real entrepreneur's ИНН
        ("7707083894", False),  # last digit off
        ("500100732258", False),
        ("500100732249", False),  # first check digit off
        ("770708389", False),
        ("77070838931", False),
        ("77070838 3", False),
        ("７７０７０８３８９３", False),  # full-width digits are not ASCII digits
    ],
)
def test_tax_id_check_digits(tax_id, valid):
    assert tax_id_is_valid(tax_id) is valid


def test_organisation_tax_ids_are_valid_unique_and_start_with_the_region():
    ordinals = np.arange(50_000)
    regions = np.where(ordinals % 2 == 0, 77, 2)

    tax_ids = organisation_tax_ids(ordinals=ordinals, regions=regions, offset=123_456)

    assert len(set(tax_ids)) == 50_000
    assert all(len(tax_id) == 10 and tax_id_is_valid(tax_id) for tax_id in tax_ids)
    assert tax_ids[0].startswith("77")
    assert tax_ids[1].startswith("02")


def test_entrepreneur_tax_ids_are_valid_and_unique():
    ordinals = np.arange(50_000)

    tax_ids = entrepreneur_tax_ids(ordinals=ordinals, regions=np.full(50_000, 50), offset=7)

    assert len(set(tax_ids)) == 50_000
    assert all(len(tax_id) == 12 and tax_id_is_valid(tax_id) for tax_id in tax_ids)
    assert {tax_id[:2] for tax_id in tax_ids} == {"50"}
