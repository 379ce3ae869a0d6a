"""The one permission funnel for closing: deals, objections, field work and coaching.

A manager sees and works only its own deals, and the calls, meetings and visits it owns or went
to. The head of sales sees and works every deal, keeps the lists (reasons a deal is lost, the
answers to objections, the closing settings), joins meetings and coaches. Top management sees
everything and changes nothing. An assistant sees no deal and no meeting; an administrator
manages users and imports, not sales.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from upsell.accounts.models import Role, User
from upsell.clients.models import Client
from upsell.deals.models import Activity, CoachingPeriod, Deal


def _sees_all(user: User) -> bool:
    return user.role in (Role.HEAD_OF_SALES, Role.TOP_MANAGEMENT)


def _active(user: User) -> bool:
    return user.is_authenticated and user.is_active


def deals_visible_to(user: User) -> QuerySet[Deal]:
    deals = Deal.objects.all()
    if not _active(user):
        return deals.none()
    if _sees_all(user):
        return deals
    if user.role == Role.MANAGER:
        return deals.filter(manager=user)
    return deals.none()


def can_work_deal(user: User, deal: Deal) -> bool:
    if not _active(user):
        return False
    if user.role == Role.HEAD_OF_SALES:
        return True
    return user.role == Role.MANAGER and deal.manager_id == user.pk


def can_open_deal(user: User, client: Client) -> bool:
    """Whether ``user`` may open a deal for ``client``: its manager, or the head of sales."""
    if not _active(user):
        return False
    if user.role == Role.HEAD_OF_SALES:
        return True
    return user.role == Role.MANAGER and client.manager_id == user.pk


def can_keep_closing_lists(user: User) -> bool:
    """The reasons a deal is lost, the library of answers and the closing settings."""
    return _active(user) and user.role == Role.HEAD_OF_SALES


def get_deal_for_user(user: User, deal_id: int, *, work: bool = False) -> Deal:
    """The deal if ``user`` may see it (and work it, with ``work``): 404 for one it may not see,
    403 for one it may see but not change."""
    try:
        deal = deals_visible_to(user).select_related("client", "manager").get(pk=deal_id)
    except Deal.DoesNotExist:
        raise Http404("No such deal") from None
    if work and not can_work_deal(user, deal):
        raise PermissionDenied(_("Only the deal's manager or the head of sales works a deal"))
    return deal


def activities_visible_to(user: User) -> QuerySet[Activity]:
    activities = Activity.objects.all()
    if not _active(user):
        return activities.none()
    if _sees_all(user):
        return activities
    if user.role == Role.MANAGER:
        return activities.filter(Q(owner=user) | Q(participants=user)).distinct()
    return activities.none()


def can_plan_activity(user: User, client: Client) -> bool:
    """Whether ``user`` may plan a call, meeting or visit with ``client``."""
    return can_open_deal(user, client)


def can_work_activity(user: User, activity: Activity) -> bool:
    if not _active(user):
        return False
    if user.role == Role.HEAD_OF_SALES:
        return True
    return user.role == Role.MANAGER and activity.owner_id == user.pk


def get_activity_for_user(user: User, activity_id: int, *, work: bool = False) -> Activity:
    try:
        activity = activities_visible_to(user).select_related("client", "owner").get(pk=activity_id)
    except Activity.DoesNotExist:
        raise Http404("No such activity") from None
    if work and not can_work_activity(user, activity):
        raise PermissionDenied(_("Only the activity's owner or the head of sales changes it"))
    return activity


def coaching_visible_to(user: User) -> QuerySet[CoachingPeriod]:
    """The head of sales and top management see every coaching period; a manager its own."""
    periods = CoachingPeriod.objects.all()
    if not _active(user):
        return periods.none()
    if _sees_all(user):
        return periods
    if user.role == Role.MANAGER:
        return periods.filter(manager=user)
    return periods.none()


def can_coach(user: User) -> bool:
    return _active(user) and user.role == Role.HEAD_OF_SALES


def get_coaching_period_for_user(
    user: User, period_id: int, *, coach: bool = False
) -> CoachingPeriod:
    try:
        period = coaching_visible_to(user).select_related("manager", "coach").get(pk=period_id)
    except CoachingPeriod.DoesNotExist:
        raise Http404("No such coaching period") from None
    if coach and not can_coach(user):
        raise PermissionDenied(_("Only the head of sales coaches"))
    return period
