import factory
from factory.django import DjangoModelFactory

from upsell.products.models import Product


class ProductFactory(DjangoModelFactory[Product]):
    class Meta:
        model = Product

    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    name = factory.Sequence(lambda n: f"Товар {n}")
    group = "Крепёж"
    unit = "шт"
