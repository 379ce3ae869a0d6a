"""Who reads the reviews: the head of sales its Monday review, top management and the head of
sales the company view. Anyone else finds neither (404), on a page as over the API."""

from django.http import Http404

from upsell.accounts.models import Role, User


def can_see_monday_review(user: User) -> bool:
    return user.is_active and user.role == Role.HEAD_OF_SALES


def can_see_company_view(user: User) -> bool:
    return user.is_active and user.role in (Role.HEAD_OF_SALES, Role.TOP_MANAGEMENT)


def require(allowed: bool) -> None:
    if not allowed:
        raise Http404("No such page")
