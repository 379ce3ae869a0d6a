"""Clients over the REST API: the same selectors, services and access funnel as the pages.

Who serves a client is portfolios' to write: a new client is created through its service, and
reassigning a client (which moves its requests and forecast too) is its operation
(``upsell.portfolios.api``), mounted under the same ``/clients`` path."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status

from upsell.accounts.http import authenticated_user
from upsell.accounts.schemas import ObjectId, PageParams, error_responses
from upsell.clients.access import can_create_clients, get_client_for_user
from upsell.clients.models import Client
from upsell.clients.schemas import ClientIn, ClientOut, ClientPage, ClientQuery
from upsell.clients.selectors import ClientFilters, client_list
from upsell.clients.services import ClientDetails, client_update
from upsell.history.models import ChangeSource, Subject
from upsell.history.schemas import ChangePage
from upsell.history.selectors import changes_of
from upsell.portfolios.services import client_create

router = Router(tags=["clients"])


@router.get("", response={200: ClientPage, **error_responses(401, 422)})
def list_clients(
    request: HttpRequest, filters: Query[ClientQuery], page: Query[PageParams]
) -> dict[str, Any]:
    """The clients the caller may see, filtered, sorted and a page at a time."""
    clients = client_list(
        user=authenticated_user(request), filters=ClientFilters(**filters.model_dump())
    )
    return page.page_of(clients)


@router.get("/{client_id}", response={200: ClientOut, **error_responses(401, 404, 422)})
def get_client(request: HttpRequest, client_id: Path[ObjectId]) -> Client:
    return get_client_for_user(authenticated_user(request), client_id)


@router.get("/{client_id}/changes", response={200: ChangePage, **error_responses(401, 404, 422)})
def list_client_changes(
    request: HttpRequest, client_id: Path[ObjectId], page: Query[PageParams]
) -> dict[str, Any]:
    """How the client's details changed, newest first: each field before and after, who, through
    what and when. Who serves the client has its own history (its hand-overs)."""
    client = get_client_for_user(authenticated_user(request), client_id)
    return page.page_of(changes_of(subject=Subject.CLIENT, object_id=client.pk))


@router.post("", response={201: ClientOut, **error_responses(400, 401, 403, 422)})
def create_client(request: HttpRequest, payload: ClientIn) -> Status[Client]:
    """A new client; a manager who creates one becomes its manager."""
    user = authenticated_user(request)
    if not can_create_clients(user):
        raise PermissionDenied(_("Your role does not create clients."))
    client = client_create(details=ClientDetails(**payload.model_dump()), created_by=user)
    return Status(201, client)


@router.put("/{client_id}", response={200: ClientOut, **error_responses(400, 401, 403, 404, 422)})
def update_client(request: HttpRequest, client_id: Path[ObjectId], payload: ClientIn) -> Client:
    """Replace the client's details (every field; those left out take their defaults)."""
    user = authenticated_user(request)
    client = get_client_for_user(user, client_id, write=True)
    return client_update(
        client=client,
        details=ClientDetails(**payload.model_dump()),
        changed_by=user,
        source=ChangeSource.API,
    )
