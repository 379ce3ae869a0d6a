"""Portfolios over the REST API: handing a client to other people, mounted under ``/clients``
so the operation keeps its path, ``POST /api/clients/{client_id}/reassign``; and the workload
board under ``/workload``, with its settings and the rebalancing proposal, under the same access
rules and through the same selectors and services as the board's page."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Router

from upsell.accounts.http import authenticated_user, users_by_id
from upsell.accounts.models import User
from upsell.accounts.schemas import ObjectId, error_responses
from upsell.clients.access import can_reassign_clients, get_client_for_user
from upsell.clients.models import Client
from upsell.clients.schemas import ClientOut, ReassignIn
from upsell.history.models import ChangeSource
from upsell.portfolios.access import can_manage_workload, can_view_workload
from upsell.portfolios.models import WorkloadSettings
from upsell.portfolios.schemas import (
    PersonLoadOut,
    ProposalAppliedOut,
    ProposalApplyIn,
    ProposalOut,
    WorkloadSettingsIn,
    WorkloadSettingsOut,
)
from upsell.portfolios.selectors import (
    PersonLoad,
    WorkloadConfig,
    rebalance_propose,
    spontaneous_left_with_managers,
    workload_board,
    workload_current,
    workload_settings_current,
)
from upsell.portfolios.services import (
    client_hand_over,
    portfolio_rebalance_apply,
    workload_settings_update,
)

router = Router(tags=["clients"])
workload_router = Router(tags=["workload"])


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
    people = users_by_id(manager=payload.manager, assistant=payload.assistant)
    return client_hand_over(
        client=client,
        manager=people["manager"],
        assistant=people["assistant"],
        changed_by=user,
        reason=payload.reason,
    ).client


def _require_viewer(user: User) -> None:
    if not can_view_workload(user):
        raise PermissionDenied(_("Only the head of sales and top management see the workload."))


def _require_manager(user: User) -> None:
    if not can_manage_workload(user):
        raise PermissionDenied(_("Only the head of sales manages the workload."))


@workload_router.get("", response={200: list[PersonLoadOut], **error_responses(401, 403)})
def get_workload(request: HttpRequest) -> list[PersonLoad]:
    """Each active manager and assistant: the motivated and spontaneous clients it serves
    against the capacity, their shipments over 12 months, its waiting requests."""
    _require_viewer(authenticated_user(request))
    return workload_board()


@workload_router.get("/settings", response={200: WorkloadSettingsOut, **error_responses(401, 403)})
def get_workload_settings(request: HttpRequest) -> WorkloadConfig:
    """The capacity and the pool assistant in force."""
    _require_viewer(authenticated_user(request))
    return workload_settings_current()


@workload_router.put(
    "/settings", response={200: WorkloadSettingsOut, **error_responses(400, 401, 403, 422)}
)
def update_workload_settings(request: HttpRequest, payload: WorkloadSettingsIn) -> WorkloadSettings:
    """Put a new capacity and pool assistant in force (the head of sales only). The next
    routing and rebalancing proposal follow them; clients do not move until then."""
    user = authenticated_user(request)
    _require_manager(user)
    pool = users_by_id(pool_assistant=payload.pool_assistant)["pool_assistant"]
    return workload_settings_update(
        max_motivated_per_manager=payload.max_motivated_per_manager,
        pool_assistant=pool,
        changed_by=user,
        source=ChangeSource.API,
    )


@workload_router.get("/proposal", response={200: ProposalOut, **error_responses(401, 403)})
def get_rebalance_proposal(request: HttpRequest) -> dict[str, Any]:
    """The moves the rebalancing proposes (the head of sales only): spontaneous clients to
    assistants, the excess of overloaded managers to managers with room."""
    _require_manager(authenticated_user(request))
    workload = workload_current()
    moves = rebalance_propose(workload=workload)
    return {
        "moves": moves,
        "spontaneous_left_with_managers": spontaneous_left_with_managers(
            proposal=moves, workload=workload
        ),
    }


@workload_router.post(
    "/proposal/apply",
    response={200: ProposalAppliedOut, **error_responses(400, 401, 403, 422)},
)
def apply_rebalance_proposal(request: HttpRequest, payload: ProposalApplyIn) -> dict[str, int]:
    """Apply the moves of the current proposal named by their keys, in one transaction: each
    client's waiting requests and, for a new manager, its future forecast go with it. A key the
    proposal no longer holds is skipped, so the count applied may be smaller than sent."""
    user = authenticated_user(request)
    _require_manager(user)
    return {"applied": portfolio_rebalance_apply(keys=payload.keys, applied_by=user)}
