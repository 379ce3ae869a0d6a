"""The audit screen's downloads: the overview's tables as a workbook, and every client's status
as the ``export statuses`` command writes it. Read back cell by cell."""

import datetime as dt
import io
from decimal import Decimal

import polars as pl
import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from upsell.clients.models import Client
from upsell.clients.services import client_status_months_replace
from upsell.reporting.exports import STATUS_EXPORT_HEADER
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
    Client.objects.filter(pk=boris_client.pk).update(
        plans_budget=True, annual_budget=Decimal("1000.00"), budget_year=2026
    )
    return audit_run_execute(
        run=audit_run_create(as_of=AS_OF, engine="duckdb", started_by=None, enqueue=False)
    )


def _download(user, url: str, params: dict[str, str] | None = None):
    http = HttpClient()
    http.force_login(user)
    response = http.get(url, params or {}, headers={"accept-language": "en"})
    assert response.status_code == 200, response.status_code
    content = response.getvalue()
    assert int(response["Content-Length"]) == len(content)
    return response, load_workbook(io.BytesIO(content))


def _rows(sheet) -> list[tuple[object, ...]]:
    return list(sheet.iter_rows(values_only=True))


def test_the_overview_tables_download_as_a_workbook(head_of_sales, audited):
    response, workbook = _download(head_of_sales, reverse("audit:export"))

    today = timezone.localdate()
    assert response["Content-Disposition"] == f'attachment; filename="audit-{today}.xlsx"'
    assert workbook.sheetnames == ["By status", "ABC-XYZ", "Status migration", "Budgets"]
    assert _rows(workbook["By status"]) == [
        ("Status", "Clients", "Revenue over 365 days", "Share of revenue, %"),
        ("New", 1, 50, 1.4),
        ("One-time", 0, 0, 0),
        ("Irregular", 0, 0, 0),
        ("Regular", 0, 0, 0),
        ("VIP", 1, 3500, 98.6),
        ("Partner", 0, 0, 0),
        ("Reanimated", 0, 0, 0),
        ("Lapsing", 0, 0, 0),
        ("Lost", 0, 0, 0),
        ("Total", 2, 3550, None),
    ]
    assert workbook["By status"]["C6"].number_format == "#,##0.00"
    assert workbook["By status"]["D6"].number_format == "0.0"
    assert _rows(workbook["ABC-XYZ"]) == [
        (
            "ABC", "X, clients", "X, revenue over 365 days", "Y, clients",
            "Y, revenue over 365 days", "Z, clients", "Z, revenue over 365 days",
        ),
        ("A", 0, 0, 0, 0, 1, 3500),
        ("B", 0, 0, 0, 0, 0, 0),
        ("C", 0, 0, 0, 0, 0, 0),
    ]  # fmt: skip
    assert _rows(workbook["Budgets"]) == [
        (
            "Client", "Tax id", "Manager", "Budget", "Bought from us", "Share of wallet, %",
            "To competitors",
        ),
        ('ООО "Бета"', Client.objects.get(name='ООО "Бета"').tax_id, "Петров Борис", 1000, 50,
         5, 950),
    ]  # fmt: skip


def test_the_migration_sheet_compares_the_months_the_page_showed(
    head_of_sales, annas_client, boris_client
):
    history = pl.DataFrame(
        [
            (annas_client.pk, dt.date(2025, 6, 1), "regular", "rule", "1000.00"),
            (annas_client.pk, dt.date(2026, 5, 1), "vip", "rule", "3000.00"),
            (annas_client.pk, dt.date(2026, 6, 1), "vip", "rule", "3500.00"),
            (boris_client.pk, dt.date(2026, 6, 1), "new", "rule", "50.00"),
        ],
        schema={"client_id": pl.Int64, "month": pl.Date, "status": pl.String,
                "status_rule": pl.String, "revenue_365": pl.String},
        orient="row",
    )  # fmt: skip
    client_status_months_replace(history=history)

    _response, workbook = _download(
        head_of_sales,
        reverse("audit:export"),
        {"month_from": "2025-06-01", "month_to": "2026-06-01"},
    )

    assert _rows(workbook["Status migration"]) == [
        (
            "From the end of 06.2025", "To the end of 06.2026", "Clients",
            "Revenue over 365 days at the first month",
            "Revenue over 365 days at the second month",
        ),
        ("No status", "New", 1, 0, 50),
        ("Regular", "VIP", 1, 1000, 3500),
    ]  # fmt: skip


def test_the_status_export_downloads_from_the_audit_screen(head_of_sales, audited):
    response, workbook = _download(head_of_sales, reverse("audit:statuses_export"))

    today = timezone.localdate()
    assert response["Content-Disposition"] == f'attachment; filename="statuses-{today}.xlsx"'
    rows = _rows(workbook["statuses"])
    assert rows[0] == STATUS_EXPORT_HEADER
    assert [row[1:5] for row in rows[1:]] == [
        (
            'ООО "Альфа"',
            "vip",
            "vip",
            "VIP: 5 orders in 365 days, class A with 98.6 % of revenue, typical interval 41 "
            "days, last order 12 days ago",
        ),
        ('ООО "Бета"', "new", "new", "New: first order 30 days ago, 1 order so far"),
    ]


@pytest.mark.parametrize("url", ["audit:export", "audit:statuses_export"])
@pytest.mark.parametrize("persona", ["manager_anna", "assistant_vera", "admin_adam"])
def test_the_audit_downloads_are_not_for_managers_assistants_or_admins(
    client, persona, url, request, audited
):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(reverse(url))

    assert response.status_code == 403
    assert "Content-Disposition" not in response


def test_top_management_downloads_the_statuses_too(top_manager, audited):
    _response, workbook = _download(top_manager, reverse("audit:statuses_export"))

    assert len(_rows(workbook["statuses"])) == 3
