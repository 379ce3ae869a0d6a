"""After an audit, every client goes where the managed statuses say it belongs."""

from collections import Counter
from dataclasses import dataclass

from django.utils.translation import gettext as _

from upsell.accounts.models import User
from upsell.clients.models import ClientStatus, HandOverRule
from upsell.portfolios.selectors import (
    ClientPlace,
    portfolio_places,
    team_assistants,
    workload_settings_current,
)
from upsell.portfolios.services.handover import ClientChange, clients_hand_over


@dataclass(frozen=True, kw_only=True)
class RoutingOutcome:
    to_managers: int
    to_assistants: int
    requests_moved: int


def _status_label(client: ClientPlace) -> str:
    return str(ClientStatus(client.status).label) if client.status else _("no status")


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
    portfolios = portfolio_places()
    clients = portfolios.clients
    users = User.objects.in_bulk({user_id for ids in teams.values() for user_id in ids})
    if pool is not None:
        users[pool.pk] = pool

    def allowed_for(client: ClientPlace) -> list[int]:
        team = teams.get(client.manager_id, []) if client.manager_id else []
        return team or ([pool.pk] if pool is not None else [])

    load: Counter[int] = Counter(
        client.assistant_id
        for client in clients
        if not portfolios.is_motivated(client) and client.assistant_id in allowed_for(client)
    )
    changes: list[ClientChange] = []
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
            changes.append(ClientChange(client_id=client.pk, assistant=None, reason=reason))
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
        changes.append(ClientChange(client_id=client.pk, assistant=users[chosen], reason=reason))

    outcome = clients_hand_over(changes=changes, rule=HandOverRule.ROUTING, by=changed_by)
    to_managers = sum(1 for change in outcome.handed if change.assistant_after is None)
    return RoutingOutcome(
        to_managers=to_managers,
        to_assistants=len(outcome.handed) - to_managers,
        requests_moved=outcome.requests_moved,
    )
