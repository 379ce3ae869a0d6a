"""The client list's export is a clients file: imported back through the import, it finds every
client as it is and changes nothing."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest

from upsell.clients.models import Client, ClientAssignmentChange, ClientAudit, ClientStatus
from upsell.clients.tests.factories import ClientFactory, tax_id_with_checksum
from upsell.history.models import Change
from upsell.imports.models import ImportStatus
from upsell.imports.services import import_path

FIELDS = (
    "name", "tax_id", "region", "segment", "manager_id", "assistant_id", "is_partner",
    "plans_budget", "annual_budget", "budget_year", "status",
)  # fmt: skip


@pytest.fixture
def clients(manager_anna, manager_boris, assistant_vera, today):
    """Clients of two managers, one served by an assistant, one without a tax id, one without a
    manager, one with a budget, one audited, one named like a formula."""
    gamma = ClientFactory.create(
        name='ООО "Гамма"', tax_id=tax_id_with_checksum("770708389"),
        region="Москва", segment="Опт",
        manager=manager_anna, assistant=assistant_vera, plans_budget=True,
        annual_budget=Decimal("1234567.89"), budget_year=2026, status=ClientStatus.VIP,
    )  # fmt: skip
    ClientAudit.objects.create(
        client=gamma, as_of=today, computed_status=ClientStatus.VIP, status_rule="vip",
        perspective=82, last_order_date=today - dt.timedelta(days=7),
    )  # fmt: skip
    ClientFactory.create(name='ИП "Вектор"', tax_id="", region="", segment="", manager=manager_anna,
                         is_partner=True)  # fmt: skip
    ClientFactory.create(
        name='АО "Торговый дом"', tax_id=tax_id_with_checksum("500100001"), manager=manager_boris
    )
    ClientFactory.create(name='ООО "Ничей"', tax_id=tax_id_with_checksum("780200006"), manager=None)
    # A name a spreadsheet would run: written as text, and read back as the name it is.
    ClientFactory.create(
        name='=HYPERLINK("http://x","y")',
        tax_id=tax_id_with_checksum("503300003"),
        manager=manager_boris,
    )
    return list(Client.objects.order_by("pk").values_list(*FIELDS))


@pytest.mark.parametrize("language", ["ru", "en"])
@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_the_export_imports_back_as_a_clients_file_that_changes_nothing(
    client, head_of_sales, admin_adam, clients, tmp_path, language, file_format
):
    client.force_login(head_of_sales)
    response = client.get(f"/clients/export.{file_format}", headers={"Accept-Language": language})
    path = tmp_path / f"clients.{file_format}"
    path.write_bytes(b"".join(response.streaming_content))
    changes_before = Change.objects.count()

    run = import_path(path=path, imported_by=admin_adam)

    assert (run.kind, run.status, run.errors) == ("clients", ImportStatus.SUCCEEDED, [])
    assert list(Client.objects.order_by("pk").values_list(*FIELDS)) == clients
    assert run.counts == {"clients": {"created": 0, "updated": 0, "unchanged": 5}}
    assert list(Client.objects.order_by("pk").values_list(*FIELDS)) == clients
    assert ClientAssignmentChange.objects.filter(rule="import").count() == 0
    assert Change.objects.count() == changes_before


def test_the_export_follows_the_lists_filters(client, head_of_sales, clients):
    client.force_login(head_of_sales)

    response = client.get("/clients/export.csv", {"manager": "", "q": "Гамма"})

    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert [row[0] for row in csv.reader(io.StringIO(body), delimiter=";")] == [
        "client",
        'ООО "Гамма"',
    ]
