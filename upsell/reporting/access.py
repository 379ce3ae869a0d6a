"""Who may see the audit, run it, change its rules and override a client's status."""

from django.core.exceptions import PermissionDenied

from upsell.accounts.models import Role, User


def can_view_audit(user: User) -> bool:
    return user.is_active and user.role in (Role.HEAD_OF_SALES, Role.TOP_MANAGEMENT)


def can_run_audit(user: User) -> bool:
    return user.is_active and user.role in (Role.HEAD_OF_SALES, Role.ADMIN)


def can_change_rules(user: User) -> bool:
    return user.is_active and user.role == Role.HEAD_OF_SALES


def can_override_status(user: User) -> bool:
    return user.is_active and user.role == Role.HEAD_OF_SALES


def require(allowed: bool) -> None:
    """Refuse with 403: the audit pages are no secret, only not everybody's to use."""
    if not allowed:
        raise PermissionDenied
