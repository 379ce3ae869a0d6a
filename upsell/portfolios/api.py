"""Portfolios over the REST API: handing a client to other people, mounted under ``/clients``
so the operation keeps its path, ``POST /api/clients/{client_id}/reassign``."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Router

from upsell.accounts.http import authenticated_user
from upsell.accounts.models import User
from upsell.accounts.schemas import ObjectId, error_responses
from upsell.clients.access import can_reassign_clients, get_client_for_user
from upsell.clients.models import Client
from upsell.clients.schemas import ClientOut, ReassignIn
from upsell.portfolios.services import client_hand_over

router = Router(tags=["clients"])


@router.post(
    "/{client_id}/reassign", response={200: ClientOut, **error_responses(400, 401, 403, 404, 422)}
)
def reassign_client(request: HttpRequest, client_id: Path[ObjectId], payload: ReassignIn) -> Client:
    """Give the client a new manager and assistant (the head of sales only). Its waiting
    requests follow the routing rules, and a new manager takes its forecast from next month on
    (locked months stay)."""
    user = authenticated_user(request)
    client = get_client_for_user(user, client_id)
    if not can_reassign_clients(user):
        raise PermissionDenied(_("Only the head of sales reassigns clients."))
    people = _users_by_id(manager=payload.manager, assistant=payload.assistant)
    return client_hand_over(
        client=client,
        manager=people["manager"],
        assistant=people["assistant"],
        changed_by=user,
        reason=payload.reason,
    ).client


def _users_by_id(**user_ids: int | None) -> dict[str, User | None]:
    found = User.objects.in_bulk([user_id for user_id in user_ids.values() if user_id is not None])
    missing = {
        field: _("No user has id %(id)s.") % {"id": user_id}
        for field, user_id in user_ids.items()
        if user_id is not None and user_id not in found
    }
    if missing:
        raise ValidationError(missing)
    return {
        field: None if user_id is None else found[user_id] for field, user_id in user_ids.items()
    }
