"""What every page's layout needs: the currency and the navigation of the user's role."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from upsell.core.money import currency_symbol

# What an app counts beside its menu item (the requests waiting in a person's queue, say), by
# the item's URL name: each app registers its own count in its AppConfig.ready, as it does its
# health check, so that this layer reads no app's models.
MenuCount = Callable[[Any], int]
_MENU_COUNTS: dict[str, MenuCount] = {}


def menu_count_register(url_name: str, count: MenuCount) -> None:
    _MENU_COUNTS[url_name] = count


def _count(url_name: str, user: Any) -> Callable[[], int]:
    """The count, asked only when a page draws its menu (a page's fragment draws none)."""
    count = _MENU_COUNTS.get(url_name)
    return (lambda: count(user)) if count is not None else (lambda: 0)


@dataclass(frozen=True, kw_only=True)
class NavItem:
    """A link of the menu, or a group of links (``children``) that opens under its label."""

    label: str
    url: str
    active: bool
    children: tuple["NavItem", ...] = ()
    # How many wait there for the user (0 shows nothing), counted when the menu is drawn.
    count: Callable[[], int] | None = None


# Closing's pages by the menu item that marks them as the one open (the rest are the deals').
CONVERSION = frozenset({"conversion", "stuck", "closing_settings"})


def _closing_area(page: str) -> str:
    if page in CONVERSION:
        return "conversion"
    if page.startswith("coaching"):
        return "coaching"
    if page.startswith(("calendar", "activit", "client_activities")):
        return "calendar"
    return "deals"


def _closing_group(closing: str) -> NavItem:
    """The closing pages under one "Deals" item, so the whole menu and the user's name fit a
    laptop's width."""
    pages = [
        ("deals", _("Deal board"), reverse("deals:board")),
        ("conversion", _("Conversion"), reverse("deals:conversion")),
        ("coaching", _("Coaching"), reverse("deals:coaching_list")),
        ("calendar", _("Calendar"), reverse("deals:calendar")),
    ]
    children = tuple(
        NavItem(label=label, url=url, active=closing == area) for area, label, url in pages
    )
    return NavItem(
        label=_("Deals"), url=reverse("deals:board"), active=bool(closing), children=children
    )


def _navigation(request: HttpRequest) -> list[NavItem]:
    """The screens of the user's role. It only mirrors access: each page checks its own."""
    user = request.user
    if not user.is_authenticated:
        return []
    match = request.resolver_match
    section = match.namespace if match is not None else ""
    page = (match.url_name or "") if match is not None else ""
    closing = _closing_area(page) if section == "deals" else ""
    items = []
    # The core layer sits below the apps: the start page is named by its URL, the role by value.
    if user.is_manager or user.role == "head_of_sales":
        url = reverse("today:list")
        items.append(NavItem(label=_("Today"), url=url, active=section == "today"))
    if user.role in ("head_of_sales", "top_management"):
        url = reverse("review:monday" if user.role == "head_of_sales" else "review:company")
        items.append(NavItem(label=_("Review"), url=url, active=section == "review"))
    if user.sees_all_sales or user.is_manager or user.is_assistant:
        label = _("Clients") if user.sees_all_sales else _("My clients")
        items.append(NavItem(label=label, url=reverse("clients:list"), active=section == "clients"))
    if user.sees_all_sales:
        url = reverse("audit:overview")
        items.append(NavItem(label=_("Audit"), url=url, active=section == "audit"))
    if user.sees_all_sales or user.is_manager:
        url = reverse("forecasts:grid")
        items.append(NavItem(label=_("Forecast"), url=url, active=section == "forecasts"))
    if user.sees_all_sales or user.is_manager or user.is_assistant:
        url = reverse("requests:queues")
        items.append(
            NavItem(
                label=_("Requests"),
                url=url,
                active=section == "requests",
                count=_count("requests:queues", user),
            )
        )
    if user.sees_all_sales or user.is_manager:
        items.append(_closing_group(closing))
    if user.sees_all_sales or user.is_manager or user.is_assistant:
        url = reverse("programs:list")
        items.append(NavItem(label=_("Programs"), url=url, active=section == "programs"))
    if user.sees_all_sales:
        url = reverse("portfolios:workload")
        items.append(NavItem(label=_("Workload"), url=url, active=section == "portfolios"))
    # The core layer sits below accounts, so the role is compared by its stored value.
    if user.role == "head_of_sales" or user.is_admin_role:
        items.append(
            NavItem(label=_("Imports"), url=reverse("imports:list"), active=section == "imports")
        )
    if user.is_admin_role:
        url = reverse("accounts:users")
        active = section == "accounts" and page.startswith("user")
        items.append(NavItem(label=_("Users"), url=url, active=active))
    elif user.is_staff:
        items.append(NavItem(label=_("Administration"), url=reverse("admin:index"), active=False))
    return items


def upsell(request: HttpRequest) -> dict[str, object]:
    return {
        "currency": settings.UPSELL_CURRENCY,
        "currency_symbol": currency_symbol(),
        "navigation": _navigation(request),
    }
