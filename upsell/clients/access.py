"""The one permission funnel for clients and everything hanging off them.

A manager sees and changes only the clients it manages; an assistant sees only the
spontaneous clients assigned to it; the head of sales sees and changes every client; top
management sees every client and changes none; an administrator manages users and imports,
not sales. Every page, API endpoint, export and task reaches a client through here.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from upsell.accounts.models import Role, User
from upsell.clients.models import Client
from upsell.clients.motivation import motivated_q


def clients_visible_to(user: User) -> QuerySet[Client]:
    clients = Client.objects.all()
    if not user.is_authenticated or not user.is_active:
        return clients.none()
    if user.role in (Role.HEAD_OF_SALES, Role.TOP_MANAGEMENT):
        return clients
    if user.role == Role.MANAGER:
        return clients.filter(manager=user)
    if user.role == Role.ASSISTANT:
        # A motivated client is its manager's alone, even while it still names an assistant.
        return clients.filter(assistant=user).exclude(motivated_q())
    return clients.none()


def can_change_client(user: User, client: Client) -> bool:
    if not user.is_active:
        return False
    if user.role == Role.HEAD_OF_SALES:
        return True
    return user.role == Role.MANAGER and client.manager_id == user.pk


def can_create_clients(user: User) -> bool:
    return user.is_active and user.role in (Role.HEAD_OF_SALES, Role.MANAGER)


def can_reassign_clients(user: User) -> bool:
    return user.is_active and user.role == Role.HEAD_OF_SALES


def get_client_for_user(user: User, client_id: int, *, write: bool = False) -> Client:
    """The client if ``user`` may see it (and change it, with ``write``).

    A client the user may not see answers 404, so its existence stays secret; one it may see
    but not change answers 403.
    """
    try:
        client = clients_visible_to(user).select_related("manager", "assistant").get(pk=client_id)
    except Client.DoesNotExist:
        raise Http404("No such client") from None
    if write and not can_change_client(user, client):
        raise PermissionDenied(_("This client is read-only for you"))
    return client
