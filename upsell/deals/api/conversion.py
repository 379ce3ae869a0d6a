"""From fairy tale to money over the REST API: the conversion report, the stuck deals and the
closing settings, under the same readers as their pages (a manager its own, the head of sales
and top management everyone's, anyone else 404; the settings changed by the head of sales)."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from upsell.accounts.http import authenticated_user
from upsell.accounts.models import Role
from upsell.accounts.schemas import MAX_ID, Money, UserRef, error_responses
from upsell.clients.schemas import ClientRef
from upsell.deals.access import can_keep_closing_lists
from upsell.deals.conversion import (
    STEP_DEFINITIONS,
    ConversionRow,
    conversion_managers,
    conversion_report,
)
from upsell.deals.forms.conversion import ConversionFilterForm
from upsell.deals.models import DealStage
from upsell.deals.services.settings import STUCK_AFTER_DAYS_MAX, closing_settings_update
from upsell.deals.stuck import (
    DEFAULT_STUCK_AFTER_DAYS,
    closing_settings_latest,
    stuck_after_days,
    stuck_deals,
)

router = Router(tags=["deals"])

MONTH_PATTERN = r"^[0-9]{4}-[0-9]{2}$"


class ConversionQuery(Schema):
    first: str | None = Field(
        None, pattern=MONTH_PATTERN, description="the first month, YYYY-MM; default: 3 months ago"
    )
    last: str | None = Field(
        None, pattern=MONTH_PATTERN, description="the last month, YYYY-MM; default: this month"
    )
    manager: int | None = Field(None, ge=1, le=MAX_ID, description="one manager's id")


class StepOut(Schema):
    key: str = Field(description="forecast, in_deals, ordered, shipped or paid")
    amount: Money
    of_forecast: float | None = Field(description="percent of the forecast; null without one")
    drop: Money | None = Field(description="the step before less this one; null for the first")
    drop_percent: float | None = Field(description="the drop as a percent of the step before")


class ConversionRowOut(Schema):
    manager: UserRef | None = Field(description="null: the team, the sum of its managers")
    month: dt.date | None = Field(description="the month's first day; null: every month")
    steps: list[StepOut]


class ConversionOut(Schema):
    first: dt.date
    last: dt.date
    definitions: dict[str, str] = Field(description="how each step is counted, in words")
    rows: list[ConversionRowOut]


class StuckQuery(Schema):
    manager: int | None = Field(None, ge=1, le=MAX_ID, description="one manager's id")


class StuckDealOut(Schema):
    id: int
    client: ClientRef
    manager: UserRef
    title: str
    stage: DealStage
    month: dt.date
    amount: Money
    last_activity_at: dt.datetime
    days: int = Field(description="whole days since the last activity")


class StuckOut(Schema):
    after_days: int = Field(description="an open deal without activity for longer is stuck")
    items: list[StuckDealOut]


class ClosingSettingsOut(Schema):
    stuck_after_days: int
    changed_by: UserRef | None = Field(description="null: never set, the default is in force")
    changed_at: dt.datetime | None


class ClosingSettingsIn(Schema):
    stuck_after_days: int = Field(ge=1, le=STUCK_AFTER_DAYS_MAX)


def _percent(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _row_out(row: ConversionRow) -> dict[str, Any]:
    return {
        "manager": row.manager,
        "month": row.month,
        "steps": [
            {
                "key": step.key,
                "amount": step.amount,
                "of_forecast": _percent(step.of_forecast),
                "drop": step.drop,
                "drop_percent": _percent(step.drop_percent),
            }
            for step in row.funnel.steps
        ],
    }


@router.get("/conversion", response={200: ConversionOut, **error_responses(401, 404, 422)})
def get_conversion(request: HttpRequest, filters: Query[ConversionQuery]) -> dict[str, Any]:
    """Forecast → in deals → ordered → shipped → paid, per manager and month and for every
    month; the team's rows (``manager`` null) for the head of sales and top management."""
    user = authenticated_user(request)
    today = timezone.localdate()
    form = ConversionFilterForm(filters.dict(exclude_none=True), today=today)
    if not form.is_valid():
        raise ValidationError({name: errors[0] for name, errors in form.errors.items()})
    first, last, manager_id = form.chosen()
    report = conversion_report(
        user=user, first=first, last=last, today=today, manager_id=manager_id
    )
    team = user.role != Role.MANAGER
    rows = [
        _row_out(row)
        for section in report.sections
        for row in ([*section.rows, section.team] if team else section.rows)
    ]
    return {
        "first": first,
        "last": last,
        "definitions": {key: str(text) for key, text in STEP_DEFINITIONS.items()},
        "rows": rows,
    }


@router.get("/stuck", response={200: StuckOut, **error_responses(401, 404, 422)})
def list_stuck_deals(request: HttpRequest, filters: Query[StuckQuery]) -> dict[str, Any]:
    """The open deals with no activity for longer than the closing settings allow, the
    longest waiting first: a manager's own, or everyone's for the head of sales."""
    user = authenticated_user(request)
    conversion_managers(user=user, manager_id=filters.manager)
    after_days = stuck_after_days()
    stuck = stuck_deals(
        user=user, now=timezone.now(), after_days=after_days, manager_id=filters.manager
    )
    return {
        "after_days": after_days,
        "items": [
            {
                "id": item.deal.pk,
                "client": item.deal.client,
                "manager": item.deal.manager,
                "title": item.deal.title,
                "stage": item.deal.stage,
                "month": item.deal.month,
                "amount": item.deal.amount,
                "last_activity_at": item.deal.last_activity_at,
                "days": item.days,
            }
            for item in stuck
        ],
    }


def _settings_out() -> dict[str, Any]:
    latest = closing_settings_latest()
    if latest is None:
        return {
            "stuck_after_days": DEFAULT_STUCK_AFTER_DAYS,
            "changed_by": None,
            "changed_at": None,
        }
    return {
        "stuck_after_days": latest.stuck_after_days,
        "changed_by": latest.changed_by,
        "changed_at": latest.changed_at,
    }


@router.get("/settings", response={200: ClosingSettingsOut, **error_responses(401, 404)})
def get_closing_settings(request: HttpRequest) -> dict[str, Any]:
    """The closing settings in force (everyone who works with deals)."""
    conversion_managers(user=authenticated_user(request), manager_id=None)
    return _settings_out()


@router.put(
    "/settings", response={200: ClosingSettingsOut, **error_responses(400, 401, 403, 404, 422)}
)
def update_closing_settings(request: HttpRequest, payload: ClosingSettingsIn) -> dict[str, Any]:
    """Put a new number of days after which an open deal is stuck in force (the head of sales
    only); earlier settings stay as history."""
    user = authenticated_user(request)
    conversion_managers(user=user, manager_id=None)
    if not can_keep_closing_lists(user):
        raise PermissionDenied(_("Only the head of sales changes the closing settings."))
    closing_settings_update(stuck_after_days=payload.stuck_after_days, changed_by=user)
    return _settings_out()
