"""Who serves a client: the one place that writes a client's manager and assistant.

Every way a client changes hands calls ``clients_hand_over``: a new client, the card and the
API, a clients or shipments file, the routing after an audit, the rebalancing. It locks the
clients, checks the people (an active manager as the manager, an active assistant as the
assistant), writes the clients and their assignment history, then tells its followers — what
hangs off a client and must go with it — in the same transaction:

- the client's waiting requests go to whoever serves the client now;
- its forecast of the months ahead that are not locked goes to a new manager;
- its open deals go to a new manager (won and lost ones stay with whoever closed them);
- its calls, meetings and visits planned ahead go to a new manager (held ones stay);
- the people who now serve it are told.

A client created earlier in the same transaction (``NewClient``) is neither locked nor read
back, and only its people are told: nobody served it and nothing hangs off it yet.

A test walks every write to the two fields and fails when it comes from anywhere else.
"""

import enum
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import polars as pl
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from upsell.accounts.models import Role, User
from upsell.clients.models import AssignmentRole, Client, ClientAssignmentChange, HandOverRule
from upsell.clients.services import ClientDetails, client_insert
from upsell.core.bulk import LOOKUP_CHUNK, rows_insert
from upsell.deals.services.activities import activities_follow_clients
from upsell.deals.services.deals import deals_follow_clients
from upsell.forecasts.services import forecast_cells_reassign
from upsell.notifications.services import NAMES_IN_A_NOTIFICATION, notification_send
from upsell.notifications.wordings import Params
from upsell.requests.models import RoutingRule
from upsell.requests.services import order_requests_follow_clients

# The notifications of a hand-over: clients given to a person, and clients back with their
# manager (see ``given_wording`` and ``back_wording``).
GIVEN = "portfolios.given"
BACK = "portfolios.back"


class Keep(enum.Enum):
    """The person a change leaves as it is (``None`` means nobody)."""

    KEEP = "keep"


KEEP = Keep.KEEP


@dataclass(frozen=True, kw_only=True)
class ClientChange:
    """Who is to serve one client: a manager and an assistant, each a user, nobody or kept."""

    client_id: int
    manager: User | Keep | None = KEEP
    assistant: User | Keep | None = KEEP
    # This client's own reason, where it differs from the one the whole hand-over gives.
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class NewClient:
    """A client inserted earlier in the running transaction, and who is to serve it first.

    Nobody serves it yet and nothing hangs off it: no other transaction can see it, let alone
    give it a request, a forecast, a deal or an activity. So the hand-over neither reads it
    back nor asks what goes with it; its people are written, recorded and told as anyone's.
    """

    client_id: int
    name: str
    manager: User | None = None
    assistant: User | None = None


@dataclass(frozen=True, kw_only=True)
class ClientHandedOver:
    """One client that changed hands: who served it before and who serves it now."""

    client_id: int
    name: str
    manager_before: int | None
    manager_after: int | None
    assistant_before: int | None
    assistant_after: int | None
    reason: str
    # Created in the running transaction: nothing hangs off it to go with it.
    new: bool = False

    @property
    def manager_changed(self) -> bool:
        return self.manager_before != self.manager_after

    @property
    def assistant_changed(self) -> bool:
        return self.assistant_before != self.assistant_after

    def roles_changed(self) -> list[tuple[AssignmentRole, int | None, int | None]]:
        """(role, before, after) of the manager and of the assistant, where they changed."""
        return [
            (role, before, after)
            for role, before, after in (
                (AssignmentRole.MANAGER, self.manager_before, self.manager_after),
                (AssignmentRole.ASSISTANT, self.assistant_before, self.assistant_after),
            )
            if before != after
        ]


@dataclass(frozen=True, kw_only=True)
class HandOverBatch:
    """What a hand-over did, as its followers read it."""

    handed: tuple[ClientHandedOver, ...]
    rule: HandOverRule
    reason: str
    by: User | None
    people: dict[int, User] = field(default_factory=dict)

    def client_ids(self, *, where: Callable[[ClientHandedOver], bool] | None = None) -> list[int]:
        return [change.client_id for change in self.handed if where is None or where(change)]


