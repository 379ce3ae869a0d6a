import csv
import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from upsell.accounts.models import Role
from upsell.accounts.tests.factories import UserFactory
from upsell.clients.models import Client
from upsell.clients.services import client_status_override_set
from upsell.clients.tests.factories import ClientFactory
from upsell.reporting.exports import STATUS_EXPORT_HEADER
from upsell.reporting.services import audit_run_create, audit_run_execute
from upsell.shipments.tests.factories import shipment_with_line

AS_OF = dt.date(2026, 6, 15)


def _audited_company(head_of_sales):
    regular = ClientFactory.create(name="Альфа", tax_id="7707083893")
    for days in (12, 53, 94, 135, 176):
        shipment_with_line(
            client=regular, date=AS_OF - dt.timedelta(days=days), amount=Decimal("500.00")
        )
    key = ClientFactory.create(name="Бета", tax_id="7830002293")
    for days in (5, 40, 80, 120):
        shipment_with_line(
            client=key, date=AS_OF - dt.timedelta(days=days), amount=Decimal("90000.00")
        )
    audit_run_execute(
        run=audit_run_create(as_of=AS_OF, engine="duckdb", started_by=None, enqueue=False)
    )
    client_status_override_set(
        client=key, status="partner", reason="Dealer agreement signed", expires_on=None,
        set_by=head_of_sales, today=AS_OF,
    )  # fmt: skip


def test_export_writes_status_override_and_reason_to_csv(head_of_sales, tmp_path):
    _audited_company(head_of_sales)
    out = tmp_path / "statuses.csv"

    call_command("export", "statuses", "--out", str(out), "--language", "en")

    with out.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    assert list(rows[0]) == list(STATUS_EXPORT_HEADER)
    assert [
        (r["tax_id"], r["client"], r["status"], r["computed_status"], r["reason"]) for r in rows
    ] == [
        (
            "7707083893",
            "Альфа",
            "regular",
            "regular",
            "Regular: 5 orders in 365 days, typical interval 41 days, last order 12 days ago",
        ),
        (
            "7830002293",
            "Бета",
            "partner",
            "vip",
            "VIP: 4 orders in 365 days, class A with 99.3 % of revenue, typical interval 40 days, "
            "last order 5 days ago",
        ),
    ]
    assert rows[0]["orders_365"] == "5"
    assert rows[0]["revenue_365"] == "2500.00"


def test_export_writes_xlsx_in_russian(head_of_sales, tmp_path):
    _audited_company(head_of_sales)
    out = tmp_path / "statuses.xlsx"

    call_command("export", "statuses", "--out", str(out), "--language", "ru")

    sheet = load_workbook(out, read_only=True)["statuses"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == STATUS_EXPORT_HEADER[:6]
    assert [row[:4] for row in rows[1:]] == [
        ("7707083893", "Альфа", "regular", "regular"),
        ("7830002293", "Бета", "partner", "vip"),
    ]


def _tax_ids(path):
    with path.open(encoding="utf-8-sig", newline="") as file:
        return [row["tax_id"] for row in csv.DictReader(file)]


def test_the_export_reads_as_the_first_active_head_of_sales_by_default(
    head_of_sales, tmp_path, capsys
):
    UserFactory.create(username="hanna", role=Role.HEAD_OF_SALES)
    UserFactory.create(username="ex_head", role=Role.HEAD_OF_SALES, is_active=False)
    _audited_company(head_of_sales)
    out = tmp_path / "statuses.csv"

    call_command("export", "statuses", "--out", str(out))

    assert _tax_ids(out) == ["7707083893", "7830002293"]
    assert capsys.readouterr().out == f"2 clients written to {out} as helen\n"


def test_a_manager_exports_its_own_clients_only(
    head_of_sales, manager_anna, manager_boris, tmp_path
):
    _audited_company(head_of_sales)
    Client.objects.filter(tax_id="7707083893").update(manager=manager_anna)
    Client.objects.filter(tax_id="7830002293").update(manager=manager_boris)
    out = tmp_path / "statuses.csv"

    call_command("export", "statuses", "--out", str(out), "--as", "anna")

    assert _tax_ids(out) == ["7707083893"]


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("nobody", "No user has the login nobody."),
        ("adam", "adam (Administrator) may not see clients' statuses."),
        ("olga", "olga (inactive) may not see clients' statuses."),
    ],
)
def test_the_export_refuses_whoever_may_not_read_sales(
    head_of_sales, admin_adam, tmp_path, username, message
):
    UserFactory.create(username="olga", role=Role.HEAD_OF_SALES, is_active=False)
    out = tmp_path / "statuses.csv"

    with pytest.raises(CommandError) as refused:
        call_command("export", "statuses", "--out", str(out), "--as", username)

    assert str(refused.value) == message
    assert not out.exists()


def test_without_an_active_head_of_sales_the_export_asks_whom_to_read_as(db, tmp_path):
    UserFactory.create(username="olga", role=Role.HEAD_OF_SALES, is_active=False)
    out = tmp_path / "statuses.csv"

    with pytest.raises(CommandError) as refused:
        call_command("export", "statuses", "--out", str(out))

    assert str(refused.value) == (
        "No active head of sales to export as: name a user with --as USERNAME."
    )
    assert not out.exists()
