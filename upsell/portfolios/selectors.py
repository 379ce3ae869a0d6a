"""Reads for the workload board: settings in force, each person's load, the rebalancing plan."""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Min, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from upsell.accounts.models import Role, Team, User
from upsell.clients.models import Client
from upsell.clients.motivation import motivated_q
from upsell.core.months import month_add, month_start
from upsell.forecasts.models import ForecastCell
from upsell.portfolios.models import WorkloadSettings
from upsell.requests.models import WAITING_STATUSES, OrderRequest
from upsell.shipments.selectors import shipped_per_client

DEFAULT_CAPACITY = 60


@dataclass(frozen=True, kw_only=True)
class WorkloadConfig:
    max_motivated_per_manager: int = DEFAULT_CAPACITY
    pool_assistant: User | None = None


def workload_settings_current() -> WorkloadConfig:
    """The capacity and pool as the head of sales last set them, else the defaults."""
    latest = WorkloadSettings.objects.select_related("pool_assistant").first()
    if latest is None:
        return WorkloadConfig()
    return WorkloadConfig(
        max_motivated_per_manager=latest.max_motivated_per_manager,
        pool_assistant=latest.pool_assistant,
    )


def team_assistants() -> dict[int, list[int]]:
    """Each manager's active assistants (ids, in order), for the manager's id."""
    through = Team.assistants.through.objects.filter(
        user__is_active=True, user__role=Role.ASSISTANT
    ).values_list("team__manager_id", "user_id")
    teams: dict[int, list[int]] = defaultdict(list)
    for manager_id, assistant_id in through.order_by("user_id"):
        teams[manager_id].append(assistant_id)
    return dict(teams)


@dataclass(frozen=True, kw_only=True)
class Portfolios:
    """Every client that has a status or plans a budget, and which of them are motivated."""

    clients: list[Client]
    motivated_ids: frozenset[int]

    def is_motivated(self, client: Client) -> bool:
        return client.pk in self.motivated_ids


# What the board, the rebalancing plan and the routing read of each client: all of a client's
# columns for every client of the company cost more than the rest of the board.
PORTFOLIO_FIELDS = (
    "name", "region", "segment", "status", "plans_budget", "manager_id", "assistant_id",
)  # fmt: skip


def portfolios_current() -> Portfolios:
    clients = Client.objects.exclude(status="", plans_budget=False)
    return Portfolios(
        clients=list(clients.only(*PORTFOLIO_FIELDS).order_by("name", "id")),
        motivated_ids=frozenset(clients.filter(motivated_q()).values_list("pk", flat=True)),
    )


@dataclass(frozen=True, kw_only=True)
class PersonLoad:
    user: User
    motivated: int
    spontaneous: int
    revenue_12m: Decimal
    # A manager's forecast for this month and the eleven after it; assistants forecast nothing.
    forecast_12m: Decimal | None
    open_requests: int
    oldest_request_at: dt.datetime | None
    capacity: int | None

    @property
    def overloaded(self) -> bool:
        return self.capacity is not None and self.motivated > self.capacity

    @property
    def load_percent(self) -> Decimal | None:
        if self.capacity is None:
            return None
        return (Decimal(self.motivated) * 100 / self.capacity).quantize(Decimal(1))


@dataclass(frozen=True, kw_only=True)
class Workload:
    """What the board, the proposal and its leftovers read, read once for all three."""

    today: dt.date
    config: WorkloadConfig
    portfolios: Portfolios
    revenue_12m: dict[int, Decimal]  # shipped per client over the last 365 days


def workload_current(*, today: dt.date | None = None) -> Workload:
    today = today or timezone.localdate()
    return Workload(
        today=today,
        config=workload_settings_current(),
        portfolios=portfolios_current(),
        revenue_12m=shipped_per_client(end=None, first=today - dt.timedelta(days=365)),
    )


def workload_board(
    *, today: dt.date | None = None, workload: Workload | None = None
) -> list[PersonLoad]:
    """Per active manager and assistant: motivated and spontaneous clients it serves, their
    shipments over the last 12 months, a manager's forecast for the next 12 months, its
    waiting requests and the oldest one's time."""
    workload = workload or workload_current(today=today)
    today = workload.today
    capacity = workload.config.max_motivated_per_manager
    revenue = workload.revenue_12m
    served: dict[int, Counter[str]] = defaultdict(Counter)
    served_revenue: dict[int, Decimal] = defaultdict(Decimal)
    portfolios = workload.portfolios
    for client in portfolios.clients:
        motivated = portfolios.is_motivated(client)
        kind = "motivated" if motivated else "spontaneous"
        holder = client.manager_id if motivated else (client.assistant_id or client.manager_id)
        if holder is None:
            continue
        served[holder][kind] += 1
        served_revenue[holder] += revenue.get(client.pk, Decimal(0))
    first = month_start(today)
    forecast = dict(
        ForecastCell.objects.filter(
            manager__isnull=False, month__gte=first, month__lt=month_add(first, 12)
        )
        .values("manager_id")
        .annotate(total=Sum(Coalesce("amount", "baseline")))
        .values_list("manager_id", "total")
    )
    waiting = {
        row["assignee_id"]: (row["count"], row["oldest"])
        for row in OrderRequest.objects.filter(status__in=WAITING_STATUSES, assignee__isnull=False)
        .values("assignee_id")
        .annotate(count=Count("id"), oldest=Min("created_at"))
    }
    people = User.objects.filter(is_active=True, role__in=(Role.MANAGER, Role.ASSISTANT)).order_by(
        "role", "full_name", "username"
    )
    board = []
    for person in people:
        count, oldest = waiting.get(person.pk, (0, None))
        board.append(
            PersonLoad(
                user=person,
                motivated=served[person.pk]["motivated"],
                spontaneous=served[person.pk]["spontaneous"],
                revenue_12m=served_revenue[person.pk],
                forecast_12m=forecast.get(person.pk, Decimal(0))
                if person.role == Role.MANAGER
                else None,
                open_requests=count,
                oldest_request_at=oldest,
                capacity=capacity if person.role == Role.MANAGER else None,
            )
        )
    return board


