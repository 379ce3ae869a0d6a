"""Audit screens: the overview for the head of sales, the status rules, audit runs, and the
status section of a client card (loaded into the card by htmx)."""

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from upsell.accounts.http import authenticated_user
from upsell.accounts.models import User
from upsell.analytics.btyd.backtest import SHORT_HISTORY
from upsell.clients.access import get_client_for_user
from upsell.clients.models import ClientStatus
from upsell.clients.motivation import managed_statuses_current
from upsell.core.forms import form_errors_add
from upsell.forecasts.access import forecast_manager_for_user, uses_forecasts
from upsell.forecasts.forms import GridFilterForm
from upsell.forecasts.selectors import accuracy_year_default, forecast_accuracies
from upsell.history.models import ChangeSource, Subject
from upsell.history.presenters import FieldShape, change_list, choice_text, number_text
from upsell.history.selectors import changes_of
from upsell.reporting import exports, selectors
from upsell.reporting.access import (
    can_change_rules,
    can_override_status,
    can_run_audit,
    can_view_audit,
    require,
)
from upsell.reporting.forms import AuditRulesForm, AuditStartForm, MigrationForm, StatusOverrideForm
from upsell.reporting.models import AuditRun, AuditUnit, ForecastModel, ForecastRun, RunStatus
from upsell.reporting.overrides import status_override_lift, status_override_set
from upsell.reporting.rules import audit_settings_current, audit_unit_current
from upsell.reporting.selectors import ABC, XYZ
from upsell.reporting.services import audit_run_create, forecast_run_create, status_rules_update

# The budgets still going to competitors the overview shows, the biggest first.
BUDGETS_SHOWN = 20


def _default_months(months: list[dt.date]) -> tuple[dt.date, dt.date] | None:
    if not months:
        return None
    last = months[-1]
    year_before = last.replace(year=last.year - 1)
    return (year_before if year_before in months else months[0]), last


def _migration_choice(request: HttpRequest) -> tuple[MigrationForm, tuple[dt.date, dt.date] | None]:
    """The two month-ends the migration compares: the address's, else a year back from the
    last month of the history."""
    months = selectors.history_months_available()
    migration_form = MigrationForm(request.GET or None, months=months)
    chosen = (
        (migration_form.cleaned_data["month_from"], migration_form.cleaned_data["month_to"])
        if migration_form.is_bound and migration_form.is_valid()
        else _default_months(months)
    )
    if chosen and not migration_form.is_bound:
        migration_form = MigrationForm(
            {"month_from": chosen[0].isoformat(), "month_to": chosen[1].isoformat()}, months=months
        )
        migration_form.is_valid()
    return migration_form, chosen


def _overview_tables(
    user: User, chosen: tuple[dt.date, dt.date] | None, *, budgets: int | None
) -> exports.OverviewTables:
    return exports.OverviewTables(
        totals=selectors.status_totals(user=user),
        abc_xyz=selectors.abc_xyz_matrix(user=user),
        migration_months=chosen,
        migrations=(
            selectors.status_migration_matrix(user=user, month_from=chosen[0], month_to=chosen[1])
            if chosen
            else []
        ),
        budgets=selectors.budget_captures(user=user, limit=budgets),
    )


@require_GET
@login_required
def audit_overview(request: HttpRequest) -> HttpResponse:
    user = authenticated_user(request)
    require(can_view_audit(user))
    migration_form, chosen = _migration_choice(request)
    tables = _overview_tables(user, chosen, budgets=BUDGETS_SHOWN)
    totals, abc_xyz, migrations = tables.totals, tables.abc_xyz, tables.migrations
    revenue = sum(total.revenue_365 for total in totals)
    labels = dict(ClientStatus.choices)
    from_statuses = sorted({m.from_status for m in migrations}, key=_status_order)
    to_statuses = sorted({m.to_status for m in migrations}, key=_status_order)
    cells = {(m.from_status, m.to_status): m for m in migrations}
    forecast_run = ForecastRun.objects.filter(status=RunStatus.SUCCEEDED).first()
    context = {
        "run": selectors.audit_run_latest(),
        "runs": AuditRun.objects.select_related("started_by")[:5],
        "totals": totals,
        "clients_total": sum(total.clients for total in totals),
        "revenue_total": revenue,
        "abc_xyz_rows": [(abc, [abc_xyz.get((abc, xyz), (0, 0)) for xyz in XYZ]) for abc in ABC],
        "xyz": XYZ,
        "migration_form": migration_form,
        "migration_query": urlencode(
            {"month_from": chosen[0].isoformat(), "month_to": chosen[1].isoformat()}
        )
        if chosen
        else "",
        "migration_columns": [(status, labels.get(status, "—")) for status in to_statuses],
        "migration_rows": [
            (labels.get(source, "—"), [cells.get((source, target)) for target in to_statuses])
            for source in from_statuses
        ],
        "budgets": tables.budgets,
        "start_form": AuditStartForm() if can_run_audit(user) else None,
        "can_change_rules": can_change_rules(user),
        "forecast_runs": ForecastRun.objects.select_related("started_by")[:5],
        "forecast_run": forecast_run,
        "backtest": _backtest_rows(forecast_run),
        "can_refresh_forecast": can_run_audit(user),
    }
    return render(request, "audit/overview.html", context)


