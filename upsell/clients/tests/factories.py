import factory
from factory.django import DjangoModelFactory
from stdnum.ru import inn

from upsell.clients.models import Client


def tax_id_with_checksum(first_nine: str) -> str:
    """A valid 10-digit ИНН of an organisation from its first nine digits."""
    return f"{first_nine}{inn.calc_company_check_digit(first_nine)}"


class ClientFactory(DjangoModelFactory[Client]):
    class Meta:
        model = Client

    name = factory.Sequence(lambda n: f'ООО "Клиент {n}"')
    tax_id = factory.Sequence(lambda n: tax_id_with_checksum(f"77{n:07d}"))
    region = "Москва"
    segment = "Розница"
