"""The demo company's files, exactly as written, import whole — and once only."""

import datetime
import io
from pathlib import Path

from django.core.management import call_command

from upsell.accounts.models import User
from upsell.clients.models import Client, Contact
from upsell.demo import generate
from upsell.imports.models import ImportRun, ImportStatus
from upsell.payments.models import Payment
from upsell.products.models import Product
from upsell.shipments.models import Shipment, ShipmentLine


def test_the_demo_company_imports_whole_and_again_changes_nothing(db: None, tmp_path: Path) -> None:
    # Given a small demo company's files
    summary = generate(tmp_path, clients=60, seed=7, today=datetime.date(2026, 6, 30))
    paths = [str(path) for path in reversed(summary.files.in_import_order())]

    # When they are imported, in any order, and then imported again
    call_command("import", *paths, stdout=io.StringIO(), stderr=io.StringIO())
    first = list(ImportRun.objects.order_by("pk").values_list("kind", "status"))
    call_command("import", *paths, stdout=io.StringIO(), stderr=io.StringIO())

    # Then every file succeeded, in dependency order, and holds what the generator wrote
    assert first == [
        ("staff", ImportStatus.SUCCEEDED),
        ("products", ImportStatus.SUCCEEDED),
        ("clients", ImportStatus.SUCCEEDED),
        ("shipments", ImportStatus.SUCCEEDED),
        ("payments", ImportStatus.SUCCEEDED),
        ("contacts", ImportStatus.SUCCEEDED),
    ]
    assert (
        User.objects.count(),
        Product.objects.count(),
        Client.objects.count(),
        Shipment.objects.count(),
        ShipmentLine.objects.count(),
        Payment.objects.count(),
        Contact.objects.count(),
    ) == (
        summary.staff,
        summary.products,
        summary.clients,
        summary.documents + summary.returns,
        summary.lines,
        summary.payments,
        summary.contacts,
    )
    # and the second time round nothing was created or updated
    for counts in ImportRun.objects.order_by("pk")[6:].values_list("counts", flat=True):
        assert all(entry["created"] == entry["updated"] == 0 for entry in counts.values())
