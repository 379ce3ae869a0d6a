"""A user's notifications over the REST API: its own only, worded in the caller's language
(``Accept-Language``), with the facts behind each sentence for an integration to read."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from upsell.accounts.http import authenticated_user
from upsell.accounts.schemas import PageOut, PageParams, error_responses
from upsell.notifications.selectors import notifications_of
from upsell.notifications.services import notifications_mark_read

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str = Field(description='what happened, e.g. "requests.assigned"; blank for old ones')
    params: dict[str, Any] = Field(description="the facts the sentence is worded from")
    text: str = Field(description="the sentence, in the caller's language", alias="wording")
    url: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class NotificationPage(PageOut):
    items: list[NotificationOut]
    unread: int


class MarkedOut(Schema):
    marked: int = Field(description="notifications that were unread and now are read")


@router.get("", response={200: NotificationPage, **error_responses(401, 422)})
def list_notifications(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    """The caller's notifications, newest first. Reading them here marks nothing read."""
    notifications = notifications_of(user=authenticated_user(request))
    return {**page.page_of(notifications), "unread": notifications.filter(read_at=None).count()}


@router.post("/read", response={200: MarkedOut, **error_responses(401)})
def mark_notifications_read(request: HttpRequest) -> dict[str, int]:
    """Mark all the caller's notifications read, as opening the notifications page does."""
    return {"marked": notifications_mark_read(user=authenticated_user(request))}
