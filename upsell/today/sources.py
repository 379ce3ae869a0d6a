"""Where the actions of the Today list come from: one small function per source, each reading
stored data through the app that owns it and never deciding a rule of that app again.

Each source takes the scope (whose motivated clients, which day) and returns its candidate
actions; ``SOURCES`` is the tuple the list reads, so a new source is one more function here.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any, NamedTuple

from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from upsell.accounts.models import User
from upsell.clients.access import clients_visible_to
from upsell.clients.models import Client
from upsell.clients.motivation import motivated_q
from upsell.clients.wallet import clients_wallet_month
from upsell.core.money import money_round
from upsell.core.months import month_add, month_end, month_start
from upsell.deals.access import activities_visible_to
from upsell.deals.models import ActivityState
from upsell.deals.stuck import stuck_after_days, stuck_deals
from upsell.forecasts.locks import cell_editable, months_locked
from upsell.forecasts.models import ForecastCell, cell_forecast
from upsell.offers.models import Suggestion, SuggestionLevel
from upsell.offers.selectors import latest_runs, suggestion_reason
from upsell.programs.access import memberships_visible_to
from upsell.programs.models import MembershipGroup, MembershipState
from upsell.programs.presenters import progress_sentence
from upsell.requests.selectors import request_queue
from upsell.shipments.selectors import shipped_per_client
from upsell.today.actions import Action, ActionClient, Reason, action_key
from upsell.today.models import ActionKind


@dataclass(frozen=True, slots=True)
class AuditFigures:
    """What the sources read of a client's latest audit: two of its stored metrics, not all."""

    as_of: dt.date
    last_order_date: dt.date | None
    revenue_365: Decimal
    typical_interval_days: float | None
    days_since_last_order: int | None


class CellFigures(NamedTuple):
    """What the sources read of a forecast cell: whether the manager gave its amount, and the
    forecast it counts (the forecasts' own rule): the manager's amount, else the baseline."""

    filled: bool
    counted: Decimal


@dataclass(frozen=True, kw_only=True)
class Scope:
    """Whose actions: ``user`` reads them, of ``manager``'s clients (everyone's it may see
    when None), on ``today``."""

    user: User
    manager: User | None
    today: dt.date
    now: dt.datetime
    # The motivated clients in scope, by id, as the actions name them.
    clients: dict[int, ActionClient]
    # The same clients as a query, for the sources to read theirs by.
    client_query: QuerySet[Client, Any]
    # The latest audit of each audited one of them, by client id.
    audits: dict[int, AuditFigures] = field(default_factory=dict)
    # Which of them are the head organisation of branches.
    heads: frozenset[int] = frozenset()

    @cached_property
    def revenue_year(self) -> dict[int, Decimal]:
        """Each audited client's own revenue over the 365 days up to its audit's date.

        The audit's figure, except for a head organisation or a branch: read per organisation,
        the audit gives each of them the whole organisation's revenue, so the stake of a branch
        would be its organisation's, once per branch. Theirs are read from their own shipments
        over the same days (what the audit says of them when it reads each branch on its own).
        """
        revenue = {}
        in_organisations: dict[dt.date, list[int]] = {}
        for client_id, audit in self.audits.items():
            revenue[client_id] = audit.revenue_365
            if self.clients[client_id].head_id is not None or client_id in self.heads:
                in_organisations.setdefault(audit.as_of, []).append(client_id)
        for as_of, client_ids in in_organisations.items():
            own = shipped_per_client(
                first=as_of - dt.timedelta(days=REVENUE_YEAR_DAYS),
                end=as_of + dt.timedelta(days=1),
                clients=client_ids,
            )
            revenue.update({pk: own.get(pk, ZERO) for pk in client_ids})
        return revenue

    @cached_property
    def forecast_cells(self) -> dict[dt.date, dict[int, CellFigures]]:
        """This month's and next month's forecast cell of each client in scope, by month and
        client id."""
        month = month_start(self.today)
        cells: dict[dt.date, dict[int, CellFigures]] = {month: {}, month_add(month, 1): {}}
        for client_id, month_of, filled, counted in (
            ForecastCell.objects.filter(client__in=self.client_query, month__in=list(cells))
            .annotate(
                filled=ExpressionWrapper(Q(amount__isnull=False), output_field=BooleanField()),
                counted=cell_forecast(),
            )
            .values_list("client_id", "month", "filled", "counted")
        ):
            cells[month_of][client_id] = CellFigures(filled, counted)
        return cells

    @cached_property
    def shipped_this_month(self) -> dict[int, Decimal]:
        """What each client in scope was shipped this month (the shipments app's answer)."""
        month = month_start(self.today)
        return shipped_per_client(first=month, end=month_add(month, 1), clients=self.client_query)

    def monthly_revenue(self, client_id: int) -> Decimal:
        """What the client itself buys in an average month: its revenue over 365 days over 12."""
        return money_round(self.revenue_year.get(client_id, ZERO) / 12)


