import numpy as np
from stdnum.ru import inn

from upsell.demo.tax_ids import entrepreneur_tax_ids, organisation_tax_ids


def test_organisation_tax_ids_are_valid_unique_and_start_with_the_region():
    ordinals = np.arange(50_000)
    regions = np.where(ordinals % 2 == 0, 77, 2)

    tax_ids = organisation_tax_ids(ordinals=ordinals, regions=regions, offset=123_456)

    assert len(set(tax_ids)) == 50_000
    assert all(len(tax_id) == 10 and inn.is_valid(tax_id) for tax_id in tax_ids)
    assert tax_ids[0].startswith("77")
    assert tax_ids[1].startswith("02")


def test_entrepreneur_tax_ids_are_valid_and_unique():
    ordinals = np.arange(50_000)

    tax_ids = entrepreneur_tax_ids(ordinals=ordinals, regions=np.full(50_000, 50), offset=7)

    assert len(set(tax_ids)) == 50_000
    assert all(len(tax_id) == 12 and inn.is_valid(tax_id) for tax_id in tax_ids)
    assert {tax_id[:2] for tax_id in tax_ids} == {"50"}
