"""Use-cases of portfolios: who serves each client after an audit, the capacity and pool
settings, the rebalancing the head of sales applies from the workload board, and the hand-over
of one client by hand. Whichever way a client changes hands, what is attached to it (its
waiting requests, its future forecast) goes with it in the same transaction."""

from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from upsell.accounts.models import Role, User
from upsell.clients.models import AssignmentRole, Client, ClientAssignmentChange, ClientStatus
from upsell.clients.services import client_reassign
from upsell.forecasts.services import forecast_cells_reassign
from upsell.portfolios.models import WorkloadSettings
from upsell.portfolios.selectors import (
    portfolios_current,
    rebalance_propose,
    team_assistants,
    workload_settings_current,
)
from upsell.requests.models import RoutingRule
from upsell.requests.services import notification_send, order_requests_follow_clients

# How many client names one notification spells out before it says "and N more".
NAMES_IN_A_NOTIFICATION = 5


@dataclass(frozen=True, kw_only=True)
class RoutingOutcome:
    to_managers: int
    to_assistants: int
    requests_moved: int


def _status_label(client: Client) -> str:
    return str(ClientStatus(client.status).label) if client.status else _("no status")


def _assistant_change(
    client: Client, new: User | None, reason: str, changed_by: User | None
) -> ClientAssignmentChange:
    return ClientAssignmentChange(
        client=client,
        role=AssignmentRole.ASSISTANT,
        previous_id=client.assistant_id,
        new=new,
        changed_by=changed_by,
        reason=reason[:500],
    )


def portfolio_routing_apply(*, changed_by: User | None = None) -> RoutingOutcome:
    """Put every client where the managed statuses say it belongs, recording each change.

    A motivated client is served by its manager alone; a spontaneous one by an assistant of
    its manager's team (it keeps the one it has, else the least loaded), or by the pool
    assistant when the manager has none, else it stays with its manager until one is set.
    A manager whose client comes back is told. Safe to run twice: the second run changes
    nothing.
    """
    config = workload_settings_current()
    pool = (
        config.pool_assistant if config.pool_assistant and config.pool_assistant.is_active else None
    )
    teams = team_assistants()
    portfolios = portfolios_current()
    clients = portfolios.clients
    users = User.objects.in_bulk({user_id for ids in teams.values() for user_id in ids})
    if pool is not None:
        users[pool.pk] = pool

    def allowed_for(client: Client) -> list[int]:
        team = teams.get(client.manager_id, []) if client.manager_id else []
        return team or ([pool.pk] if pool is not None else [])

    load: Counter[int] = Counter(
        client.assistant_id
        for client in clients
        if not portfolios.is_motivated(client) and client.assistant_id in allowed_for(client)
    )
    changes: list[tuple[Client, User | None, str]] = []
    returned: dict[int, list[Client]] = defaultdict(list)
    for client in clients:
        if portfolios.is_motivated(client):
            if client.assistant_id is None:
                continue
            reason = (
                _("Motivated: plans a purchase budget; its manager serves it")
                if client.plans_budget
                else _("Motivated: status %(status)s is managed; its manager serves it")
                % {"status": _status_label(client)}
            )
            changes.append((client, None, reason))
            if client.manager_id is not None:
                returned[client.manager_id].append(client)
            continue
        allowed = allowed_for(client)
        if not allowed or client.assistant_id in allowed:
            continue
        chosen = min(allowed, key=lambda user_id: (load[user_id], user_id))
        load[chosen] += 1
        served_by = (
            _("the pool assistant, its manager has none")
            if teams.get(client.manager_id or 0) is None
            else _("the least loaded assistant of its manager's team")
        )
        reason = _("Spontaneous: status %(status)s is not managed; to %(whom)s") % {
            "status": _status_label(client),
            "whom": served_by,
        }
        changes.append((client, users[chosen], reason))

    with transaction.atomic():
        now = timezone.now()
        for client, new, _reason in changes:
            Client.objects.filter(pk=client.pk).update(assistant=new, updated_at=now)
        ClientAssignmentChange.objects.bulk_create(
            [_assistant_change(client, new, reason, changed_by) for client, new, reason in changes]
        )
        moved = order_requests_follow_clients(
            client_ids=[client.pk for client, new, _r in changes if new is None],
            rule=RoutingRule.MOTIVATED,
            reason=_("The client is motivated again: back to its manager"),
            changed_by=changed_by,
        )
        moved += order_requests_follow_clients(
            client_ids=[client.pk for client, new, _r in changes if new is not None],
            rule=RoutingRule.SPONTANEOUS,
            reason=_("The client is spontaneous: its assistant takes simple orders"),
            changed_by=changed_by,
        )
        managers = User.objects.in_bulk(list(returned))
        for manager_id, back in returned.items():
            names = ", ".join(client.name for client in back[:NAMES_IN_A_NOTIFICATION])
            more = len(back) - NAMES_IN_A_NOTIFICATION
            if more > 0:
                names += " " + _("and %(count)s more") % {"count": more}
            notification_send(
                user=managers[manager_id],
                text=_("Back in your portfolio as motivated clients: %(names)s") % {"names": names},
                url=reverse("clients:list"),
            )
    to_managers = sum(1 for _c, new, _r in changes if new is None)
    return RoutingOutcome(
        to_managers=to_managers,
        to_assistants=len(changes) - to_managers,
        requests_moved=moved,
    )


def workload_settings_update(
    *, max_motivated_per_manager: int, pool_assistant: User | None, changed_by: User
) -> WorkloadSettings:
    """Put a new capacity and pool in force; earlier settings stay as history."""
    errors: dict[str, str] = {}
    if max_motivated_per_manager < 1:
        errors["max_motivated_per_manager"] = _("A manager serves at least one client.")
    if pool_assistant is not None and (
        pool_assistant.role != Role.ASSISTANT or not pool_assistant.is_active
    ):
        errors["pool_assistant"] = _("%(user)s is not an active assistant.") % {
            "user": pool_assistant
        }
    if errors:
        raise ValidationError(errors)
    return WorkloadSettings.objects.create(
        max_motivated_per_manager=max_motivated_per_manager,
        pool_assistant=pool_assistant,
        changed_by=changed_by,
    )


def portfolio_rebalance_apply(*, keys: Collection[str], applied_by: User) -> int:
    """Apply the moves of the current proposal that the head of sales kept (by their keys).

    Everything attached goes with a client in the same transaction: its waiting requests and,
    for a new manager, its future forecast cells. A key no longer in the proposal (the
    portfolios changed since it was shown, or it was never offered) is ignored. The count
    applied.
    """
    with transaction.atomic():
        chosen = [move for move in rebalance_propose() if move.key in set(keys)]
        now = timezone.now()
        history = []
        for move in chosen:
            field = "manager" if move.role == AssignmentRole.MANAGER else "assistant"
            Client.objects.filter(pk=move.client.pk).update(**{field: move.new, "updated_at": now})
            history.append(
                ClientAssignmentChange(
                    client=move.client,
                    role=move.role,
                    previous=move.previous,
                    new=move.new,
                    changed_by=applied_by,
                    reason=move.reason[:500],
                )
            )
        ClientAssignmentChange.objects.bulk_create(history)
        order_requests_follow_clients(
            client_ids=[move.client.pk for move in chosen],
            rule=RoutingRule.REBALANCING,
            reason=_("Moved with its client by the rebalancing"),
            changed_by=applied_by,
        )
        by_manager: dict[User, list[int]] = defaultdict(list)
        for move in chosen:
            if move.role == AssignmentRole.MANAGER:
                by_manager[move.new].append(move.client.pk)
        for manager, client_ids in by_manager.items():
            forecast_cells_reassign(client_ids=client_ids, manager=manager)
    return len(chosen)


@dataclass(frozen=True, kw_only=True)
class HandOver:
    client: Client
    requests_moved: int
    cells_moved: int


def client_hand_over(
    *,
    client: Client,
    manager: User | None,
    assistant: User | None,
    changed_by: User,
    reason: str = "",
) -> HandOver:
    """Give ``client`` a new manager and/or assistant by hand, with everything attached.

    As a rebalancing does, in one transaction: each change of the client is recorded with the
    reason; its waiting requests follow the routing rules (the manager takes a motivated
    client's and complex ones, the assistant the others), recorded under the rule "manual"; a
    new manager takes the forecast of the months after the current one, while past and locked
    months stay with whoever forecast them. The new manager and assistant are told. Handing a
    client to the people who serve it already changes nothing.
    """
    reason = reason.strip()
    with transaction.atomic():
        before = Client.objects.select_for_update().get(pk=client.pk)
        handed = client_reassign(
            client=before,
            manager=manager,
            assistant=assistant,
            changed_by=changed_by,
            reason=reason,
        )
        manager_changed = handed.manager_id != before.manager_id
        assistant_changed = handed.assistant_id != before.assistant_id
        if not (manager_changed or assistant_changed):
            return HandOver(client=handed, requests_moved=0, cells_moved=0)
        newcomers = [
            person
            for person, changed in (
                (handed.manager, manager_changed),
                (handed.assistant, assistant_changed),
            )
            # Whoever hands a client to itself knows already.
            if changed and person is not None and person != changed_by
        ]
        values = {"user": changed_by, "client": handed.name, "reason": reason}
        for person in newcomers:
            notification_send(
                user=person,
                text=(
                    _("%(user)s hands %(client)s over to you: %(reason)s") % values
                    if reason
                    else _("%(user)s hands %(client)s over to you") % values
                ),
                url=reverse("clients:detail", kwargs={"client_id": handed.pk}),
            )
        requests_moved = order_requests_follow_clients(
            client_ids=[handed.pk],
            rule=RoutingRule.MANUAL,
            reason=(
                _("Moved with its client: %(reason)s") % {"reason": reason}
                if reason
                else _("Moved with its client, reassigned by %(user)s") % {"user": changed_by}
            ),
            changed_by=changed_by,
        )
        cells_moved = (
            forecast_cells_reassign(client_ids=[handed.pk], manager=handed.manager)
            if manager_changed
            else 0
        )
    return HandOver(client=handed, requests_moved=requests_moved, cells_moved=cells_moved)
