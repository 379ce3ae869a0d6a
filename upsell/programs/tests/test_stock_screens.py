"""Guaranteed stock on the screens: a member's sentence of this month's take against what is
kept, the products and months on the program's page, and the form that sets them."""

import datetime as dt
import html
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from upsell.products.models import Product
from upsell.programs.models import (
    Membership,
    MembershipProgress,
    Program,
    ProgramKind,
    StockCommitment,
    StockMonth,
)
from upsell.programs.presenters import progress_sentence
from upsell.programs.services.memberships import (
    StockLine,
    membership_stock_set,
    memberships_enrol,
)
from upsell.programs.tests.factories import credit_line_terms, program_running

pytestmark = pytest.mark.django_db
JOINED = dt.date(2026, 1, 10)
AS_OF = dt.date(2026, 3, 2)
FEBRUARY, MARCH = dt.date(2026, 2, 1), dt.date(2026, 3, 1)


@pytest.fixture
def stock_program(top_manager) -> Program:
    return program_running(
        terms=credit_line_terms(
            name="Гарантированный запас", kind=ProgramKind.GUARANTEED_STOCK, credit_limit=None,
            payment_delay_days=None,
        ),
        by=top_manager,
    )  # fmt: skip


@pytest.fixture
def products() -> tuple[Product, Product]:
    return (
        Product.objects.create(sku="M8", name="Болт М8"),
        Product.objects.create(sku="M10", name="Болт М10"),
    )


@pytest.fixture
def stocked(stock_program, boris_client, head_of_sales, products) -> Membership:
    """Boris's client keeps 60 bolts M8 and 40 M10 a month; it took 95 of 100 in February and
    40 so far in March, as the night measured on 2 March."""
    memberships_enrol(
        program=stock_program, client_ids=[boris_client.pk], by=head_of_sales, today=JOINED
    )
    membership = Membership.objects.get(program=stock_program)
    membership_stock_set(
        membership=membership,
        lines=[
            StockLine(sku="M8", monthly_quantity=Decimal(60)),
            StockLine(sku="M10", monthly_quantity=Decimal(40)),
        ],
    )
    m8, m10 = products
    for product, month, committed, consumed in (
        (m8, FEBRUARY, 60, 60), (m10, FEBRUARY, 40, 35),
        (m8, MARCH, 60, 25), (m10, MARCH, 40, 15),
    ):  # fmt: skip
        StockMonth.objects.create(
            membership=membership, product=product, month=month,
            committed=Decimal(committed), consumed=Decimal(consumed),
        )  # fmt: skip
    MembershipProgress.objects.create(
        membership=membership, as_of=AS_OF, purchased=Decimal("18000.00"), accrued=Decimal(0),
        expected_end=Decimal(0),
    )  # fmt: skip
    return membership


def _fresh(membership: Membership) -> Membership:
    return Membership.objects.select_related("program", "progress").get(pk=membership.pk)


def test_a_member_reads_this_month_s_take_against_what_is_kept_and_last_month_s(stocked):
    assert progress_sentence(_fresh(stocked)) == (
        "This month 40 of 100 kept taken; last month 95 of 100."
    )


def test_the_first_month_has_no_last_month_and_no_products_have_nothing_to_say(
    stocked, stock_program, annas_client, head_of_sales
):
    StockMonth.objects.filter(month=FEBRUARY).delete()
    memberships_enrol(
        program=stock_program, client_ids=[annas_client.pk], by=head_of_sales, today=JOINED
    )
    bare = stock_program.memberships.get(client=annas_client)
    MembershipProgress.objects.create(
        membership=bare, as_of=AS_OF, purchased=Decimal(0), accrued=Decimal(0),
        expected_end=Decimal(0),
    )  # fmt: skip

    assert progress_sentence(_fresh(stocked)) == "This month 40 of 100 kept taken."
    assert progress_sentence(_fresh(bare)) == "No products kept yet."


def test_once_the_period_is_over_its_last_month_is_this_month(stocked, stock_program):
    Program.objects.filter(pk=stock_program.pk).update(period_end=dt.date(2026, 2, 28))
    MembershipProgress.objects.filter(membership=stocked).update(as_of=dt.date(2026, 4, 1))

    assert progress_sentence(_fresh(stocked)) == "This month 95 of 100 kept taken."


def _stock_rows(page: str) -> list[list[str]]:
    panel = page.split('id="stock"', 1)[1].split("</section>", 1)[0]
    return [
        [html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells]
        for row in re.findall(r"<tr>(.*?)</tr>", panel, flags=re.S)
        if (cells := re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S))
    ]


