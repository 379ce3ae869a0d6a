"""The one permission funnel for order requests.

The head of sales and top management see every request; a manager sees the requests of the
clients it manages; an assistant sees the requests assigned to it, and never one of a
motivated client (that client is its manager's business). A request the user may not see
answers 404; one it may see but not change answers 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from upsell.accounts.models import Role, User
from upsell.clients.access import clients_visible_to
from upsell.clients.models import Client
from upsell.clients.motivation import client_is_motivated, managed_statuses_current
from upsell.requests.models import OrderRequest


def requests_visible_to(user: User) -> QuerySet[OrderRequest]:
    requests = OrderRequest.objects.all()
    if not user.is_authenticated or not user.is_active:
        return requests.none()
    if user.role in (Role.HEAD_OF_SALES, Role.TOP_MANAGEMENT):
        return requests
    if user.role == Role.MANAGER:
        return requests.filter(client__manager=user)
    if user.role == Role.ASSISTANT:
        # Only what it holds, of the clients it may see: its spontaneous ones.
        return requests.filter(assignee=user, client__in=clients_visible_to(user))
    return requests.none()


def can_use_requests(user: User) -> bool:
    return user.is_active and user.role in (
        Role.HEAD_OF_SALES,
        Role.TOP_MANAGEMENT,
        Role.MANAGER,
        Role.ASSISTANT,
    )


def can_create_requests(user: User) -> bool:
    return user.is_active and user.role in (Role.HEAD_OF_SALES, Role.MANAGER, Role.ASSISTANT)


def clients_for_requests(user: User) -> QuerySet[Client]:
    """The clients ``user`` may take a request for."""
    if not can_create_requests(user):
        return Client.objects.none()
    return clients_visible_to(user)


def can_reassign_request(user: User, request: OrderRequest) -> bool:
    if not user.is_active:
        return False
    if user.role == Role.HEAD_OF_SALES:
        return True
    return user.role == Role.MANAGER and request.client.manager_id == user.pk


def can_work_on_request(user: User, request: OrderRequest) -> bool:
    """Take a request into work, finish or cancel it: its assignee, or whoever may reassign it."""
    return (user.is_active and request.assignee_id == user.pk) or can_reassign_request(
        user, request
    )


def request_takers(request: OrderRequest) -> list[User]:
    """Who may hold ``request``: the client's manager, and its assistant while the client is
    spontaneous (a motivated client's requests are the manager's; a complex one may still be
    handed to the assistant by hand). Nobody else sees the client. Active people only, the
    manager first."""
    client = request.client
    takers = [client.manager] if client.manager is not None else []
    if client.assistant is not None and not client_is_motivated(
        client=client, managed_statuses=managed_statuses_current()
    ):
        takers.append(client.assistant)
    return [person for person in takers if person.is_active]


def can_view_complex_rules(user: User) -> bool:
    return user.is_active and user.role in (Role.HEAD_OF_SALES, Role.TOP_MANAGEMENT)


def can_change_complex_rules(user: User) -> bool:
    return user.is_active and user.role == Role.HEAD_OF_SALES


def get_request_for_user(user: User, request_id: int) -> OrderRequest:
    try:
        return (
            requests_visible_to(user)
            .select_related("client", "client__manager", "client__assistant", "assignee")
            .get(pk=request_id)
        )
    except OrderRequest.DoesNotExist:
        raise Http404("No such request") from None


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied
