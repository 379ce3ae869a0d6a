"""Who may see and change the product catalogue (reference data, not client data)."""

from upsell.accounts.models import Role, User


def can_view_products(user: User) -> bool:
    return user.is_active and user.is_authenticated


def can_change_products(user: User) -> bool:
    return user.is_active and (user.role in (Role.HEAD_OF_SALES, Role.ADMIN) or user.is_superuser)
