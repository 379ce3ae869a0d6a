"""The catalogue the shipments files of these tests name: a shipments or orders file adds no
product unless asked to."""

import pytest

from upsell.products.models import Product
from upsell.products.tests.factories import ProductFactory

CATALOGUE = {"A-1": "Болт М8", "A-2": "Болт М10", "B-2": "Гайка М8", "C-3": "Шайба"}


@pytest.fixture
def catalogue(db: None) -> dict[str, Product]:
    return {sku: ProductFactory.create(sku=sku, name=name) for sku, name in CATALOGUE.items()}
