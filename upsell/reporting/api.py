"""A client's status over the REST API, ``/api/clients/{id}/status``: what its card's status
section shows, to whoever sees the client; setting it by hand and lifting that, the head of
sales alone (403 for the others). The same access funnel, selector and services as the card."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Path, Router

from upsell.accounts.http import authenticated_user
from upsell.accounts.models import User
from upsell.accounts.schemas import ObjectId, error_responses
from upsell.clients.access import get_client_for_user
from upsell.clients.models import Client
from upsell.reporting.access import can_override_status
from upsell.reporting.overrides import status_override_lift, status_override_set
from upsell.reporting.schemas import ClientStatusOut, StatusOverrideIn
from upsell.reporting.selectors import client_status_section

router = Router(tags=["clients"])


def _status_out(client: Client) -> dict[str, Any]:
    section = client_status_section(client=client, today=timezone.localdate())
    audit, override = section.audit, section.override
    return {
        "client_id": client.pk,
        "status": client.status or None,
        "audit": None
        if audit is None
        else {
            "as_of": audit.as_of,
            "computed_status": audit.computed_status or None,
            "status_rule": audit.status_rule,
            "reason": section.reason,
            "perspective": audit.perspective,
            "abc_class": audit.abc_class,
            "xyz_class": audit.xyz_class,
        },
        "override": None
        if override is None
        else {
            "status": override.status,
            "reason": override.reason,
            "set_by": override.created_by,
            "set_at": override.created_at,
            "expires_on": override.expires_on,
        },
        "month_end_changes": [
            {"month": month, "from_status": before or None, "to_status": after or None}
            for month, before, after in section.timeline
        ],
    }


def _overriding(request: HttpRequest, client_id: int) -> tuple[User, Client]:
    """The caller and the client, when the caller may set the client's status by hand."""
    user = authenticated_user(request)
    client = get_client_for_user(user, client_id)
    if not can_override_status(user):
        raise PermissionDenied(_("Only the head of sales sets a status by hand."))
    return user, client


@router.get(
    "/{client_id}/status", response={200: ClientStatusOut, **error_responses(401, 404, 422)}
)
def get_client_status(request: HttpRequest, client_id: Path[ObjectId]) -> dict[str, Any]:
    """The client's status in force, the audit's status and why, the status set by hand if one
    is in force (who, when, until when, why) and the changes of its status at month ends."""
    client = get_client_for_user(authenticated_user(request), client_id)
    return _status_out(client)


@router.post(
    "/{client_id}/status/override",
    response={200: ClientStatusOut, **error_responses(400, 401, 403, 404, 422)},
)
def override_client_status(
    request: HttpRequest, client_id: Path[ObjectId], payload: StatusOverrideIn
) -> dict[str, Any]:
    """Set the client's status by hand, with a reason, until a day or until lifted (the head of
    sales only); it replaces any status set by hand before, and the client goes to whoever now
    serves it."""
    user, client = _overriding(request, client_id)
    status_override_set(
        client=client,
        status=payload.status,
        reason=payload.reason,
        expires_on=payload.expires_on,
        set_by=user,
        today=timezone.localdate(),
    )
    client.refresh_from_db()
    return _status_out(client)


@router.delete(
    "/{client_id}/status/override",
    response={200: ClientStatusOut, **error_responses(401, 403, 404, 422)},
)
def lift_client_status_override(request: HttpRequest, client_id: Path[ObjectId]) -> dict[str, Any]:
    """Return the client to the audit's status (the head of sales only); the client goes to
    whoever now serves it. Nothing to lift is no error."""
    user, client = _overriding(request, client_id)
    status_override_lift(client=client, lifted_by=user, today=timezone.localdate())
    client.refresh_from_db()
    return _status_out(client)
