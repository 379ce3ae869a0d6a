"""Clients over the REST API: the same selectors, services and access funnel as the pages.

Who serves a client is portfolios' to write: a new client is created through its service, and
reassigning a client (which moves its requests and forecast too) is its operation
(``upsell.portfolios.api``), mounted under the same ``/clients`` path."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status

from upsell.accounts.http import authenticated_user
from upsell.accounts.schemas import ObjectId, PageParams, error_responses
from upsell.clients.access import can_create_clients, get_client_for_user
from upsell.clients.contacts import (
    ContactDetails,
    contact_active_set,
    contact_create,
    contact_update,
    contacts_of,
    get_contact_of_client,
)
from upsell.clients.models import Client, Contact
from upsell.clients.schemas import (
    BudgetMonthsIn,
    ClientIn,
    ClientOut,
    ClientPage,
    ClientQuery,
    ContactIn,
    ContactOut,
    WalletOut,
    WalletQuery,
)
from upsell.clients.selectors import ClientFilters, client_list
from upsell.clients.services import ClientDetails, client_budget_months_set, client_update
from upsell.clients.wallet import ClientWallet, WalletPeriod, client_wallet
from upsell.core.months import year_months
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


def _period_out(period: WalletPeriod) -> dict[str, Any]:
    return {
        "first_month": period.first,
        "last_month": period.last,
        "budget": period.budget,
        "shipped": period.shipped,
        "share": period.share,
        "competitors": period.competitors,
    }


def _wallet_out(*, year: int, wallet: ClientWallet | None) -> dict[str, Any]:
    if wallet is None:
        return {"year": year, "months": [], "quarters": [], "total": None}
    return {
        "year": year,
        "months": [_period_out(month) for month in wallet.months],
        "quarters": [_period_out(quarter) for quarter in wallet.quarters],
        "total": _period_out(wallet.total),
    }


@router.get(
    "/{client_id}/budget-months", response={200: WalletOut, **error_responses(401, 404, 422)}
)
def get_client_budget_months(
    request: HttpRequest, client_id: Path[ObjectId], query: Query[WalletQuery]
) -> dict[str, Any]:
    """The client's budget of each month of a year against what it was shipped: the share of
    wallet and what the competitors took, by month, quarter and year."""
    client = get_client_for_user(authenticated_user(request), client_id)
    year = query.year or client.budget_year or timezone.localdate().year
    return _wallet_out(year=year, wallet=client_wallet(client=client, year=year))


@router.put(
    "/{client_id}/budget-months",
    response={200: WalletOut, **error_responses(400, 401, 403, 404, 422)},
)
def set_client_budget_months(
    request: HttpRequest, client_id: Path[ObjectId], payload: BudgetMonthsIn
) -> dict[str, Any]:
    """Set the budget of each month of a year; the annual budget becomes their sum, and the
    year becomes the client's budget year unless a later one is planned."""
    user = authenticated_user(request)
    client = get_client_for_user(user, client_id, write=True)
    client_budget_months_set(
        client=client,
        months=dict(zip(year_months(payload.year), payload.months, strict=True)),
        changed_by=user,
        source=ChangeSource.API,
    )
    return _wallet_out(year=payload.year, wallet=client_wallet(client=client, year=payload.year))


def _contact_details(payload: ContactIn, *, external_id: str = "") -> ContactDetails:
    return ContactDetails(
        **payload.model_dump(exclude={"active"}, mode="json"), external_id=external_id
    )


@router.get(
    "/{client_id}/contacts", response={200: list[ContactOut], **error_responses(401, 404, 422)}
)
def list_client_contacts(request: HttpRequest, client_id: Path[ObjectId]) -> list[Contact]:
    """The client's contact persons, those who no longer work with us last."""
    client = get_client_for_user(authenticated_user(request), client_id)
    return list(contacts_of(client=client, inactive=True))


@router.post(
    "/{client_id}/contacts",
    response={201: ContactOut, **error_responses(400, 401, 403, 404, 422)},
)
def create_client_contact(
    request: HttpRequest, client_id: Path[ObjectId], payload: ContactIn
) -> Status[Contact]:
    user = authenticated_user(request)
    client = get_client_for_user(user, client_id, write=True)
    with transaction.atomic():
        contact = contact_create(client=client, details=_contact_details(payload), by=user)
        contact_active_set(contact=contact, active=payload.active, by=user)
    return Status(201, contact)


@router.put(
    "/{client_id}/contacts/{contact_id}",
    response={200: ContactOut, **error_responses(400, 401, 403, 404, 422)},
)
def update_client_contact(
    request: HttpRequest,
    client_id: Path[ObjectId],
    contact_id: Path[ObjectId],
    payload: ContactIn,
) -> Contact:
    """Replace the contact's details; ``active`` false deactivates it (its meetings keep it)."""
    user = authenticated_user(request)
    client = get_client_for_user(user, client_id, write=True)
    contact = get_contact_of_client(client=client, contact_id=contact_id)
    with transaction.atomic():
        contact_update(
            contact=contact,
            details=_contact_details(payload, external_id=contact.external_id),
            by=user,
        )
        contact_active_set(contact=contact, active=payload.active, by=user)
    return contact
