"""Sales programs in a real browser, one persona's flow per test, at a desktop's and a phone's
width: top management designs and activates a retro-bonus, the head of sales enrols clients
holding out a control group, a manager sees its client's program on the card and proposes
another client."""

from decimal import Decimal

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from upsell.core.months import month_add, month_end
from upsell.programs.models import (
    Membership,
    MembershipGroup,
    MembershipProgress,
    MembershipState,
    Program,
    ProgramKind,
    ProgramState,
)
from upsell.programs.services.memberships import memberships_enrol
from upsell.programs.tests.factories import program_running, retro_bonus_terms
from upsell.tests.browser.conftest import VIEWPORT, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = ViewportSize(width=390, height=844)


def both_widths(page: Page, name: str, *, shown: str | None = None) -> None:
    """The page at both widths: all of it, or the screen around the element ``shown``."""
    for viewport, suffix in ((VIEWPORT, ""), (PHONE, "-phone")):
        page.set_viewport_size(viewport)
        if shown is not None:
            page.locator(shown).scroll_into_view_if_needed()
        screenshot(page, f"{name}{suffix}", full_page=shown is None)
    page.set_viewport_size(VIEWPORT)


def quarter_of(today):
    first = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
    return first, month_end(month_add(first, 2))


def running_quarter(company, today, **terms):
    start, end = quarter_of(today)
    return program_running(
        terms=retro_bonus_terms(period_start=start, period_end=end, **terms),
        by=company["people"]["tom"],
    )


def test_top_management_creates_a_retro_bonus_with_two_tiers_and_activates_it(
    page, live_server, company, page_errors, today
):
    log_in(page, live_server, "tom")
    page.click("nav.nav a[href='/programs/']")
    page.click("a[href='/programs/new/']")

    page.fill("#id_name", "Ретро-бонус за квартал")
    page.select_option("#id_kind", ProgramKind.CREDIT_LINE)
    expect(page.locator("#credit")).to_be_visible()
    expect(page.locator("#tiers")).to_be_hidden()
    page.select_option("#id_kind", ProgramKind.RETRO_BONUS)
    expect(page.locator("#tiers")).to_be_visible()
    expect(page.locator("#credit")).to_be_hidden()
    page.fill("#id_period_start", today.isoformat())
    page.click("button[name=period_quick][value=quarter]")
    start, end = quarter_of(today)
    expect(page.locator("#id_period_start")).to_have_value(start.isoformat())
    expect(page.locator("#id_period_end")).to_have_value(end.isoformat())
    expect(page.locator("#id_name")).to_have_value("Ретро-бонус за квартал")
    page.fill("#id_tiers-0-threshold", "1000000")
    page.fill("#id_tiers-0-rate", "2")
    page.fill("#id_tiers-1-threshold", "3000000")
    page.fill("#id_tiers-1-rate", "3")
    both_widths(page, "programs-form")
    page.click("form.program-form .form-actions button.primary")

    expect(page.locator("#terms #tiers tr")).to_have_count(2)
    expect(page.locator("#terms #tiers tr").first).to_contain_text("1 000 000,00")
    program = Program.objects.get()
    assert (program.state, program.period_start, program.period_end) == (
        ProgramState.DRAFT, start, end,
    )  # fmt: skip
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#program-activate")

    expect(page.locator("#program-activate")).to_have_count(0)
    program.refresh_from_db()
    assert (program.state, program.activated_by) == (ProgramState.ACTIVE, company["people"]["tom"])
    assert list(program.tiers.values_list("threshold", "rate")) == [
        (Decimal("1000000.00"), Decimal("2.00")),
        (Decimal("3000000.00"), Decimal("3.00")),
    ]
    both_widths(page, "programs-detail")
    assert page_errors == [], page_errors


def test_the_head_of_sales_enrols_clients_holding_out_a_fifth_as_control(
    page, live_server, company, page_errors, today
):
    program = running_quarter(company, today)
    log_in(page, live_server, "helen")
    page.goto(f"{live_server.url}/programs/{program.pk}/")

    boxes = page.locator("#eligible tbody input[type=checkbox]")
    expect(boxes).to_have_count(30)
    for index in range(10):
        boxes.nth(index).check()
    page.fill("#id_control_percent", "20")
    page.click("#enrol-selected")

    expect(page.locator("#controls tbody tr")).to_have_count(2)
    expect(page.locator("#members tbody tr")).to_have_count(8)
    expect(page.locator("#eligible tbody input[type=checkbox]")).to_have_count(20)
    groups = sorted(Membership.objects.filter(program=program).values_list("group", flat=True))
    assert groups == [MembershipGroup.CONTROL] * 2 + [MembershipGroup.MEMBER] * 8
    program.refresh_from_db()
    assert program.control_percent == 20
    both_widths(page, "programs-enrol")
    assert page_errors == [], page_errors


def test_a_manager_sees_its_clients_program_on_the_card_and_proposes_another_client(
    page, live_server, company, page_errors, today
):
    people, clients = company["people"], company["clients"]
    stroymarket, another = clients[0], clients[3]  # both Anna's
    retro = running_quarter(company, today)
    memberships_enrol(program=retro, client_ids=[stroymarket.pk], by=people["helen"], today=today)
    MembershipProgress.objects.create(
        membership=Membership.objects.get(program=retro),
        as_of=today,
        purchased=Decimal("880000.00"),
        next_threshold=Decimal("1000000.00"),
        next_rate=Decimal("2.00"),
        missing=Decimal("120000.00"),
        accrued=Decimal("0.00"),
        expected_end=Decimal("1300000.00"),
        within_reach=True,
    )
    volume = running_quarter(company, today, name="Скидка за объём", kind="volume_discount")
    log_in(page, live_server, "anna")

    page.goto(f"{live_server.url}/clients/{stroymarket.pk}/")
    programs = page.locator("#client-programs")
    expect(programs.locator(f"li[data-program='{retro.pk}']")).to_contain_text(retro.name)
    expect(programs.locator(f"li[data-program='{retro.pk}'] .reason")).to_contain_text("120 000,00")
    both_widths(page, "programs-client-card", shown="#client-programs")

    page.goto(f"{live_server.url}/clients/{another.pk}/")
    page.locator("#client-programs #id_program").select_option(str(volume.pk))
    page.click("#client-programs button[type=submit]")

    expect(page.locator("#client-programs .callout")).to_be_visible()
    expect(page.locator(f"#client-programs li[data-program='{volume.pk}']")).to_be_visible()
    proposal = Membership.objects.get(program=volume, client=another)
    assert (proposal.state, proposal.proposed_by) == (MembershipState.PROPOSED, people["anna"])
    assert page_errors == [], page_errors
