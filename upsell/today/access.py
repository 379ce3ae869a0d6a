"""The one permission funnel for the Today list.

A manager reads and decides the actions of the clients it serves. The head of sales reads the
whole team's or any one manager's, decides them and sets the weights. Top management reads
every list and the weights and decides nothing. An assistant or an administrator has no Today
list (404).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from upsell.accounts.models import Role, User

READERS = frozenset({Role.MANAGER, Role.HEAD_OF_SALES, Role.TOP_MANAGEMENT})


def _active(user: User) -> bool:
    return user.is_authenticated and user.is_active


def uses_today(user: User) -> bool:
    return _active(user) and user.role in READERS


def can_decide(user: User) -> bool:
    return _active(user) and user.role in (Role.MANAGER, Role.HEAD_OF_SALES)


def can_set_weights(user: User) -> bool:
    return _active(user) and user.role == Role.HEAD_OF_SALES


def require_today(user: User) -> None:
    if not uses_today(user):
        raise Http404("No Today list")


def require_decide(user: User) -> None:
    require_today(user)
    if not can_decide(user):
        raise PermissionDenied(_("Only managers and the head of sales decide on actions"))


def require_set_weights(user: User) -> None:
    require_today(user)
    if not can_set_weights(user):
        raise PermissionDenied(_("Only the head of sales sets the weights"))


def today_manager_for_user(user: User, manager_id: int | None) -> User | None:
    """Whose list ``user`` reads: a manager always its own; the head of sales and top
    management the manager they chose, or nobody (the whole team). 404 for anyone else and
    for a manager that is not one."""
    require_today(user)
    if user.role == Role.MANAGER:
        if manager_id is not None and manager_id != user.pk:
            raise Http404("No such manager")
        return user
    if manager_id is None:
        return None
    try:
        return User.objects.get(pk=manager_id, role=Role.MANAGER)
    except User.DoesNotExist:
        raise Http404("No such manager") from None
