"""Who reaches which forecast: the clients funnel, narrowed to the roles that forecast.

Managers reach the cells of their own clients; the head of sales and top management reach
every manager's. Assistants and administrators do not work with forecasts. A client out of
reach answers 404 (its existence stays secret); one that may be read but not changed, 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from upsell.accounts.models import Role, User
from upsell.clients.access import can_change_client, clients_visible_to
from upsell.clients.models import Client

FORECASTING_ROLES = frozenset({Role.MANAGER, Role.HEAD_OF_SALES, Role.TOP_MANAGEMENT})


def uses_forecasts(user: User) -> bool:
    return user.is_active and user.role in FORECASTING_ROLES


def forecast_clients_visible_to(user: User) -> QuerySet[Client]:
    clients = clients_visible_to(user)
    return clients if uses_forecasts(user) else clients.none()


def can_set_plans(user: User) -> bool:
    return user.is_active and user.role == Role.HEAD_OF_SALES


def get_forecast_client_for_user(user: User, client_id: int, *, write: bool = False) -> Client:
    """The client whose forecast ``user`` may read (and change, with ``write``)."""
    try:
        client = forecast_clients_visible_to(user).select_related("manager").get(pk=client_id)
    except Client.DoesNotExist:
        raise Http404("No such client") from None
    if write and not can_change_client(user, client):
        raise PermissionDenied(_("This forecast is read-only for you"))
    return client


def forecast_manager_for_user(user: User, manager_id: int | None) -> User | None:
    """Whose grid ``user`` opens: a manager always its own; the head of sales and top
    management the manager they chose, or nobody (the team roll-up). 404 for anyone else."""
    if user.role == Role.MANAGER:
        if manager_id is not None and manager_id != user.pk:
            raise Http404("No such manager")
        return user
    if not uses_forecasts(user):
        raise PermissionDenied(_("Forecasts are for managers and the heads of sales"))
    if manager_id is None:
        return None
    try:
        return User.objects.get(pk=manager_id, role=Role.MANAGER)
    except User.DoesNotExist:
        raise Http404("No such manager") from None
