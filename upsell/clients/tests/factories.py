import factory
from factory.django import DjangoModelFactory

from upsell.clients.models import Client


def tax_id_with_checksum(first_nine: str) -> str:
    """A valid 10-digit ИНН of an organisation from its first nine digits."""
    weights = (2, 4, 10, 3, 5, 9, 4, 6, 8)
    check = sum(int(d) * w for d, w in zip(first_nine, weights, strict=True)) % 11 % 10
    return f"{first_nine}{check}"


class ClientFactory(DjangoModelFactory[Client]):
    class Meta:
        model = Client

    name = factory.Sequence(lambda n: f'ООО "Клиент {n}"')
    tax_id = factory.Sequence(lambda n: tax_id_with_checksum(f"77{n:07d}"))
    region = "Москва"
    segment = "Розница"
