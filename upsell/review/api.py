"""The reviews over the REST API, ``/api/review``: the Monday review's figures (the head of
sales') and the company view's (hers and top management's), and ``/api/status-changes``, the
review's whole list of clients whose status changed, a page at a time; read by the same
selectors as the pages and under the same access rules: anybody else finds none (404)."""

import datetime as dt
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from upsell.accounts.http import authenticated_user
from upsell.accounts.schemas import ObjectId, PageParams, error_responses, percent_of, text
from upsell.clients.models import Client
from upsell.programs.selectors import ProgramFigures
from upsell.review.access import can_see_company_view, can_see_monday_review, require
from upsell.review.forms import StatusChangeForm
from upsell.review.presenters import stagnation_sentence
from upsell.review.schemas import CompanyViewOut, MondayReviewOut, StatusChangePage
from upsell.review.selectors import (
    STATUS_CHANGES_SHOWN,
    ClosingFigures,
    PlanFigures,
    PlanReview,
    Stagnation,
    StagnationSpan,
    StatusHistory,
    company_view,
    monday_review,
    status_changes,
)

router = Router(tags=["review"])
status_changes_router = Router(tags=["review"])


class ReviewQuery(Schema):
    since: dt.date | None = None
    change: Annotated[str, text(50)] | None = None
    manager: ObjectId | None = None


def _form(query: ReviewQuery) -> StatusChangeForm:
    """The page's form over the query, so both refuse the same values the same way."""
    data = {
        "since": query.since.isoformat() if query.since else "",
        "change": query.change or "",
        "manager": str(query.manager or ""),
    }
    form = StatusChangeForm(data, today=timezone.localdate())
    if not form.is_valid():
        raise ValidationError(
            {field: [str(error) for error in errors] for field, errors in form.errors.items()}
        )
    return form


def _status_change(client: Client) -> dict[str, Any]:
    return {
        "client": client,
        "from_status": client.status_before,  # type: ignore[attr-defined]
        "to_status": client.status,
        "manager": client.manager,
    }


def _figures(figures: PlanFigures) -> dict[str, Any]:
    return {
        "plan": figures.plan,
        "forecast": figures.forecast,
        "fact": figures.fact,
        "forecast_percent": percent_of(figures.forecast_percent),
        "fact_percent": percent_of(figures.fact_percent),
    }


def _plans(plans: PlanReview) -> dict[str, Any]:
    return {
        "month": plans.month,
        "managers": [
            {"manager": line.manager, "figures": _figures(line.figures)} for line in plans.managers
        ],
        "team": _figures(plans.team),
        "months": [
            {"month": line.month, "figures": _figures(line.figures)} for line in plans.months
        ],
    }


def _stagnation(line: Stagnation, text: str) -> dict[str, Any]:
    return {
        "owner_id": line.owner_id,
        "name": line.name,
        "before": line.before,
        "after": line.after,
        "change_percent": percent_of(line.change_percent),
        "stopped": line.stopped,
        "text": text,
    }


def _spans(spans: list[StagnationSpan], company_name: str) -> list[dict[str, Any]]:
    return [
        {
            "months": span.months,
            "first": span.first,
            "middle": span.middle,
            "end": span.end,
            "company": _stagnation(
                span.company, stagnation_sentence(span.company, who=company_name)
            ),
            "managers": [_stagnation(line, stagnation_sentence(line)) for line in span.managers],
            "clients": [_stagnation(line, stagnation_sentence(line)) for line in span.clients],
        }
        for span in spans
    ]


def _history(history: StatusHistory) -> dict[str, Any]:
    return {
        "months": history.months,
        "totals": history.totals,
        "migration_from": history.migration_from,
        "migration_to": history.migration_to,
        "migration": history.migration,
    }


def _programs(programs: list[ProgramFigures]) -> list[dict[str, Any]]:
    return [
        {
            "program": line.program,
            "members": line.members,
            "within_reach": line.within_reach,
            "accrued": line.accrued,
            "effect": line.effect,
        }
        for line in programs
    ]


