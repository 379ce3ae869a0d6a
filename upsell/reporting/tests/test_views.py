import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from upsell.clients.models import ClientStatusOverride, PortfolioRules
from upsell.reporting.models import AuditRules, AuditRun, ForecastRun, RunStatus
from upsell.reporting.services import audit_run_create, audit_run_execute
from upsell.shipments.tests.factories import shipment_with_line

AS_OF = dt.date(2026, 6, 15)


@pytest.fixture
def audited(annas_client, boris_client):
    for days in (12, 53, 94, 135, 176, 420):
        shipment_with_line(
            client=annas_client, date=AS_OF - dt.timedelta(days=days), amount=Decimal("700.00")
        )
    shipment_with_line(
        client=boris_client, date=AS_OF - dt.timedelta(days=30), amount=Decimal("50.00")
    )
    return audit_run_execute(
        run=audit_run_create(as_of=AS_OF, engine="duckdb", started_by=None, enqueue=False)
    )


def test_head_of_sales_sees_the_overview(client, head_of_sales, audited):
    client.force_login(head_of_sales)

    response = client.get(reverse("audit:overview"))

    assert response.status_code == 200
    totals = [(t.status, t.clients, t.revenue_365) for t in response.context["totals"]]
    # Every status in the method's order, those no client has at zero.
    assert totals == [
        ("new", 1, Decimal("50.00")),
        ("one_time", 0, Decimal("0.00")),
        ("irregular", 0, Decimal("0.00")),
        ("regular", 0, Decimal("0.00")),
        ("vip", 1, Decimal("3500.00")),
        ("partner", 0, Decimal("0.00")),
        ("reanimated", 0, Decimal("0.00")),
        ("lapsing", 0, Decimal("0.00")),
        ("lost", 0, Decimal("0.00")),
    ]
    # Anna's client makes all the revenue (A) and buys erratically (Z); Boris's, new with one
    # order, has no class yet.
    assert response.context["abc_xyz_rows"] == [
        ("A", [(0, 0), (0, 0), (1, Decimal("3500.00"))]),
        ("B", [(0, 0), (0, 0), (0, 0)]),
        ("C", [(0, 0), (0, 0), (0, 0)]),
    ]


@pytest.mark.parametrize("persona", ["manager_anna", "assistant_vera", "admin_adam"])
def test_the_overview_is_not_for_managers_assistants_or_admins(client, persona, request, audited):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(reverse("audit:overview")).status_code == 403


def test_a_manager_cannot_start_an_audit(client, manager_anna):
    client.force_login(manager_anna)

    response = client.post(reverse("audit:start"), {"as_of": "2026-06-15", "engine": "duckdb"})

    assert response.status_code == 403
    assert AuditRun.objects.count() == 0


def test_head_of_sales_starts_an_audit_and_follows_it(
    client, head_of_sales, annas_client, django_capture_on_commit_callbacks
):
    client.force_login(head_of_sales)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("audit:start"), {"as_of": "2026-06-15", "engine": "duckdb"})

    run = AuditRun.objects.get()
    assert response.url == reverse("audit:run", args=[run.pk])
    assert (run.status, run.clients, run.started_by) == ("succeeded", 1, head_of_sales)


def test_head_of_sales_changes_a_rule(client, head_of_sales):
    client.force_login(head_of_sales)
    form = client.get(reverse("audit:rules")).context["form"]
    data = {name: value for name, value in form.initial.items() if name != "managed_statuses"}
    data.update(regular_min_orders=5, managed_statuses=["regular", "vip", "partner"])

    response = client.post(reverse("audit:rules"), data)

    assert response.status_code == 302
    assert AuditRules.objects.get().thresholds == {"regular_min_orders": 5}
    assert AuditRules.objects.get().unit == "branch"
    assert PortfolioRules.objects.get().managed_statuses == ["partner", "regular", "vip"]


def test_head_of_sales_has_the_audit_read_per_organisation(client, head_of_sales):
    client.force_login(head_of_sales)
    form = client.get(reverse("audit:rules")).context["form"]
    data = {name: value for name, value in form.initial.items() if name != "managed_statuses"}
    data.update(unit="organisation", managed_statuses=["regular", "vip"])

    response = client.post(reverse("audit:rules"), data)

    assert response.status_code == 302
    assert list(AuditRules.objects.values_list("thresholds", "unit")) == [({}, "organisation")]


def test_the_audit_is_read_per_branch_or_per_organisation_only(client, head_of_sales):
    client.force_login(head_of_sales)
    form = client.get(reverse("audit:rules")).context["form"]
    data = {name: value for name, value in form.initial.items() if name != "managed_statuses"}
    data.update(unit="region", managed_statuses=["regular", "vip"])

    response = client.post(reverse("audit:rules"), data)

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "unit": ["Select a valid choice. region is not one of the available choices."]
    }
    assert AuditRules.objects.count() == 0


def test_top_management_sees_the_rules_but_cannot_change_them(client, top_manager):
    client.force_login(top_manager)

    assert client.get(reverse("audit:rules")).status_code == 200
    assert client.post(reverse("audit:rules"), {"regular_min_orders": 5}).status_code == 403
    assert AuditRules.objects.count() == 0