@dataclass(frozen=True, kw_only=True)
class ProposedMove:
    """One change the rebalancing proposes: a client to a new manager or a new assistant."""

    client: Client
    role: str  # "manager" or "assistant", as AssignmentRole
    previous: User | None
    new: User
    reason: str

    @property
    def key(self) -> str:
        return f"{self.client.pk}:{self.role}:{self.new.pk}"


def rebalance_propose(
    *, today: dt.date | None = None, workload: Workload | None = None
) -> list[ProposedMove]:
    """Spontaneous clients still with their managers go to the least loaded assistant of the
    manager's team (or the pool); motivated clients beyond an overloaded manager's capacity,
    the smallest first, go to managers with room, of the same region and segment if possible."""
    workload = workload or workload_current(today=today)
    config = workload.config
    teams = team_assistants()
    portfolios = workload.portfolios
    clients = portfolios.clients
    users = User.objects.in_bulk(
        {user_id for ids in teams.values() for user_id in ids}
        | {client.manager_id for client in clients if client.manager_id}
    )
    moves: list[ProposedMove] = []

    assistant_load: Counter[int] = Counter(
        client.assistant_id
        for client in clients
        if client.assistant_id and not portfolios.is_motivated(client)
    )
    for client in clients:
        if (
            portfolios.is_motivated(client)
            or client.assistant_id is not None
            or client.manager_id is None
        ):
            continue
        candidates = teams.get(client.manager_id, [])
        pool = config.pool_assistant
        if not candidates and pool is not None and pool.is_active:
            users[pool.pk] = pool
            candidates = [pool.pk]
            why = _("Spontaneous client: to the pool assistant, its manager has none")
        else:
            why = _("Spontaneous client: to the least loaded assistant of its manager's team")
        if not candidates:
            continue
        chosen = min(candidates, key=lambda user_id: (assistant_load[user_id], user_id))
        assistant_load[chosen] += 1
        moves.append(
            ProposedMove(
                client=client, role="assistant", previous=None, new=users[chosen], reason=why
            )
        )

    managers = {user.pk: user for user in User.objects.filter(is_active=True, role=Role.MANAGER)}
    motivated_by_manager: dict[int, list[Client]] = defaultdict(list)
    for client in clients:
        if portfolios.is_motivated(client) and client.manager_id in managers:
            motivated_by_manager[client.manager_id].append(client)
    count = {manager_id: len(motivated_by_manager[manager_id]) for manager_id in managers}
    capacity = config.max_motivated_per_manager
    places: dict[int, Counter[tuple[str, str]]] = {
        manager_id: Counter((c.region, c.segment) for c in motivated_by_manager[manager_id])
        for manager_id in managers
    }
    revenue = workload.revenue_12m
    for manager_id in sorted(managers, key=lambda m: (-count[m], m)):
        excess = count[manager_id] - capacity
        if excess <= 0:
            continue
        smallest_first = sorted(
            motivated_by_manager[manager_id],
            key=lambda c: (revenue.get(c.pk, Decimal(0)), c.name, c.pk),
        )
        for client in smallest_first[:excess]:
            room = [m for m in managers if m != manager_id and count[m] < capacity]
            if not room:
                break
            place = (client.region, client.segment)

            def fit(m: int, place: tuple[str, str] = place) -> tuple[int, int, int, int]:
                same_both = places[m][place]
                same_region = sum(n for (region, _s), n in places[m].items() if region == place[0])
                return (-same_both, -same_region, count[m], m)

            target = min(room, key=fit)
            count[manager_id] -= 1
            count[target] += 1
            places[target][place] += 1
            moves.append(
                ProposedMove(
                    client=client,
                    role="manager",
                    previous=managers[manager_id],
                    new=managers[target],
                    reason=_("Rebalancing: %(from)s is over capacity (%(capacity)s)")
                    % {"from": managers[manager_id], "capacity": capacity},
                )
            )
    return moves


def spontaneous_left_with_managers(
    *, proposal: list[ProposedMove], workload: Workload | None = None
) -> int:
    """Spontaneous clients that stay with their managers even after ``proposal``: their
    managers have no assistant and no pool assistant is chosen."""
    portfolios = (workload or workload_current()).portfolios
    moving = {move.client.pk for move in proposal if move.role == "assistant"}
    return sum(
        1
        for client in portfolios.clients
        if not portfolios.is_motivated(client)
        and client.assistant_id is None
        and client.manager_id is not None
        and client.pk not in moving
    )
