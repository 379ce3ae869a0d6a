"""Reads for the workload board: settings in force, each person's load, the rebalancing plan."""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from decimal import Decimal
from math import ceil
from typing import NamedTuple

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    F,
    Min,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from upsell.accounts.models import Role, Team, User
from upsell.clients.models import Client
from upsell.clients.motivation import motivated_q
from upsell.core.money import MONEY_DIGITS, MONEY_PLACES, money_round
from upsell.core.months import month_add, month_start
from upsell.forecasts.models import ForecastCell, cell_forecast
from upsell.portfolios.models import WorkloadSettings
from upsell.requests.models import WAITING_STATUSES, OrderRequest
from upsell.shipments.selectors import (
    shipped_of_each_client,
    shipped_per_client,
    shipped_per_client_fields,
)

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


def portfolio_clients() -> QuerySet[Client]:
    """Every client that has a status or plans a budget: the clients somebody serves."""
    return Client.objects.exclude(status="", plans_budget=False)


class ClientPlace(NamedTuple):
    """Who serves one portfolio client, and what says whether it is motivated."""

    pk: int
    status: str
    plans_budget: bool
    manager_id: int | None
    assistant_id: int | None


@dataclass(frozen=True, kw_only=True)
class PortfolioPlaces:
    """Every portfolio client's place, in name order, and which of them are motivated: what
    the routing reads each night, without a model instance per client."""

    clients: list[ClientPlace]
    motivated_ids: frozenset[int]

    def is_motivated(self, client: ClientPlace) -> bool:
        return client.pk in self.motivated_ids


def portfolio_places() -> PortfolioPlaces:
    clients = portfolio_clients()
    places = clients.order_by("name", "id").values_list(*ClientPlace._fields)
    return PortfolioPlaces(
        clients=list(map(ClientPlace._make, places)),
        motivated_ids=frozenset(clients.filter(motivated_q()).values_list("pk", flat=True)),
    )


def portfolios_current() -> Portfolios:
    clients = portfolio_clients()
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
class ServedGroup:
    """The portfolio clients that share a manager, an assistant and being motivated or not:
    how many they are and what they were shipped over the last 365 days."""

    manager_id: int | None
    assistant_id: int | None
    motivated: bool
    clients: int
    revenue_12m: Decimal

    @property
    def holder(self) -> int | None:
        """Who serves them: a motivated client's manager alone; a spontaneous client's
        assistant, else its manager."""
        return self.manager_id if self.motivated else (self.assistant_id or self.manager_id)


@dataclass(frozen=True, kw_only=True)
class Workload:
    """What the board, the proposal and its leftovers read, read once for all three: the
    portfolios counted in SQL, never client by client."""

    today: dt.date
    config: WorkloadConfig
    motivated: Q  # the condition of a motivated client, with the managed statuses read once
    groups: tuple[ServedGroup, ...]

    @property
    def revenue_since(self) -> dt.date:
        return self.today - dt.timedelta(days=365)


