"""Who may see the workload board and change capacity, the pool and the portfolios."""

from django.core.exceptions import PermissionDenied

from upsell.accounts.models import Role, User


def can_view_workload(user: User) -> bool:
    return user.is_active and user.role in (Role.HEAD_OF_SALES, Role.TOP_MANAGEMENT)


def can_manage_workload(user: User) -> bool:
    return user.is_active and user.role == Role.HEAD_OF_SALES


def require(allowed: bool) -> None:
    """Refuse with 403: the board is no secret, only not everybody's to use."""
    if not allowed:
        raise PermissionDenied
