import datetime as dt
from typing import Annotated

from ninja import Field, Schema

from upsell.accounts.models import Role
from upsell.accounts.schemas import MAX_ID, Money, UserRef, text
from upsell.clients.models import AssignmentRole
from upsell.clients.schemas import ClientRef
from upsell.portfolios.selectors import PersonLoad


class PersonLoadOut(Schema):
    """One manager's or assistant's load, as a row of the workload board."""

    user: UserRef
    role: Role
    motivated: int = Field(description="motivated clients it manages")
    spontaneous: int = Field(description="spontaneous clients it serves")
    revenue_12m: Money = Field(description="their shipments over the last 12 months")
    forecast_12m: Money | None = Field(
        description="a manager's forecast for this month and the eleven after it (its amount "
        "where it set one, else the baseline); null for an assistant"
    )
    open_requests: int = Field(description="requests waiting in its queue")
    oldest_request_at: dt.datetime | None = Field(description="when the oldest of them came")
    capacity: int | None = Field(description="motivated clients at most; null for an assistant")
    load_percent: int | None = Field(
        description="motivated clients as a percentage of the capacity, rounded"
    )
    overloaded: bool = Field(description="more motivated clients than the capacity")

    @staticmethod
    def resolve_role(load: PersonLoad) -> Role:
        return Role(load.user.role)


class WorkloadSettingsOut(Schema):
    max_motivated_per_manager: int = Field(description="the capacity of every manager")
    pool_assistant: UserRef | None = Field(
        description="serves the spontaneous clients of managers who have no assistant"
    )


class WorkloadSettingsIn(Schema):
    """The settings put in force; earlier ones stay as history."""

    max_motivated_per_manager: int = Field(
        ge=1, le=100_000, description="motivated clients per manager, at most"
    )
    pool_assistant: int | None = Field(
        ge=1, le=MAX_ID, description="id of an active assistant; null: no pool"
    )


class ProposedMoveOut(Schema):
    key: str = Field(description="send it back to apply the move")
    client: ClientRef
    role: AssignmentRole = Field(description="the client gets a new manager or a new assistant")
    previous: UserRef | None = Field(description="who serves the client in that role now")
    new: UserRef
    reason: str


class ProposalOut(Schema):
    moves: list[ProposedMoveOut]
    spontaneous_left_with_managers: int = Field(
        description="spontaneous clients that stay with their managers even after these moves: "
        "their managers have no assistant and no pool assistant is set"
    )


class ProposalApplyIn(Schema):
    keys: list[Annotated[str, text(64)]] = Field(
        max_length=100_000,
        description="the keys of the moves to apply; one no longer proposed is skipped",
    )


class ProposalAppliedOut(Schema):
    applied: int = Field(description="the moves applied")