@require_GET
@login_required
def audit_overview_export(request: HttpRequest) -> FileResponse:
    """The overview's tables as a workbook, the migration between the months the page showed
    and every budget, not only the first twenty."""
    user = authenticated_user(request)
    require(can_view_audit(user))
    _form, chosen = _migration_choice(request)
    return exports.overview_xlsx_response(
        tables=_overview_tables(user, chosen, budgets=None),
        filename=f"audit-{timezone.localdate():%Y-%m-%d}.xlsx",
    )


@require_GET
@login_required
def statuses_export(request: HttpRequest) -> FileResponse:
    """Every client's status, the computed one, why, and every metric of the latest audit: the
    file the ``export statuses`` command writes, in the reader's language."""
    user = authenticated_user(request)
    require(can_view_audit(user))
    return exports.statuses_xlsx_response(
        user=user, filename=f"statuses-{timezone.localdate():%Y-%m-%d}.xlsx"
    )


@require_GET
@login_required
def accuracy_export(request: HttpRequest) -> FileResponse:
    """The forecast accuracy page as a workbook: the chosen manager's, or every manager's when
    the head of sales or top management chose the whole team. A manager gets its own."""
    user = authenticated_user(request)
    if not uses_forecasts(user):
        raise PermissionDenied
    today = timezone.localdate()
    default_year = accuracy_year_default(today)
    data = request.GET.copy()
    data.setdefault("year", str(default_year))
    manager_id, year = GridFilterForm(data).chosen(default_year=default_year)
    manager = forecast_manager_for_user(user, manager_id)
    return exports.accuracy_xlsx_response(
        accuracies=forecast_accuracies(manager=manager, year=year, today=today),
        year=year,
        filename=f"accuracy-{year}.xlsx",
    )


def _backtest_rows(run: ForecastRun | None) -> list[dict[str, object]]:
    """The run's backtest, one row per candidate model: why a model was not scored or not
    used in the page's language, the analytics' own words as the detail."""
    if run is None:
        return []
    labels = dict(ForecastModel.choices)
    rows = []
    for model, score in run.backtest_scores():
        detail = score["reason"]
        if detail == SHORT_HISTORY:
            reason = _("not scored: the history is shorter than two years")
        elif not score["eligible"]:
            reason = _("not used: its fit cannot be trusted on this history")
        else:
            reason = ""
        rows.append(
            {
                **score,
                "model": model,
                "label": labels.get(model, model),
                "reason": reason,
                "detail": detail,
            }
        )
    return rows


def _status_order(status: str) -> int:
    order = ["", *ClientStatus.values]
    return order.index(status) if status in order else len(order)


@require_POST
@login_required
def audit_start(request: HttpRequest) -> HttpResponse:
    user = authenticated_user(request)
    require(can_run_audit(user))
    form = AuditStartForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a date and an engine."))
        return redirect("audit:overview")
    try:
        run = audit_run_create(
            as_of=form.cleaned_data["as_of"], engine=form.cleaned_data["engine"], started_by=user
        )
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
        return redirect("audit:overview")
    return redirect("audit:run", run_id=run.pk)


@require_POST
@login_required
def forecast_refresh(request: HttpRequest) -> HttpResponse:
    """Queue a refit of the forecast baselines as of today, the model chosen by backtest."""
    user = authenticated_user(request)
    require(can_run_audit(user))
    forecast_run_create(as_of=timezone.localdate(), model=ForecastModel.AUTO, started_by=user)
    messages.success(
        request,
        _("The forecast baselines are being refreshed; the table below shows when it is done."),
    )
    return redirect("audit:overview")