@dataclass(frozen=True, kw_only=True)
class HandOverOutcome:
    handed: tuple[ClientHandedOver, ...] = ()
    requests_moved: int = 0
    cells_moved: int = 0
    activities_moved: int = 0
    told: int = 0


def hand_over_people_check(*, manager: User | Keep | None, assistant: User | Keep | None) -> None:
    """Refuse a manager who is not an active manager and an assistant who is not an active
    assistant, naming the field."""
    errors: dict[str, str] = {}
    if isinstance(manager, User) and (manager.role != Role.MANAGER or not manager.is_active):
        errors["manager"] = _("%(user)s is not an active manager.") % {"user": manager}
    if isinstance(assistant, User) and (
        assistant.role != Role.ASSISTANT or not assistant.is_active
    ):
        errors["assistant"] = _("%(user)s is not an active assistant.") % {"user": assistant}
    if errors:
        raise ValidationError(errors)


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), LOOKUP_CHUNK):
        yield ids[start : start + LOOKUP_CHUNK]


def _merged(changes: Sequence[ClientChange]) -> dict[int, ClientChange]:
    """One change per client: a later change of the same client overrides the fields it sets."""
    merged: dict[int, ClientChange] = {}
    for change in changes:
        earlier = merged.get(change.client_id)
        if earlier is not None:
            change = ClientChange(
                client_id=change.client_id,
                manager=earlier.manager if change.manager is KEEP else change.manager,
                assistant=earlier.assistant if change.assistant is KEEP else change.assistant,
                reason=change.reason or earlier.reason,
            )
        merged[change.client_id] = change
    return merged


def _person_id(person: User | None) -> int | None:
    return None if person is None else person.pk


def clients_hand_over(
    *,
    changes: Sequence[ClientChange] = (),
    new: Sequence[NewClient] = (),
    rule: HandOverRule,
    reason: str = "",
    by: User | None,
) -> HandOverOutcome:
    """Give clients new people, with everything that hangs off them; safe to run twice.

    ``changes`` are of stored clients, ``new`` of clients just created (see ``NewClient``).
    ``reason`` is recorded for every client whose change gives none of its own. A change that
    gives a client the people it has already is no change: nothing is written or told.
    """
    reason = reason.strip()
    merged = _merged(changes)
    if any(client.client_id in merged for client in new):
        raise ValueError("A client is either new or stored: it is handed over once.")
    people: dict[int, User] = {}
    # Each pair of people once: an import gives thousands of clients to a few managers.
    wanted: list[ClientChange | NewClient] = [*merged.values(), *new]
    pairs = dict.fromkeys((change.manager, change.assistant) for change in wanted)
    for manager, assistant in pairs:
        hand_over_people_check(manager=manager, assistant=assistant)
        for person in (manager, assistant):
            if isinstance(person, User):
                people[person.pk] = person
    with transaction.atomic():
        handed = sorted(
            (*_locked_and_compared(merged, reason=reason), *_new_served(new, reason=reason)),
            key=lambda change: change.client_id,
        )
        if not handed:
            return HandOverOutcome()
        _clients_write(handed)
        _history_write(handed, rule=rule, by=by)
        batch = HandOverBatch(handed=tuple(handed), rule=rule, reason=reason, by=by, people=people)
        stored = replace(batch, handed=tuple(change for change in handed if not change.new))
        moved = {}
        for follower in FOLLOWERS:
            asked = stored if follower in MOVERS else batch
            moved[follower.__name__] = follower(asked) if asked.handed else 0
    return HandOverOutcome(
        handed=batch.handed,
        requests_moved=moved[_requests_follow.__name__],
        cells_moved=moved[_forecast_follows.__name__],
        activities_moved=moved[_activities_follow.__name__],
        told=moved[_people_told.__name__],
    )


