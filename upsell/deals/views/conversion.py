"""From fairy tale to money: the conversion report (page and workbook), the stuck deals and
the closing settings.

A manager reads its own figures and deals; the head of sales and top management every
manager's and the team's; an assistant or administrator finds no such page (404). The settings
are read by everyone who works with deals and changed by the head of sales alone (403).
"""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import push_url

from upsell.accounts.http import authenticated_user
from upsell.accounts.models import Role, User
from upsell.core.htmx import HtmxHttpRequest, wants_part
from upsell.deals.access import can_keep_closing_lists
from upsell.deals.conversion import (
    STEP_DEFINITIONS,
    STEP_LABELS,
    ConversionReport,
    ConversionRow,
    conversion_managers,
    conversion_report,
    report_months,
)
from upsell.deals.exports.conversion import conversion_xlsx_response
from upsell.deals.forms.conversion import (
    ClosingSettingsForm,
    ConversionFilterForm,
    StuckFilterForm,
)
from upsell.deals.models import ClosingSettings
from upsell.deals.services.settings import closing_settings_update
from upsell.deals.stuck import (
    DEFAULT_STUCK_AFTER_DAYS,
    StuckDeal,
    stuck_after_days,
    stuck_deals,
)

# The settings' history the page lists, newest first.
SETTINGS_CHANGES_SHOWN = 20


def _url_or_none(name: str, **kwargs: Any) -> str | None:
    """The address of a page of another part of closing, or None where it is not installed."""
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def _query(**params: object) -> str:
    return urlencode({key: value for key, value in params.items() if value is not None})


def _step_links(row: ConversionRow) -> dict[str, str]:
    """Where each figure of ``row`` leads: the forecast grid's month, the deals board of the
    manager and month. Shipped and paid have no list of their own."""
    links: dict[str, str] = {}
    manager_id = None if row.manager is None else row.manager.pk
    if row.month is not None:
        grid = reverse("forecasts:grid")
        query = _query(manager=manager_id, year=row.month.year)
        links["forecast"] = f"{grid}?{query}#total-forecast-{row.month:%Y-%m}"
    board = _url_or_none("deals:board")
    if board is not None:
        month = None if row.month is None else f"{row.month:%Y-%m}"
        query = _query(manager=manager_id, month=month)
        links["in_deals"] = links["ordered"] = f"{board}?{query}" if query else board
    return links


def _presented(report: ConversionReport, *, team: bool) -> list[dict[str, Any]]:
    """The report's sections as the page shows them: each row's steps with their links."""
    sections = []
    for section in report.sections:
        rows = [*section.rows, section.team] if team else section.rows
        sections.append(
            {
                "month": section.month,
                "rows": [
                    {
                        "row": row,
                        "steps": [
                            {"step": step, "link": _step_links(row).get(step.key)}
                            for step in row.funnel.steps
                        ],
                    }
                    for row in rows
                ],
            }
        )
    return sections


def _report_choice(
    request: HttpRequest, user: User
) -> tuple[ConversionFilterForm, ConversionReport]:
    today = timezone.localdate()
    data = request.GET.copy()
    # The form shows the months the page shows, also when the address names none.
    default_first, default_last = report_months(today=today)
    data.setdefault("first", f"{default_first:%Y-%m}")
    data.setdefault("last", f"{default_last:%Y-%m}")
    form = ConversionFilterForm(data, today=today)
    first, last, manager_id = form.chosen()
    report = conversion_report(
        user=user, first=first, last=last, today=today, manager_id=manager_id
    )
    return form, report


@require_GET
@login_required
def conversion_page(request: HtmxHttpRequest) -> HttpResponse:
    user = authenticated_user(request)
    form, report = _report_choice(request, user)
    team = user.role != Role.MANAGER and len(report.managers) > 1
    query = _query(**{key: value for key, value in request.GET.items() if value})
    context = {
        "form": form,
        "report": report,
        "sections": _presented(report, team=team),
        "overall": report.sections[-1].team.funnel if team else report.total,
        "labels": STEP_LABELS,
        "definitions": [(STEP_LABELS[key], text) for key, text in STEP_DEFINITIONS.items()],
        "sees_team": user.role != Role.MANAGER,
        "export_url": f"{reverse('deals:conversion_export')}?{query}",
        "stuck_url": reverse("deals:stuck"),
    }
    if wants_part(request, "report"):
        response = render(request, "deals/conversion/report.html#report", context)
        push_url(response, f"{request.path}?{query}" if query else request.path)
    else:
        response = render(request, "deals/conversion/report.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
@login_required
def conversion_export(request: HttpRequest) -> HttpResponseBase:
    user = authenticated_user(request)
    _form, report = _report_choice(request, user)
    team = user.role != Role.MANAGER and len(report.managers) > 1
    return conversion_xlsx_response(report=report, team=team)


def _deal_links(stuck: list[StuckDeal]) -> list[tuple[StuckDeal, str | None]]:
    return [(item, _url_or_none("deals:detail", deal_id=item.deal.pk)) for item in stuck]


@require_GET
@login_required
def stuck_page(request: HtmxHttpRequest) -> HttpResponse:
    user = authenticated_user(request)
    form = StuckFilterForm(request.GET)
    manager_id = None
    if form.is_valid() and form.cleaned_data["manager"] is not None:
        manager_id = form.cleaned_data["manager"].pk
    # The same readers as the report: a manager itself, the head of sales and top management
    # anyone; 404 for the rest.
    conversion_managers(user=user, manager_id=manager_id)
    after_days = stuck_after_days()
    stuck = stuck_deals(user=user, now=timezone.now(), after_days=after_days, manager_id=manager_id)
    context = {
        "form": form,
        "stuck": _deal_links(stuck),
        "after_days": after_days,
        "sees_team": user.role != Role.MANAGER,
        "can_change_settings": can_keep_closing_lists(user),
    }
    if wants_part(request, "stuck"):
        response = render(request, "deals/conversion/stuck.html#stuck", context)
        query = _query(manager=manager_id)
        push_url(response, f"{request.path}?{query}" if query else request.path)
    else:
        response = render(request, "deals/conversion/stuck.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_http_methods(["GET", "POST"])
@login_required
def closing_settings_page(request: HttpRequest) -> HttpResponse:
    user = authenticated_user(request)
    conversion_managers(user=user, manager_id=None)
    can_change = can_keep_closing_lists(user)
    form = ClosingSettingsForm(
        request.POST if request.method == "POST" else None,
        initial={"stuck_after_days": stuck_after_days()},
    )
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied(_("Only the head of sales changes the closing settings."))
        if form.is_valid():
            try:
                closing_settings_update(
                    stuck_after_days=form.cleaned_data["stuck_after_days"], changed_by=user
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The settings are saved."))
                return redirect("deals:closing_settings")
    context = {
        "form": form,
        "can_change": can_change,
        "changes": ClosingSettings.objects.select_related("changed_by")[:SETTINGS_CHANGES_SHOWN],
        "default_days": DEFAULT_STUCK_AFTER_DAYS,
    }
    return render(request, "deals/conversion/settings.html", context)