# What the sources read of a client and of its audit.
CLIENT_FIELDS = ("id", "name", "tax_id", "manager_id", "plans_budget", "head_id")
AUDIT_FIELDS = (
    "as_of", "last_order_date", "revenue_365", "typical_interval_days", "days_since_last_order",
)  # fmt: skip
# What an action says of its manager (the page, the API, the e-mail).
MANAGER_FIELDS = ("id", "username", "full_name", "first_name", "last_name")
# The days of the audit's revenue over 365 days before its date (the date itself included).
REVENUE_YEAR_DAYS = 365
ZERO = Decimal("0.00")


def scope_of(*, user: User, manager: User | None, today: dt.date, now: dt.datetime) -> Scope:
    """The motivated clients ``user`` may see (``manager``'s alone, if given), read as the
    figures the sources need in one statement: whoever serves a client is its manager, as the
    clients' own funnel says."""
    clients = clients_visible_to(user).filter(motivated_q())
    if manager is not None:
        clients = clients.filter(manager=manager)
    rows = (
        clients.annotate(has_branches=Exists(Client.objects.filter(head=OuterRef("pk"))))
        .order_by("name", "id")
        .values_list(*CLIENT_FIELDS, "has_branches", *(f"audit__{name}" for name in AUDIT_FIELDS))
    )
    read = list(rows)
    managers: dict[int, User] = {} if manager is None else {manager.pk: manager}
    if manager is None:
        # Each client names its manager: one instance in hand serves all the clients it serves.
        wanted = {row[3] for row in read if row[3] is not None}
        managers = User.objects.only(*MANAGER_FIELDS).in_bulk(wanted)
    in_scope: dict[int, ActionClient] = {}
    audits: dict[int, AuditFigures] = {}
    heads: set[int] = set()
    for pk, name, tax_id, manager_id, plans_budget, head_id, has_branches, *audit in read:
        in_scope[pk] = ActionClient(
            id=pk, name=name, tax_id=tax_id, plans_budget=plans_budget, head_id=head_id,
            manager=None if manager_id is None else managers.get(manager_id),
        )  # fmt: skip
        if has_branches:
            heads.add(pk)
        if audit[0] is not None:
            audits[pk] = AuditFigures(*audit)
    return Scope(
        user=user, manager=manager, today=today, now=now, clients=in_scope,
        client_query=clients.values("pk"), audits=audits, heads=frozenset(heads),
    )  # fmt: skip


def _days(count: int) -> str:
    return ngettext("%(count)s day", "%(count)s days", count) % {"count": count}


def past_interval(scope: Scope) -> list[Action]:
    """A client that has waited longer than it usually waits between orders (the audit's
    stored metrics). Stake: a month of its revenue."""
    title = _("Call: the next order is overdue")
    sentence = _("Usually orders every %(interval)s; %(since)s since the last order.")
    actions = []
    for client_id, audit in scope.audits.items():
        interval, since = audit.typical_interval_days, audit.days_since_last_order
        if interval is None or since is None or int(since) <= int(interval):
            continue
        period = audit.last_order_date or audit.as_of
        actions.append(
            Action(
                kind=ActionKind.PAST_INTERVAL,
                key=action_key(ActionKind.PAST_INTERVAL, client_id, period),
                client=scope.clients[client_id],
                title=title,
                why=Reason(
                    sentence=sentence,
                    facts={"interval": _days(int(interval)), "since": _days(int(since))},
                ),
                stake=scope.monthly_revenue(client_id),
            )
        )
    return actions


def forecast_empty(scope: Scope) -> list[Action]:
    """Next month's forecast cell without the manager's amount, while the month still takes
    one (the forecasts' lock rule). Stake: the cell's baseline, else a month of revenue; a client
    with neither has nothing at stake and no action."""
    month = month_add(month_start(scope.today), 1)
    locked = month in months_locked([month])
    if not cell_editable(month=month, today=scope.today, locked=locked):
        return []
    cells = scope.forecast_cells[month]
    month_name = date_format(month, "F Y")
    title = _("Fill in next month's forecast")
    on_baseline = _("No forecast for %(month)s yet; the statistical baseline is %(amount)s.")
    on_revenue = _("No forecast for %(month)s yet; it buys %(amount)s in an average month.")
    actions = []
    for client in scope.clients.values():
        cell = cells.get(client.pk)
        if cell is not None and cell.filled:
            continue
        # Without the manager's amount, the cell counts its baseline.
        baseline = ZERO if cell is None else cell.counted
        if baseline > 0:
            stake, sentence = baseline, on_baseline
        else:
            stake, sentence = scope.monthly_revenue(client.pk), on_revenue
        if stake <= 0:
            # Nothing bought and nothing expected: no revenue waits on this forecast.
            continue
        actions.append(
            Action(
                kind=ActionKind.FORECAST_EMPTY,
                key=action_key(ActionKind.FORECAST_EMPTY, client.pk, f"{month:%Y-%m}"),
                client=client,
                title=title,
                why=Reason(sentence=sentence, facts={"month": month_name}, money={"amount": stake}),
                stake=stake,
            )
        )
    return actions