def _locked_and_compared(merged: dict[int, ClientChange], *, reason: str) -> list[ClientHandedOver]:
    """Lock the clients (in id order, so two hand-overs never wait on each other) and keep the
    changes that change something."""
    ids = sorted(merged)
    current: dict[int, tuple[str, int | None, int | None]] = {}
    for chunk in _chunks(ids):
        rows = (
            Client.objects.select_for_update()
            .filter(pk__any_of=chunk)
            .order_by("pk")
            .values_list("pk", "name", "manager_id", "assistant_id")
        )
        current.update({pk: (name, manager, assistant) for pk, name, manager, assistant in rows})
    missing = [client_id for client_id in ids if client_id not in current]
    if missing:
        raise ValidationError(
            {"client": _("No client has id %(id)s.") % {"id": ", ".join(map(str, missing))}}
        )
    handed = []
    for client_id in ids:
        change = merged[client_id]
        name, manager_before, assistant_before = current[client_id]
        manager_after = manager_before if change.manager is KEEP else _person_id(change.manager)
        assistant_after = (
            assistant_before if change.assistant is KEEP else _person_id(change.assistant)
        )
        if (manager_after, assistant_after) == (manager_before, assistant_before):
            continue
        handed.append(
            ClientHandedOver(
                client_id=client_id,
                name=name,
                manager_before=manager_before,
                manager_after=manager_after,
                assistant_before=assistant_before,
                assistant_after=assistant_after,
                reason=(change.reason.strip() or reason)[:500],
            )
        )
    return handed


def _new_served(new: Sequence[NewClient], *, reason: str) -> list[ClientHandedOver]:
    """The new clients someone is to serve, as served by nobody before."""
    return [
        ClientHandedOver(
            client_id=client.client_id,
            name=client.name,
            manager_before=None,
            manager_after=_person_id(client.manager),
            assistant_before=None,
            assistant_after=_person_id(client.assistant),
            reason=reason[:500],
            new=True,
        )
        for client in new
        if client.manager is not None or client.assistant is not None
    ]


def _clients_write(handed: Sequence[ClientHandedOver]) -> None:
    """One UPDATE per person given (and per chunk of clients), not one per client."""
    targets: dict[tuple[str, int | None], list[int]] = defaultdict(list)
    for change in handed:
        if change.manager_changed:
            targets[("manager_id", change.manager_after)].append(change.client_id)
        if change.assistant_changed:
            targets[("assistant_id", change.assistant_after)].append(change.client_id)
    now = timezone.now()
    for (column, person_id), client_ids in targets.items():
        for chunk in _chunks(client_ids):
            Client.objects.filter(pk__any_of=chunk).update(**{column: person_id, "updated_at": now})


HISTORY_SCHEMA = {
    "client_id": pl.Int64,
    "role": pl.String,
    "previous_id": pl.Int64,
    "new_id": pl.Int64,
    "reason": pl.String,
}


def _history_write(
    handed: Sequence[ClientHandedOver], *, rule: HandOverRule, by: User | None
) -> None:
    """A history row per role that changed. An import hands thousands of new clients to their
    managers at once, so the rows go in as columns, not as model instances."""
    rows = [
        (change.client_id, role.value, before, after, change.reason)
        for change in handed
        for role, before, after in change.roles_changed()
    ]
    frame = pl.DataFrame(rows, schema=HISTORY_SCHEMA, orient="row").with_columns(
        rule=pl.lit(rule.value),
        changed_by_id=pl.lit(_person_id(by), dtype=pl.Int64),
    )
    rows_insert(model=ClientAssignmentChange, frame=frame)


# The followers: what goes with a client to the people who serve it now. Each takes the batch
# and answers how many things it moved or told.