def test_manager_sees_own_clients_status_with_its_reason(
    client, manager_anna, annas_client, audited
):
    client.force_login(manager_anna)

    response = client.get(reverse("audit:client_status", args=[annas_client.pk]))

    assert response.status_code == 200
    assert response.context["reason"] == (
        "VIP: 5 orders in 365 days, class A with 98.6 % of revenue, typical interval 41 days, "
        "last order 12 days ago"
    )


def test_manager_cannot_see_another_managers_client_status(
    client, manager_anna, boris_client, audited
):
    client.force_login(manager_anna)

    assert client.get(reverse("audit:client_status", args=[boris_client.pk])).status_code == 404


def test_head_of_sales_overrides_a_status(client, head_of_sales, boris_client, audited):
    client.force_login(head_of_sales)

    response = client.post(
        reverse("audit:client_status_override", args=[boris_client.pk]),
        {"status": "partner", "reason": "Dealer agreement", "expires_on": ""},
    )

    assert response.status_code == 200
    boris_client.refresh_from_db()
    assert boris_client.status == "partner"


def test_a_manager_cannot_override_even_its_own_client(client, manager_anna, annas_client, audited):
    client.force_login(manager_anna)

    response = client.post(
        reverse("audit:client_status_override", args=[annas_client.pk]),
        {"status": "lost", "reason": "Because", "expires_on": ""},
    )

    assert response.status_code == 403
    assert ClientStatusOverride.objects.count() == 0


def test_head_of_sales_refreshes_the_forecast_and_sees_how_it_was_made(
    client, head_of_sales, audited, django_capture_on_commit_callbacks, settings
):
    settings.LANGUAGE_CODE = "en"
    client.force_login(head_of_sales)

    # The refresh runs as of today: the evening of the audit's day.
    evening = dt.datetime.combine(AS_OF, dt.time(18), tzinfo=dt.UTC)
    with (
        time_machine.travel(evening, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(reverse("audit:forecast_refresh"))

    assert response.status_code == 302
    run = ForecastRun.objects.get()
    assert run.as_of == AS_OF
    assert (run.status, run.requested_model, run.started_by) == (
        RunStatus.SUCCEEDED,
        "auto",
        head_of_sales,
    )
    # Both clients are motivated (a VIP and a New one); under two years of history leave no
    # year-long fold, so BG/NBD is tried and found not identifiable on two clients.
    assert (run.model, run.clients) == ("historic_rate", 2)
    page = client.get(reverse("audit:overview"))
    rows = page.context["backtest"]
    assert [(row["label"], row["reason"]) for row in rows] == [
        ("BG/NBD", "not scored: the history is shorter than two years"),
        ("Pareto/NBD", "not scored: the history is shorter than two years"),
        ("The client's historic rate", "not scored: the history is shorter than two years"),
        ("Last year's same period", "not scored: the history is shorter than two years"),
    ]
    assert "As of " in page.content.decode()
    assert "The client&#x27;s historic rate, for 2 motivated clients." in page.content.decode()


def test_a_manager_cannot_refresh_the_forecast(client, manager_anna):
    client.force_login(manager_anna)

    assert client.post(reverse("audit:forecast_refresh")).status_code == 403
    assert not ForecastRun.objects.exists()


def test_the_overview_names_the_segments_with_their_own_season(client, head_of_sales):
    ForecastRun.objects.create(
        as_of=dt.date(2026, 6, 30),
        status=RunStatus.SUCCEEDED,
        model="pnbd",
        seasonal=True,
        seasonal_segments=["Розница", "Стройка"],
    )
    client.force_login(head_of_sales)

    page = client.get(reverse("audit:overview")).content.decode()

    assert (
        "Months follow the season: the company's, and their own for the segments "
        "Розница, Стройка." in page
    )


def test_a_model_whose_fit_failed_is_explained_in_words_with_the_detail_beside(
    client, head_of_sales
):
    ForecastRun.objects.create(
        as_of=dt.date(2026, 6, 30),
        status=RunStatus.SUCCEEDED,
        model="historic_rate",
        backtest={
            "pnbd": {"folds": 0, "mae_transactions": None, "mae_spend": None, "eligible": False,
                     "reason": "fold 2025-06-30–2026-06-30: the fit ran to the boundary"},
            "historic_rate": {"folds": 1, "mae_transactions": 1.5, "mae_spend": 2500.0,
                              "eligible": True, "reason": "scored"},
        },
    )  # fmt: skip
    client.force_login(head_of_sales)

    page = client.get(reverse("audit:overview"))

    assert [(row["label"], row["reason"]) for row in page.context["backtest"]] == [
        ("Pareto/NBD", "not used: its fit cannot be trusted on this history"),
        ("The client's historic rate", ""),
    ]
    assert (
        'title="fold 2025-06-30–2026-06-30: the fit ran to the boundary">not used: its fit '
        "cannot be trusted on this history</td>" in page.content.decode()
    )
