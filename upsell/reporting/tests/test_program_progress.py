"""Each night every member's progress is measured from the database and stored for the pages:
the distance to the next tier to the kopeck, the credit a client has left, the stock it took."""

import datetime as dt
from decimal import Decimal

import pytest

from upsell.clients.tests.factories import ClientFactory
from upsell.forecasts.models import ForecastCell
from upsell.payments.models import Payment
from upsell.products.models import Product
from upsell.programs.models import (
    Membership,
    MembershipProgress,
    ProgramKind,
    StockCommitment,
    StockMonth,
)
from upsell.programs.selectors import client_credit_standing
from upsell.programs.services.memberships import membership_credit_set, memberships_enrol
from upsell.programs.tests.factories import credit_line_terms, program_running, retro_bonus_terms
from upsell.reporting.programs import programs_progress_measure
from upsell.shipments.models import Shipment, ShipmentLine

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 3, 10)


def shipped(client, day, total, *, product=None, quantity=None):
    shipment = Shipment.objects.create(
        number=f"{client.pk}-{day:%m%d}-{total}", date=day, client=client, total=Decimal(total),
        line_count=1, content_hash="",
    )  # fmt: skip
    if product is not None:
        ShipmentLine.objects.create(
            shipment=shipment, line_no=1, product=product, quantity=Decimal(quantity),
            price=Decimal(total) / Decimal(quantity), amount=Decimal(total),
        )  # fmt: skip
    return shipment


def enrolled(program, client, head_of_sales):
    memberships_enrol(
        program=program, client_ids=[client.pk], by=head_of_sales, today=dt.date(2026, 1, 2)
    )
    return Membership.objects.get(program=program, client=client)


def test_a_retro_bonus_member_s_distance_to_the_next_tier_to_the_kopeck(
    manager_anna, top_manager, head_of_sales
):
    client = ClientFactory.create(name="Альфа", manager=manager_anna)
    membership = enrolled(
        program_running(terms=retro_bonus_terms(), by=top_manager), client, head_of_sales
    )
    shipped(client, dt.date(2025, 12, 20), "500000.00")  # before the period: not counted
    shipped(client, dt.date(2026, 1, 15), "1400000.00")
    shipped(client, dt.date(2026, 2, 15), "1479999.99")
    shipped(client, dt.date(2026, 3, 5), "0.01")
    ForecastCell.objects.create(
        client=client, month=dt.date(2026, 3, 1), amount=Decimal("100000.00"), confidence="probable"
    )

    assert programs_progress_measure(as_of=AS_OF) == (1, 0)

    progress = MembershipProgress.objects.get(membership=membership)
    assert (
        progress.as_of, progress.purchased, progress.tier_rate, progress.next_threshold,
        progress.missing, progress.accrued, progress.expected_end, progress.within_reach,
    ) == (
        AS_OF, Decimal("2880000.00"), Decimal("2.00"), Decimal("3000000.00"),
        Decimal("120000.00"), Decimal("57600.00"), Decimal("2979999.99"), True,
    )  # fmt: skip


def test_a_credit_line_member_s_exposure_and_a_stock_member_s_month(
    manager_anna, top_manager, head_of_sales
):
    client = ClientFactory.create(name="Альфа", manager=manager_anna)
    credit = enrolled(
        program_running(terms=credit_line_terms(), by=top_manager), client, head_of_sales
    )
    membership_credit_set(
        membership=credit, credit_limit=Decimal("200000.00"), payment_delay_days=20
    )
    bolts = Product.objects.create(sku="M8", name="Болт М8")
    stock = enrolled(
        program_running(
            terms=credit_line_terms(
                name="Запас болтов", kind=ProgramKind.GUARANTEED_STOCK, credit_limit=None,
                payment_delay_days=None, period_start=dt.date(2026, 2, 1),
            ),
            by=top_manager,
        ),
        client,
        head_of_sales,
    )  # fmt: skip
    StockCommitment.objects.create(membership=stock, product=bolts, monthly_quantity=Decimal(100))
    shipped(client, dt.date(2026, 2, 3), "150000.00", product=bolts, quantity="60")
    shipped(client, dt.date(2026, 3, 2), "90000.00", product=bolts, quantity="30")
    Payment.objects.create(
        client=client, date=dt.date(2026, 2, 20), amount=Decimal("150000.00"), natural_key="p"
    )

    assert programs_progress_measure(as_of=AS_OF) == (2, 2)

    progress = MembershipProgress.objects.get(membership=credit)
    assert (progress.exposure, progress.available, progress.oldest_unpaid, progress.past_delay) == (
        Decimal("90000.00"), Decimal("110000.00"), dt.date(2026, 3, 2), False,
    )  # fmt: skip
    # The live standing that routes a request reads the same figures as the night.
    standing = client_credit_standing(client=client, day=AS_OF)
    assert standing is not None
    assert (
        standing.exposure,
        standing.available,
        standing.oldest_unpaid,
        standing.past_delay(AS_OF),
    ) == (progress.exposure, progress.available, progress.oldest_unpaid, progress.past_delay)
    assert list(
        StockMonth.objects.order_by("month").values_list("month", "committed", "consumed")
    ) == [
        (dt.date(2026, 2, 1), Decimal("100.000"), Decimal("60.000")),
        (dt.date(2026, 3, 1), Decimal("100.000"), Decimal("30.000")),
    ]


def test_measuring_twice_keeps_one_row_per_member(manager_anna, top_manager, head_of_sales):
    client = ClientFactory.create(name="Альфа", manager=manager_anna)
    enrolled(program_running(terms=retro_bonus_terms(), by=top_manager), client, head_of_sales)
    programs_progress_measure(as_of=AS_OF)
    programs_progress_measure(as_of=AS_OF)
    assert MembershipProgress.objects.count() == 1


def test_the_command_measures_the_programs_at_once(
    manager_anna, top_manager, head_of_sales, capsys
):
    from django.core.management import call_command

    client = ClientFactory.create(name="Альфа", manager=manager_anna)
    enrolled(program_running(terms=retro_bonus_terms(), by=top_manager), client, head_of_sales)

    call_command("programs_measure", "--as-of", "2026-03-10")

    assert capsys.readouterr().out == (
        "Sales programs: 1 members measured, 0 stock months, 0 effects\n"
    )
