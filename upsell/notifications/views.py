"""A user's notifications: the page shows them and marks them read."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from upsell.accounts.http import authenticated_user
from upsell.notifications.selectors import notifications_of
from upsell.notifications.services import notifications_mark_read

SHOWN = 100


@require_GET
@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    user = authenticated_user(request)
    shown = list(notifications_of(user=user)[:SHOWN])
    notifications_mark_read(user=user)
    return render(request, "notifications/list.html", {"notifications": shown})
