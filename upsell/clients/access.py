"""The one permission funnel for clients and everything hanging off them.

A manager sees only the clients it manages, an assistant only those assigned to it, the
head of sales and top management every client; an administrator manages users and imports,
not sales. Every page, API endpoint, export and task reaches a client through here.
"""

from django.db.models import QuerySet
from django.http import Http404

from upsell.accounts.models import Role, User
from upsell.clients.models import Client


def clients_visible_to(user: User) -> QuerySet[Client]:
    clients = Client.objects.all()
    if not user.is_authenticated or not user.is_active:
        return clients.none()
    if user.role in (Role.HEAD_OF_SALES, Role.TOP_MANAGEMENT):
        return clients
    if user.role == Role.MANAGER:
        return clients.filter(manager=user)
    if user.role == Role.ASSISTANT:
        return clients.filter(assistant=user)
    return clients.none()


def can_reassign_clients(user: User) -> bool:
    return user.is_active and user.role == Role.HEAD_OF_SALES


def get_client_for_user(user: User, client_id: int) -> Client:
    """The client if ``user`` may see it; 404 otherwise, so existence stays secret."""
    try:
        return clients_visible_to(user).get(pk=client_id)
    except Client.DoesNotExist:
        raise Http404("No such client") from None
