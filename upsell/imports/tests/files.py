"""Writing real import files, and counting every table an import may touch."""

from collections.abc import Sequence
from pathlib import Path

import openpyxl

from upsell.accounts.models import Team, User
from upsell.clients.models import Client, ClientAssignmentChange, ClientBudgetMonth, Contact
from upsell.payments.models import Payment
from upsell.products.models import Product
from upsell.requests.models import OrderRequest, OrderRequestLine
from upsell.shipments.models import Shipment, ShipmentLine

Cell = str | int | float | None


def csv_write(
    path: Path,
    rows: Sequence[Sequence[str]],
    *,
    encoding: str = "utf-8",
    delimiter: str = ";",
    newline: str = "\n",
) -> Path:
    """A CSV as a person or a program writes one by hand: cells quoted only when they must be."""

    def cell(text: str) -> str:
        if any(char in text for char in (delimiter, '"', "\n")):
            return '"' + text.replace('"', '""') + '"'
        return text

    text = "".join(delimiter.join(cell(c) for c in row) + newline for row in rows)
    path.write_bytes(text.encode(encoding))
    return path


def xlsx_write(path: Path, rows: Sequence[Sequence[Cell | object]]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path


def table_counts() -> dict[str, int]:
    """Rows in every table an import writes to."""
    return {
        "users": User.objects.count(),
        "teams": Team.objects.count(),
        "clients": Client.objects.count(),
        "assignment_changes": ClientAssignmentChange.objects.count(),
        "products": Product.objects.count(),
        "shipments": Shipment.objects.count(),
        "shipment_lines": ShipmentLine.objects.count(),
        "payments": Payment.objects.count(),
        "requests": OrderRequest.objects.count(),
        "request_lines": OrderRequestLine.objects.count(),
        "budget_months": ClientBudgetMonth.objects.count(),
        "contacts": Contact.objects.count(),
    }