def test_the_program_page_shows_each_member_s_products_and_the_last_months(
    client, stocked, stock_program, head_of_sales, manager_boris
):
    client.force_login(head_of_sales)
    page = client.get(reverse("programs:detail", args=[stock_program.pk])).content.decode()

    assert _stock_rows(page) == [
        ["Client", "Product", "Kept a month", "Jan 2026", "Feb 2026", "Mar 2026", "Set"],
        ['ООО "Бета"', "M10 · Болт М10", "40", "—", "35 / 40", "15 / 40", "Set products"],
        ["M8 · Болт М8", "60", "—", "60 / 60", "25 / 60"],
    ]
    client.force_login(manager_boris)
    page = client.get(reverse("programs:detail", args=[stock_program.pk])).content.decode()
    assert _stock_rows(page)[0] == [
        "Client", "Product", "Kept a month", "Jan 2026", "Feb 2026", "Mar 2026"
    ]  # fmt: skip
    assert "Set products" not in page


def _posted(rows: list[tuple[str, str]], *, initial: int) -> dict[str, str]:
    form = {
        "stock-TOTAL_FORMS": str(len(rows)),
        "stock-INITIAL_FORMS": str(initial),
        "stock-MIN_NUM_FORMS": "0",
        "stock-MAX_NUM_FORMS": "50",
    }
    for number, (sku, quantity) in enumerate(rows):
        form[f"stock-{number}-sku"] = sku
        form[f"stock-{number}-monthly_quantity"] = quantity
    return form


def _kept(membership: Membership) -> list[tuple[str, Decimal]]:
    return list(
        StockCommitment.objects.filter(membership=membership)
        .order_by("product__sku")
        .values_list("product__sku", "monthly_quantity")
    )


def test_the_head_of_sales_sets_a_member_s_products_in_place_of_the_old_ones(
    client, stocked, head_of_sales
):
    url = reverse("programs:membership_stock", args=[stocked.pk])
    client.force_login(head_of_sales)

    form = client.get(url).content.decode()
    response = client.post(url, _posted([("M8", "75.5"), ("", ""), ("", "")], initial=2))

    assert re.findall(r'name="stock-\d-sku"[^>]*value="([^"]*)"', form) == ["M10", "M8"]
    assert response.status_code == 302
    assert response["Location"] == reverse("programs:detail", args=[stocked.program_id])
    assert _kept(stocked) == [("M8", Decimal("75.500"))]


def test_bad_rows_show_their_errors_and_keep_what_was_kept(client, stocked, top_manager):
    url = reverse("programs:membership_stock", args=[stocked.pk])
    client.force_login(top_manager)
    before = _kept(stocked)

    typed = client.post(url, _posted([("M8", ""), ("", "5"), ("M10", "-1")], initial=2))
    unknown = client.post(url, _posted([("M8", "10"), ("Ш8", "5"), ("M8", "1")], initial=0))

    assert typed.status_code == 200
    assert [
        (number, field, list(errors))
        for number, line in enumerate(typed.context["lines"])
        for field, errors in line.errors.items()
    ] == [
        (0, "monthly_quantity", ["Give the quantity kept each month."]),
        (1, "sku", ["Give the product's SKU."]),
        (2, "monthly_quantity", ["Ensure this value is greater than or equal to 0.001."]),
    ]
    assert unknown.status_code == 200
    assert unknown.context["problems"] == [
        "Line 2: no product with the code Ш8.",
        "Line 3: the product M8 is named twice.",
    ]
    assert 'id="stock-errors"' in unknown.content.decode()
    assert _kept(stocked) == before


def test_only_top_management_and_the_head_of_sales_set_stock_and_only_a_member_s(
    client, stocked, manager_boris, manager_anna, head_of_sales, top_manager
):
    url = reverse("programs:membership_stock", args=[stocked.pk])
    before = _kept(stocked)
    credit = program_running(terms=credit_line_terms(), by=top_manager)
    memberships_enrol(
        program=credit, client_ids=[stocked.client_id], by=head_of_sales, today=JOINED
    )

    client.force_login(manager_boris)
    assert client.get(url).status_code == 403
    assert client.post(url, _posted([("M8", "1")], initial=0)).status_code == 403
    client.force_login(manager_anna)
    assert client.get(url).status_code == 404
    client.force_login(head_of_sales)
    credit_url = reverse("programs:membership_stock", args=[credit.memberships.get().pk])
    assert client.get(credit_url).status_code == 404
    assert _kept(stocked) == before
