"""The head of sales' Monday review and top management's company view, one page each.

The Monday review is the head of sales' alone; top management opening it is shown the company
view, its own. Everybody else finds neither (404).
"""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from upsell.accounts.http import authenticated_user
from upsell.clients.models import ClientStatus
from upsell.reporting.selectors import audit_read_per_organisation
from upsell.review import presenters
from upsell.review.access import can_see_company_view, can_see_monday_review, require
from upsell.review.forms import StatusChangeForm, change_key
from upsell.review.selectors import (
    STATUS_CHANGES_SHOWN,
    PlanReview,
    StagnationSpan,
    StatusChangeCount,
    StatusHistory,
    company_view,
    monday_review,
)


@dataclass(frozen=True, kw_only=True)
class ChangeChoice:
    key: str
    to_status: str
    from_label: str
    to_label: str
    clients: int


def _change_choices(counts: list[StatusChangeCount]) -> list[ChangeChoice]:
    """Each change with its labels, for the filter and the summary."""
    labels = dict(ClientStatus.choices)
    none = _("No status")
    return [
        ChangeChoice(
            key=change_key(count.from_status, count.to_status),
            to_status=count.to_status,
            from_label=str(labels.get(count.from_status, none)),
            to_label=str(labels.get(count.to_status, none)),
            clients=count.clients,
        )
        for count in counts
    ]


def _shared(
    *,
    form: StatusChangeForm,
    counts: list[StatusChangeCount],
    plans: PlanReview,
    history: StatusHistory,
    spans: list[StagnationSpan],
) -> dict[str, Any]:
    """What both pages show: the status changes, plans by month, growth, the status charts."""
    filters = form.filters()
    return {
        "today": form.today,
        "form": form,
        "since": filters.since,
        "changes": _change_choices(counts),
        "changes_total": sum(count.clients for count in counts),
        "counted_once": audit_read_per_organisation(),
        "chosen_change": change_key(*filters.change) if filters.change else "",
        "plans": plans,
        "plan_chart": presenters.plan_chart(plans.months),
        "history": history,
        "status_rows": presenters.status_revenue_rows(history),
        "status_chart": presenters.status_revenue_chart(history),
        "migration_rows": presenters.migration_rows(history.migration),
        "migration_chart": presenters.migration_chart(history.migration),
        "stagnation": presenters.stagnation_texts(spans),
    }


@require_GET
@login_required
def monday_review_page(request: HttpRequest) -> HttpResponse:
    user = authenticated_user(request)
    if not can_see_monday_review(user) and can_see_company_view(user):
        return redirect("review:company")
    require(can_see_monday_review(user))
    form = StatusChangeForm(request.GET, today=timezone.localdate())
    review = monday_review(user=user, filters=form.filters(), today=form.today)
    changed = Paginator(review.changes, STATUS_CHANGES_SHOWN).get_page(request.GET.get("page"))
    labels = dict(ClientStatus.choices)
    for client in changed:
        client.status_before_label = str(labels.get(client.status_before, ""))  # type: ignore[attr-defined]
    query = request.GET.copy()
    query.pop("page", None)
    context = _shared(
        form=form,
        counts=review.change_counts,
        plans=review.plans,
        history=review.history,
        spans=review.stagnation,
    )
    context |= {
        "changed": changed,
        "page_query": f"{query.urlencode()}&" if query else "",
        "accuracy": review.accuracy,
        "workload": review.workload,
        "waiting": review.waiting,
        "waiting_total": review.waiting_total,
        "programs": review.programs,
        "closing": review.closing,
    }
    return render(request, "review/monday.html", context)


@require_GET
@login_required
def company_view_page(request: HttpRequest) -> HttpResponse:
    user = authenticated_user(request)
    require(can_see_company_view(user))
    form = StatusChangeForm(request.GET, today=timezone.localdate())
    view = company_view(user=user, since=form.filters().since, today=form.today)
    context = _shared(
        form=form,
        counts=view.change_counts,
        plans=view.plans,
        history=view.history,
        spans=view.stagnation,
    )
    context |= {
        "view": view,
        "clients_total": sum(total.clients for total in view.status_totals),
        "revenue_total": sum(total.revenue_365 for total in view.status_totals),
        "group_tables": [
            (_("By region"), "region", view.regions),
            (_("By segment"), "segment", view.segments),
        ],
        "motivated": sum(load.motivated for load in view.workload),
        "capacity": sum(load.capacity or 0 for load in view.workload),
        "programs": view.programs,
        "closing": view.closing,
        "is_company": True,
    }
    return render(request, "review/company.html", context)
