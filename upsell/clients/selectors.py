from django.db.models import QuerySet

from upsell.accounts.models import User
from upsell.clients.access import clients_visible_to
from upsell.clients.models import Client


def client_list(*, user: User) -> QuerySet[Client]:
    """The clients ``user`` may see, with their manager and assistant, by name."""
    return clients_visible_to(user).select_related("manager", "assistant").order_by("name", "id")
