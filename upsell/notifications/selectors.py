from django.db.models import QuerySet

from upsell.accounts.models import User
from upsell.notifications.models import Notification


def notifications_of(*, user: User) -> QuerySet[Notification]:
    """``user``'s own notifications, the newest first: nobody reads another's."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


def notifications_unread_count(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