def _requests_follow(batch: HandOverBatch) -> int:
    """The client's waiting requests go to whoever serves it now (the manager takes complex
    ones and a motivated client's; the assistant the others)."""
    if batch.rule == HandOverRule.ROUTING:
        return order_requests_follow_clients(
            client_ids=batch.client_ids(where=lambda change: change.assistant_after is None),
            rule=RoutingRule.MOTIVATED,
            reason=_("The client is motivated again: back to its manager"),
            changed_by=batch.by,
        ) + order_requests_follow_clients(
            client_ids=batch.client_ids(where=lambda change: change.assistant_after is not None),
            rule=RoutingRule.SPONTANEOUS,
            reason=_("The client is spontaneous: its assistant takes simple orders"),
            changed_by=batch.by,
        )
    if batch.rule == HandOverRule.REBALANCING:
        rule, reason = RoutingRule.REBALANCING, _("Moved with its client by the rebalancing")
    elif batch.reason:
        rule, reason = (
            RoutingRule.MANUAL,
            _("Moved with its client: %(reason)s") % {"reason": batch.reason},
        )
    elif batch.by is not None:
        rule, reason = (
            RoutingRule.MANUAL,
            _("Moved with its client, reassigned by %(user)s") % {"user": batch.by},
        )
    else:
        rule, reason = RoutingRule.MANUAL, _("Moved with its client")
    return order_requests_follow_clients(
        client_ids=batch.client_ids(), rule=rule, reason=reason, changed_by=batch.by
    )


def _forecast_follows(batch: HandOverBatch) -> int:
    """A new manager takes the client's forecast from next month on; the months that are over,
    the current one and locked ones stay with whoever forecast them."""
    by_manager: dict[int | None, list[int]] = defaultdict(list)
    for change in batch.handed:
        if change.manager_changed:
            by_manager[change.manager_after].append(change.client_id)
    return sum(
        forecast_cells_reassign(
            client_ids=client_ids,
            manager=None if manager_id is None else batch.people[manager_id],
        )
        for manager_id, client_ids in by_manager.items()
    )


def _deals_follow(batch: HandOverBatch) -> int:
    """A new manager takes the client's open deals; won and lost deals stay as they closed."""
    by_manager: dict[int | None, list[int]] = defaultdict(list)
    for change in batch.handed:
        if change.manager_changed:
            by_manager[change.manager_after].append(change.client_id)
    return sum(
        deals_follow_clients(
            client_ids=client_ids,
            manager=None if manager_id is None else batch.people[manager_id],
        )
        for manager_id, client_ids in by_manager.items()
    )


def _names(clients: Sequence[ClientHandedOver]) -> dict[str, Any]:
    """The clients by name as a list of clients reads: the first few, then how many more."""
    in_order = sorted(clients, key=lambda change: (change.name, change.client_id))
    shown = [change.name for change in in_order[:NAMES_IN_A_NOTIFICATION]]
    return {"names": shown, "more": len(clients) - len(shown)}


def _names_text(params: Params) -> str:
    names = ", ".join(params["names"])
    if params["more"] > 0:
        names += " " + _("and %(count)s more") % {"count": params["more"]}
    return names


def back_wording(params: Params) -> str:
    """How "clients are back in your portfolio" reads in the active language."""
    names = _names_text(params)
    if params["rule"] == HandOverRule.ROUTING:
        return _("Back in your portfolio as motivated clients: %(names)s") % {"names": names}
    return _("Back in your portfolio: %(names)s") % {"names": names}


def given_wording(params: Params) -> str:
    """How "clients are yours now" reads in the active language."""
    if "client" in params:
        values = {"user": params["by"], "client": params["client"], "reason": params["reason"]}
        if params["reason"]:
            return _("%(user)s hands %(client)s over to you: %(reason)s") % values
        return _("%(user)s hands %(client)s over to you") % values
    return _("Yours now (%(why)s): %(names)s") % {
        "why": params["reason"] or HandOverRule(params["rule"]).label,
        "names": _names_text(params),
    }