def _deals(closing: ClosingFigures, *, per_manager: bool) -> dict[str, Any]:
    closed = closing.closed
    figures: dict[str, Any] = {
        "pipeline": closing.pipeline,
        "pipeline_deals": closing.pipeline_deals,
        "pipeline_amount": closing.pipeline_amount,
        "closed": {
            "since": closed.since,
            "won": closed.won,
            "won_amount": closed.won_amount,
            "lost": closed.lost,
            "lost_amount": closed.lost_amount,
            "lost_reasons": [
                {
                    "id": reason.reason_id,
                    "name": reason.name,
                    "deals": reason.deals,
                    "amount": reason.amount,
                }
                for reason in closed.lost_reasons
            ],
        },
        "stuck_after_days": closing.stuck_after_days,
        "stuck_total": closing.stuck_total,
    }
    if per_manager:
        figures["stuck"] = closing.stuck
    return figures


@router.get("", response={200: MondayReviewOut, **error_responses(401, 404, 422)})
def get_review(request: HttpRequest, query: Query[ReviewQuery]) -> dict[str, Any]:
    """The head of sales' Monday review: the clients whose status changed since ``since`` (a
    week ago unless given; narrowed to one change ``from-to`` and one manager), plan, forecast
    and fact per manager, forecast accuracy, where growth stopped, workload and what waits, the
    active sales programs, the open pipeline, the deals won and lost since ``since`` and the
    stuck deals per manager."""
    user = authenticated_user(request)
    require(can_see_monday_review(user))
    form = _form(query)
    review = monday_review(user=user, filters=form.filters(), today=form.today)
    changes = review.changes[:STATUS_CHANGES_SHOWN]
    return {
        "since": review.filters.since,
        "status_change_counts": review.change_counts,
        "status_changes_total": review.changes.count(),
        "status_changes": [_status_change(client) for client in changes],
        "plan": _plans(review.plans),
        "accuracy": [
            {
                "manager": line.manager,
                "year": line.year,
                "forecast": line.line.forecast,
                "actual": line.line.actual,
                "wape": percent_of(line.line.wape),
                "bias": percent_of(line.line.bias),
            }
            for line in review.accuracy
        ],
        "stagnation": _spans(review.stagnation, _company_name()),
        "workload": review.workload,
        "waiting_total": review.waiting_total,
        "waiting": review.waiting,
        "status_history": _history(review.history),
        "programs": _programs(review.programs),
        "deals": _deals(review.closing, per_manager=True),
    }


@status_changes_router.get("", response={200: StatusChangePage, **error_responses(401, 404, 422)})
def list_status_changes(
    request: HttpRequest, query: Query[ReviewQuery], page: Query[PageParams]
) -> dict[str, Any]:
    """The Monday review's list of the clients whose status in force differs from their status
    at the last month end before ``since`` (a week ago unless given), narrowed to one change
    ``from-to`` (``-new``: from no status) and one manager, by name, a page at a time; the head
    of sales' alone, as the review."""
    user = authenticated_user(request)
    require(can_see_monday_review(user))
    filters = _form(query).filters()
    changes = page.page_of(status_changes(user=user, filters=filters))
    return changes | {
        "since": filters.since,
        "items": [_status_change(client) for client in changes["items"]],
    }


@router.get("/company", response={200: CompanyViewOut, **error_responses(401, 404, 422)})
def get_company_review(request: HttpRequest, query: Query[ReviewQuery]) -> dict[str, Any]:
    """Top management's company view: status changes since ``since``, clients and revenue by
    status, region and segment, plan, forecast and fact by month, where growth stopped, the
    active sales programs, the open pipeline, the deals won and lost since ``since`` and how
    many are stuck."""
    user = authenticated_user(request)
    require(can_see_company_view(user))
    form = _form(query)
    view = company_view(user=user, since=form.filters().since, today=form.today)
    return {
        "since": view.since,
        "status_change_counts": view.change_counts,
        "by_status": [
            {"name": total.status, "clients": total.clients, "revenue_365": total.revenue_365}
            for total in view.status_totals
        ],
        "by_region": view.regions,
        "by_segment": view.segments,
        "plan": _plans(view.plans),
        "stagnation": _spans(view.stagnation, _company_name()),
        "managers": len(view.workload),
        "managers_over_capacity": view.over_capacity,
        "waiting_total": view.waiting_total,
        "status_history": _history(view.history),
        "programs": _programs(view.programs),
        "deals": _deals(view.closing, per_manager=False),
    }


def _company_name() -> str:
    return _("The company")
