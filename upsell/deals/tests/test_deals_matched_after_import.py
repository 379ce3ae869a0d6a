"""An orders file links the deals its orders fulfil, as soon as it is imported."""

import datetime as dt
from decimal import Decimal

import pytest

from upsell.clients.models import ClientStatus
from upsell.clients.tests.factories import ClientFactory
from upsell.deals.models import DealStage, LinkState
from upsell.deals.services.deals import deal_open
from upsell.imports.models import ImportStatus
from upsell.imports.services import import_path
from upsell.imports.tests.files import csv_write
from upsell.products.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

HEADER = ("Номер заявки", "Дата", "Контрагент", "ИНН", "Артикул", "Количество", "Цена")


def test_an_imported_order_is_matched_to_the_deal_it_fulfils(
    tmp_path, manager_boris, head_of_sales
):
    client = ClientFactory.create(
        name='ООО "Постоянный"', tax_id="7728168971", manager=manager_boris,
        status=ClientStatus.REGULAR,
    )  # fmt: skip
    ProductFactory.create(sku="КР-001", name="Болт", group="Крепёж")
    deal = deal_open(
        client=client, month=dt.date(2026, 3, 1), amount=Decimal("10000.00"), by=manager_boris
    )
    path = csv_write(
        tmp_path / "orders.csv",
        [HEADER, ("З-7", "15.03.2026", 'ООО "Постоянный"', "7728168971", "КР-001", "4", "2450")],
    )

    run = import_path(path=path, imported_by=head_of_sales)

    assert run.status == ImportStatus.SUCCEEDED
    deal.refresh_from_db()
    assert deal.request is not None
    assert (deal.request.number, deal.request.amount, deal.request_link, deal.stage) == (
        "З-7",
        Decimal("9800.00"),
        LinkState.MATCHED,
        DealStage.ORDER,
    )