def _people_told(batch: HandOverBatch) -> int:
    """Whoever now serves a client is told, once for all its clients of the hand-over: a new
    manager, a new assistant, and a manager whose client comes back from the assistant. The
    person who made the change knows already."""
    given: dict[int, list[ClientHandedOver]] = defaultdict(list)
    back: dict[int, list[ClientHandedOver]] = defaultdict(list)
    for change in batch.handed:
        if change.manager_changed and change.manager_after is not None:
            given[change.manager_after].append(change)
        if change.assistant_changed and change.assistant_after is not None:
            given[change.assistant_after].append(change)
        elif (
            change.assistant_changed
            and not change.manager_changed
            and change.manager_after is not None
        ):
            back[change.manager_after].append(change)
    by_id = None if batch.by is None else batch.by.pk
    recipients = (set(given) | set(back)) - {by_id}
    users = User.objects.in_bulk(list(recipients))
    told = 0
    for person_id in sorted(recipients):
        person = users[person_id]
        if given.get(person_id):
            _tell_given(person, given[person_id], batch)
            told += 1
        if back.get(person_id):
            notification_send(
                user=person,
                kind=BACK,
                params={"rule": batch.rule.value, **_names(back[person_id])},
                url=_clients_url(back[person_id]),
            )
            told += 1
    return told


def _clients_url(clients: Sequence[ClientHandedOver]) -> str:
    if len(clients) == 1:
        return reverse("clients:detail", kwargs={"client_id": clients[0].client_id})
    return reverse("clients:list")


def _tell_given(person: User, clients: list[ClientHandedOver], batch: HandOverBatch) -> None:
    params: dict[str, Any]
    if len(clients) == 1 and batch.by is not None:
        params = {"by": str(batch.by), "client": clients[0].name, "reason": clients[0].reason}
    else:
        params = {"rule": batch.rule.value, "reason": batch.reason, **_names(clients)}
    notification_send(user=person, kind=GIVEN, params=params, url=_clients_url(clients))


def _activities_follow(batch: HandOverBatch) -> int:
    """A new manager takes the client's calls, meetings and visits planned ahead; those held
    stay with who held them. A client left without a manager leaves them with their owner."""
    by_manager: dict[int, list[int]] = defaultdict(list)
    for change in batch.handed:
        if change.manager_changed and change.manager_after is not None:
            by_manager[change.manager_after].append(change.client_id)
    return sum(
        activities_follow_clients(client_ids=client_ids, manager=batch.people[manager_id])
        for manager_id, client_ids in by_manager.items()
    )


# What goes with a client. Only the stored clients are asked about: a new one has none of it.
MOVERS: tuple[Callable[[HandOverBatch], int], ...] = (
    _requests_follow,
    _forecast_follows,
    _deals_follow,
    _activities_follow,
)
# In this order: whoever takes a client hears of it before hearing of its requests.
FOLLOWERS: tuple[Callable[[HandOverBatch], int], ...] = (_people_told, *MOVERS)


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
    """Give one client a new manager and assistant by hand (the card and the API)."""
    outcome = clients_hand_over(
        changes=[ClientChange(client_id=client.pk, manager=manager, assistant=assistant)],
        rule=HandOverRule.MANUAL,
        reason=reason,
        by=changed_by,
    )
    return HandOver(
        client=Client.objects.select_related("manager", "assistant").get(pk=client.pk),
        requests_moved=outcome.requests_moved,
        cells_moved=outcome.cells_moved,
    )


def client_create(*, details: ClientDetails, created_by: User) -> Client:
    """A new client; a manager who creates one becomes its manager."""
    with transaction.atomic():
        client = client_insert(details=details)
        if created_by.role == Role.MANAGER:
            clients_hand_over(
                new=[NewClient(client_id=client.pk, name=client.name, manager=created_by)],
                rule=HandOverRule.CREATED,
                reason=_("Created by its manager"),
                by=created_by,
            )
            client.refresh_from_db(fields=["manager", "assistant", "updated_at"])
    return client