def days_left_in_month(today: dt.date) -> int:
    """The days of the month still ahead, today included."""
    return (month_end(today) - today).days + 1


def forecast_unshipped(scope: Scope) -> list[Action]:
    """This month's forecast not yet shipped (shipped per client and month is the shipments
    app's answer). Stake: forecast − shipped."""
    month = month_start(scope.today)
    forecasts = {
        client_id: cell.counted
        for client_id, cell in scope.forecast_cells[month].items()
        if cell.counted > 0
    }
    if not forecasts:
        return []
    shipped = scope.shipped_this_month
    left = days_left_in_month(scope.today)
    title = _("Bring this month's forecast to shipment")
    sentence = ngettext(
        "Forecast %(forecast)s, shipped %(shipped)s; %(count)s day left in the month.",
        "Forecast %(forecast)s, shipped %(shipped)s; %(count)s days left in the month.",
        left,
    )
    actions = []
    for client_id, forecast in forecasts.items():
        done = shipped.get(client_id, Decimal("0.00"))
        gap = money_round(forecast - done)
        if gap <= 0:
            continue
        actions.append(
            Action(
                kind=ActionKind.FORECAST_UNSHIPPED,
                key=action_key(ActionKind.FORECAST_UNSHIPPED, client_id, f"{month:%Y-%m}"),
                client=scope.clients[client_id],
                title=title,
                why=Reason(
                    sentence=sentence,
                    facts={"count": left},
                    money={"forecast": forecast, "shipped": done},
                ),
                stake=gap,
            )
        )
    return actions


def wallet(scope: Scope) -> list[Action]:
    """A budgeting client whose budget for this month we have not shipped: the rest goes to
    the competitors (the clients' share of wallet). Stake: budget − shipped."""
    month = month_start(scope.today)
    periods = clients_wallet_month(
        clients=[client.pk for client in scope.clients.values() if client.plans_budget],
        month=month,
        shipped=scope.shipped_this_month,
    )
    title = _("Win the budget back from the competitors")
    sentence = _(
        "Budget for %(month)s is %(budget)s, shipped %(shipped)s: %(rest)s still "
        "goes to the competitors."
    )
    month_name = date_format(month, "F Y")
    actions = []
    for client in scope.clients.values():
        period = periods.get(client.pk)
        if period is None or period.competitors <= 0:
            continue
        actions.append(
            Action(
                kind=ActionKind.WALLET,
                key=action_key(ActionKind.WALLET, client.pk, f"{month:%Y-%m}"),
                client=client,
                title=title,
                why=Reason(
                    sentence=sentence,
                    facts={"month": month_name},
                    money={
                        "budget": period.budget,
                        "shipped": period.shipped,
                        "rest": period.competitors,
                    },
                ),
                stake=period.competitors,
            )
        )
    return actions


def program_tier(scope: Scope) -> list[Action]:
    """An active member whose next tier the nightly run found within reach, in the programs'
    own words. Stake: what is missing to the next tier."""
    memberships = (
        memberships_visible_to(scope.user)
        .filter(
            client__in=scope.client_query,
            group=MembershipGroup.MEMBER,
            state=MembershipState.ACTIVE,
            progress__within_reach=True,
        )
        .select_related("program", "progress")
        .order_by("client_id", "program_id")
    )
    return [
        Action(
            kind=ActionKind.PROGRAM_TIER,
            key=action_key(ActionKind.PROGRAM_TIER, membership.pk, membership.progress.as_of),
            client=scope.clients[membership.client_id],
            title=_("%(program)s: the next tier is within reach")
            % {"program": membership.program.name},
            why=Reason(sentence=progress_sentence(membership)),
            stake=membership.progress.missing or Decimal("0.00"),
        )
        for membership in memberships
    ]