@require_GET
@login_required
def audit_run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    user = authenticated_user(request)
    require(can_run_audit(user) or can_view_audit(user))
    run = get_object_or_404(AuditRun.objects.select_related("started_by"), pk=run_id)
    template = "audit/run.html#progress" if request.headers.get("HX-Request") else "audit/run.html"
    return render(request, template, {"run": run})


@require_http_methods(["GET", "POST"])
@login_required
def audit_rules(request: HttpRequest) -> HttpResponse:
    user = authenticated_user(request)
    require(can_view_audit(user))
    form = AuditRulesForm(
        request.POST if request.method == "POST" else None,
        settings=audit_settings_current(),
        managed=managed_statuses_current(),
        unit=audit_unit_current(),
    )
    if request.method == "POST":
        require(can_change_rules(user))
        if form.is_valid():
            try:
                status_rules_update(
                    thresholds=form.thresholds(),
                    managed_statuses=form.cleaned_data["managed_statuses"],
                    unit=form.cleaned_data["unit"],
                    changed_by=user,
                    source=ChangeSource.SCREEN,
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, _("The rules are saved. They apply from the next audit."))
                return redirect("audit:rules")
    shapes = _rules_shapes(form)
    context = {
        "form": form,
        "can_change": can_change_rules(user),
        # Whoever may not change the rules reads them: each label and its value as text.
        "values": [(shape.label, shape.text(form.initial[name])) for name, shape in shapes.items()],
        "changes": change_list(
            changes_of(subject=Subject.STATUS_RULES, object_id=None),
            shapes,
            everything=request.GET.get("changes") == "all",
        ),
    }
    return render(request, "audit/rules.html", context)


def _rules_shapes(form: AuditRulesForm) -> dict[str, FieldShape]:
    """Each rule's label and how its value reads, the managed statuses first as on the form."""
    shapes = {
        "managed_statuses": FieldShape(
            form.fields["managed_statuses"].label or "", choice_text(ClientStatus.choices)
        ),
        "unit": FieldShape(form.fields["unit"].label or "", choice_text(AuditUnit.choices)),
    }
    shapes |= {
        name: FieldShape(field.label or name, number_text)
        for name, field in form.fields.items()
        if name not in shapes
    }
    return shapes


def _client_status_context(request: HttpRequest, client_id: int) -> dict[str, object]:
    user = authenticated_user(request)
    client = get_client_for_user(user, client_id)
    section = selectors.client_status_section(client=client, today=timezone.localdate())
    labels = dict(ClientStatus.choices)
    return {
        "client": client,
        "audit": section.audit,
        "reason": section.reason,
        "read_with": section.read_with,
        "metrics": selectors.client_metrics(audit=section.audit) if section.audit else [],
        "timeline": [
            (month, labels.get(before, ""), labels.get(after, ""))
            for month, before, after in section.timeline
        ],
        "override": section.override,
        "override_form": StatusOverrideForm() if can_override_status(user) else None,
    }


@require_GET
@login_required
def client_status(request: HttpRequest, client_id: int) -> HttpResponse:
    return render(request, "audit/client_status.html", _client_status_context(request, client_id))


@require_POST
@login_required
def client_status_override(request: HttpRequest, client_id: int) -> HttpResponse:
    user = authenticated_user(request)
    client = get_client_for_user(user, client_id)
    require(can_override_status(user))
    form = StatusOverrideForm(request.POST)
    if form.is_valid():
        try:
            status_override_set(
                client=client,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                expires_on=form.cleaned_data["expires_on"],
                set_by=user,
                today=timezone.localdate(),
            )
        except ValidationError as error:
            form_errors_add(form, error)
    context = _client_status_context(request, client_id)
    if form.errors:
        context["override_form"] = form
    return render(request, "audit/client_status.html", context)


@require_POST
@login_required
def client_status_lift(request: HttpRequest, client_id: int) -> HttpResponse:
    user = authenticated_user(request)
    client = get_client_for_user(user, client_id)
    require(can_override_status(user))
    status_override_lift(client=client, lifted_by=user, today=timezone.localdate())
    return render(request, "audit/client_status.html", _client_status_context(request, client_id))