def workload_current(*, today: dt.date | None = None) -> Workload:
    today = today or timezone.localdate()
    motivated = motivated_q()
    clients = portfolio_clients().order_by()
    counts = (
        clients.annotate(
            motivated=Case(
                When(motivated, then=Value(True)), default=Value(False), output_field=BooleanField()
            )
        )
        .values_list("manager_id", "assistant_id", "motivated")
        .annotate(count=Count("pk"))
        .values_list("manager_id", "assistant_id", "motivated", "count")
    )
    first = today - dt.timedelta(days=365)
    people = ("manager_id", "assistant_id")
    revenue = {
        True: shipped_per_client_fields(
            first=first, end=None, clients=clients.filter(motivated), fields=people
        ),
        False: shipped_per_client_fields(
            first=first, end=None, clients=clients.exclude(motivated), fields=people
        ),
    }
    return Workload(
        today=today,
        config=workload_settings_current(),
        motivated=motivated,
        groups=tuple(
            ServedGroup(
                manager_id=manager_id,
                assistant_id=assistant_id,
                motivated=bool(is_motivated),
                clients=count,
                revenue_12m=revenue[bool(is_motivated)].get((manager_id, assistant_id), Decimal(0)),
            )
            for manager_id, assistant_id, is_motivated, count in counts
        ),
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
    served: dict[int, Counter[str]] = defaultdict(Counter)
    served_revenue: dict[int, Decimal] = defaultdict(Decimal)
    for group in workload.groups:
        holder = group.holder
        if holder is None:
            continue
        served[holder]["motivated" if group.motivated else "spontaneous"] += group.clients
        served_revenue[holder] += group.revenue_12m
    first = month_start(today)
    # To the kopeck: SQLite adds its amounts as floats.
    forecast = {
        manager_id: money_round(total)
        for manager_id, total in ForecastCell.objects.filter(
            manager__isnull=False, month__gte=first, month__lt=month_add(first, 12)
        )
        .values("manager_id")
        .annotate(total=Sum(cell_forecast()))
        .values_list("manager_id", "total")
    }
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
    the smallest first, go to managers with room, of the same region and segment if possible.

    Only the clients that move are read: the loads come from the workload's counts."""
    workload = workload or workload_current(today=today)
    return [*_moves_to_assistants(workload), *_moves_to_room(workload)]


def _moves_to_assistants(workload: Workload) -> list[ProposedMove]:
    config = workload.config
    teams = team_assistants()
    pool = config.pool_assistant
    if pool is not None and not pool.is_active:
        pool = None
    waiting = (
        portfolio_clients()
        .exclude(workload.motivated)
        .filter(assistant__isnull=True, manager__isnull=False)
    )
    if pool is None:
        if not teams:
            return []
        waiting = waiting.filter(manager_id__in=list(teams))
    users = User.objects.in_bulk({user_id for ids in teams.values() for user_id in ids})
    assistant_load: Counter[int] = Counter()
    for group in workload.groups:
        if not group.motivated and group.assistant_id is not None:
            assistant_load[group.assistant_id] += group.clients
    moves: list[ProposedMove] = []
    for client in waiting.only(*PORTFOLIO_FIELDS).order_by("name", "id"):
        candidates = teams.get(client.manager_id or 0, [])
        if not candidates and pool is not None:
            users[pool.pk] = pool
            candidates = [pool.pk]
            why = _("Spontaneous client: to the pool assistant, its manager has none")
        else:
            why = _("Spontaneous client: to the least loaded assistant of its manager's team")
        chosen = min(candidates, key=lambda user_id: (assistant_load[user_id], user_id))
        assistant_load[chosen] += 1
        moves.append(
            ProposedMove(
                client=client, role="assistant", previous=None, new=users[chosen], reason=why
            )
        )
    return moves


def _moves_to_room(workload: Workload) -> list[ProposedMove]:
    managers = {user.pk: user for user in User.objects.filter(is_active=True, role=Role.MANAGER)}
    count: Counter[int] = Counter()
    for group in workload.groups:
        if group.motivated and group.manager_id in managers:
            count[group.manager_id] += group.clients
    capacity = workload.config.max_motivated_per_manager
    with_room = [m for m in managers if count[m] < capacity]
    overloaded = sorted((m for m in managers if count[m] > capacity), key=lambda m: (-count[m], m))
    if not with_room or not overloaded:
        return []
    motivated = portfolio_clients().filter(workload.motivated).order_by()
    places: dict[int, Counter[tuple[str, str]]] = defaultdict(Counter)
    for manager_id, region, segment, clients in (
        motivated.filter(manager_id__in=with_room)
        .values_list("manager_id", "region", "segment")
        .annotate(clients=Count("pk"))
        .values_list("manager_id", "region", "segment", "clients")
    ):
        places[manager_id][(region, segment)] = clients
    revenue = Coalesce(
        shipped_of_each_client(first=workload.revenue_since, end=None),
        Value(Decimal(0)),
        output_field=DecimalField(max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES),
    )
    moves: list[ProposedMove] = []
    for manager_id in overloaded:
        room = sum(capacity - count[m] for m in with_room if count[m] < capacity)
        excess = min(count[manager_id] - capacity, room)
        if excess <= 0:
            break
        smallest_first = (
            motivated.filter(manager_id=manager_id)
            .annotate(revenue_12m=revenue)
            .only(*PORTFOLIO_FIELDS)
            .order_by("revenue_12m", "name", "id")[:excess]
        )
        for client in smallest_first:
            place = (client.region, client.segment)

            def fit(m: int, place: tuple[str, str] = place) -> tuple[int, int, int, int]:
                same_both = places[m][place]
                same_region = sum(n for (region, _s), n in places[m].items() if region == place[0])
                return (-same_both, -same_region, count[m], m)

            target = min((m for m in with_room if count[m] < capacity), key=fit)
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
    workload = workload or workload_current()
    without_assistant = sum(
        group.clients
        for group in workload.groups
        if not group.motivated and group.assistant_id is None and group.manager_id is not None
    )
    moving = sum(1 for move in proposal if move.role == "assistant")
    return without_assistant - moving


@dataclass(frozen=True, kw_only=True)
class TeamCapacity:
    """The active managers' motivated clients against the places the capacity gives them."""

    managers: int
    capacity: int
    motivated: int
    over_capacity: int  # managers with more motivated clients than the capacity
    excess: int  # motivated clients beyond the capacity, added over those managers
    room: int  # places left, added over the managers within capacity

    @property
    def places(self) -> int:
        return self.managers * self.capacity

    @property
    def over(self) -> int:
        """Motivated clients beyond the team's places: what no rebalancing can place."""
        return max(self.motivated - self.places, 0)

    @property
    def managers_needed(self) -> int:
        """Managers it takes to serve every motivated client at the capacity in force."""
        return ceil(self.motivated / self.capacity)

    @property
    def managers_more(self) -> int:
        return max(self.managers_needed - self.managers, 0)

    @property
    def capacity_needed(self) -> int | None:
        """The capacity at which the managers there are serve every motivated client, their
        portfolios evened out."""
        return ceil(self.motivated / self.managers) if self.managers else None


def team_capacity(*, board: list[PersonLoad], capacity: int) -> TeamCapacity:
    """The board's managers added up against ``capacity``."""
    managers = [row for row in board if row.capacity is not None]
    return TeamCapacity(
        managers=len(managers),
        capacity=capacity,
        motivated=sum(row.motivated for row in managers),
        over_capacity=sum(1 for row in managers if row.overloaded),
        excess=sum(max(row.motivated - capacity, 0) for row in managers),
        room=sum(max(capacity - row.motivated, 0) for row in managers),
    )


@dataclass(frozen=True, kw_only=True)
class AssistantCandidate:
    """A motivated client beyond its manager's capacity that no manager has room for."""

    client: Client
    manager: User
    perspective: int | None
    revenue_12m: Decimal


@dataclass(frozen=True, kw_only=True)
class AssistantCandidates:
    total: int  # all of them; ``shown`` holds at most the limit asked for
    shown: list[AssistantCandidate]


def assistant_candidates(
    *,
    workload: Workload,
    board: list[PersonLoad],
    proposal: list[ProposedMove],
    limit: int | None = None,
) -> AssistantCandidates:
    """The motivated clients that stay beyond their managers' capacity once the proposal's
    moves to managers with room are made: of each such manager, as many as it is still over,
    its least perspective first (a client never audited last), the managers most over first.
    These could go to assistants; only the first ``limit`` of them are read."""
    capacity = workload.config.max_motivated_per_manager
    moved: dict[int, list[int]] = defaultdict(list)
    for move in proposal:
        if move.role == "manager" and move.previous is not None:
            moved[move.previous.pk].append(move.client.pk)
    still_over = sorted(
        (
            (row.motivated - capacity - len(moved[row.user.pk]), row.user)
            for row in board
            if row.overloaded
        ),
        key=lambda pair: (-pair[0], pair[1].full_name, pair[1].pk),
    )
    shown: list[AssistantCandidate] = []
    for over, manager in still_over:
        take = over if limit is None else min(over, limit - len(shown))
        if take <= 0:
            continue
        least_first = (
            portfolio_clients()
            .filter(workload.motivated, manager=manager)
            .exclude(pk__in=moved[manager.pk])
            .annotate(perspective=F("audit__perspective"))
            .only(*PORTFOLIO_FIELDS)
            .order_by(F("perspective").asc(nulls_last=True), "name", "id")[:take]
        )
        shown += [
            AssistantCandidate(
                client=client,
                manager=manager,
                perspective=client.perspective,
                revenue_12m=Decimal(0),
            )
            for client in least_first
        ]
    revenue = shipped_per_client(
        first=workload.revenue_since, end=None, clients=[row.client.pk for row in shown]
    )
    return AssistantCandidates(
        total=sum(max(over, 0) for over, _manager in still_over),
        shown=[replace(row, revenue_12m=revenue.get(row.client.pk, Decimal(0))) for row in shown],
    )