def stuck_deal(scope: Scope) -> list[Action]:
    """An open deal with nothing done for longer than the closing settings allow (closing's
    one rule). Stake: the deal's amount."""
    after = stuck_after_days()
    stuck = stuck_deals(
        user=scope.user,
        now=scope.now,
        after_days=after,
        manager_id=None if scope.manager is None else scope.manager.pk,
    )
    return [
        Action(
            kind=ActionKind.STUCK_DEAL,
            key=action_key(
                ActionKind.STUCK_DEAL,
                item.deal.pk,
                timezone.localdate(item.deal.last_activity_at),
            ),
            client=scope.clients[item.deal.client_id],
            title=_("Move the stuck deal: %(deal)s")
            % {"deal": item.deal.title or item.deal.get_stage_display()},
            why=Reason(
                sentence=_(
                    "At the stage %(stage)s with nothing done for %(days)s (stuck after %(after)s)."
                ),
                facts={
                    "stage": item.deal.get_stage_display(),
                    "days": _days(item.days),
                    "after": _days(after),
                },
            ),
            stake=item.deal.amount,
            deal_id=item.deal.pk,
        )
        for item in stuck
        if item.deal.client_id in scope.clients
    ]


def meeting(scope: Scope) -> list[Action]:
    """A call, meeting or visit planned for today. Stake: its deal's amount, else a month of
    the client's revenue."""
    start = timezone.make_aware(dt.datetime.combine(scope.today, dt.time()))
    activities = (
        activities_visible_to(scope.user)
        .filter(
            state=ActivityState.PLANNED,
            starts_at__gte=start,
            starts_at__lt=start + dt.timedelta(days=1),
            client__in=scope.client_query,
        )
        .select_related("deal")
        .order_by("starts_at", "id")
    )
    if scope.manager is not None:
        activities = activities.filter(owner=scope.manager)
    actions = []
    for activity in activities:
        client = scope.clients[activity.client_id]
        stake = (
            activity.deal.amount if activity.deal is not None else scope.monthly_revenue(client.pk)
        )
        starts = timezone.localtime(activity.starts_at)
        actions.append(
            Action(
                kind=ActionKind.MEETING,
                key=action_key(ActionKind.MEETING, activity.pk),
                client=client,
                title=_("%(kind)s at %(time)s")
                % {"kind": activity.get_kind_display(), "time": f"{starts:%H:%M}"},
                why=(
                    Reason(
                        sentence=_("Planned for today; the goal: %(goal)s"),
                        facts={"goal": activity.goal},
                    )
                    if activity.goal
                    else Reason(sentence=_("Planned for today."))
                ),
                stake=stake,
                deal_id=activity.deal_id,
                activity_id=activity.pk,
            )
        )
    return actions


def complex_request(scope: Scope) -> list[Action]:
    """A complex request waiting in the manager's queue (complexity is the fact stored when it
    was routed), waiting since the client's order. Stake: the request's amount."""
    requests = (
        request_queue(
            user=scope.user, assignee_id=None if scope.manager is None else scope.manager.pk
        )
        .exclude(complex_rule="")
        .select_related("client__manager")
    )
    return [
        Action(
            kind=ActionKind.REQUEST,
            key=action_key(ActionKind.REQUEST, request.pk),
            client=scope.clients.get(request.client_id) or ActionClient.of(request.client),
            title=_("Answer the complex request"),
            why=Reason(
                sentence=_("Waiting since %(day)s: %(why)s"),
                facts={
                    "day": date_format(timezone.localdate(request.waiting_since), "j E"),
                    "why": request.complex_reason,
                },
            ),
            stake=request.amount,
        )
        for request in requests
    ]


def cross_sell(scope: Scope) -> list[Action]:
    """The first product the night's suggestions offer a client it never bought (the offers'
    latest run). Stake: what a buyer of it spends on it in a month, times the share of the
    client's peers who buy it."""
    latest = latest_runs(level=SuggestionLevel.PRODUCTS).values("pk")[:1]
    suggestions = (
        Suggestion.objects.filter(
            run=Subquery(latest), rank=1, client__in=scope.client_query, product__isnull=False
        )
        .exclude(among=0)
        .order_by("client_id")
        .values_list(
            "client_id", "product_id", "product__name", "buyers", "among", "because_of__name",
            "monthly_amount",
        )
    )  # fmt: skip
    title = _("Offer %(product)s")
    sentence = _("%(reason)s; its buyers spend %(amount)s a month on it.")
    actions = []
    for client_id, product_id, product, buyers, among, because_of, monthly in suggestions:
        stake = money_round(monthly * buyers / among)
        if stake <= 0:
            continue
        reason = suggestion_reason(buyers=buyers, among=among, because_of=because_of or "")
        actions.append(
            Action(
                kind=ActionKind.CROSS_SELL,
                key=action_key(ActionKind.CROSS_SELL, client_id, str(product_id)),
                client=scope.clients[client_id],
                title=title % {"product": product},
                why=Reason(
                    sentence=sentence, facts={"reason": capfirst(reason)}, money={"amount": monthly}
                ),
                stake=stake,
            )
        )
    return actions


Source = Callable[[Scope], list[Action]]

SOURCES: tuple[Source, ...] = (
    past_interval,
    forecast_empty,
    forecast_unshipped,
    wallet,
    program_tier,
    stuck_deal,
    meeting,
    complex_request,
    cross_sell,
)
