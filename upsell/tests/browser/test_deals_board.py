"""Closing in a real browser, at a desktop's and a phone's width: a manager makes a deal of a
forecast cell on the client card, moves it on the board with the mouse and the keyboard, logs
an objection answered from the library, links it to its order, and the server refuses a move
back past the order."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, ViewportSize, expect

from upsell.clients.models import Client, ClientStatus
from upsell.core.months import month_add, month_start
from upsell.deals.models import Deal, DealStage, Objection
from upsell.deals.services.objections import answer_add
from upsell.forecasts.models import Confidence, ForecastCell
from upsell.requests.models import OrderRequest, RequestSource, RoutingRule
from upsell.tests.browser.conftest import VIEWPORT, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = ViewportSize(width=390, height=844)


def both_widths(page: Page, name: str) -> None:
    for viewport, suffix in ((VIEWPORT, ""), (PHONE, "-phone")):
        page.set_viewport_size(viewport)
        screenshot(page, f"{name}{suffix}", full_page=True)
    page.set_viewport_size(VIEWPORT)


def card_in(page: Page, deal_id: int, stage: str) -> None:
    expect(page.locator(f"#column-{stage} #deal-{deal_id}")).to_be_visible()


def test_a_forecast_cell_becomes_a_deal_that_moves_to_its_order(
    page, live_server, company, page_errors, today
):
    people = company["people"]
    client = company["clients"][0]
    Client.objects.filter(pk=client.pk).update(status=ClientStatus.REGULAR)
    month = month_add(month_start(today), 1)
    ForecastCell.objects.create(
        client=client,
        month=month,
        manager=people["anna"],
        baseline=Decimal("180000.00"),
        baseline_high=Decimal("240000.00"),
        amount=Decimal("210000.00"),
        confidence=Confidence.PROBABLE,
    )
    answer = answer_add(
        category="price",
        text="Сравните стоимость владения: доставка и отсрочка у нас включены",
        by=people["helen"],
    )
    order = OrderRequest.objects.create(
        client=client,
        number="З-2041",
        ordered_on=month,
        amount=Decimal("205000.00"),
        source=RequestSource.API,
        assignee=people["anna"],
        routed_by_rule=RoutingRule.NO_ASSISTANT,
    )

    log_in(page, live_server, "anna")
    page.goto(f"{live_server.url}/clients/{client.pk}/")
    page.click(f"#client-deals button[data-month='{month:%Y-%m}']")
    page.wait_for_url("**/deals/*/")
    deal = Deal.objects.get()
    assert (deal.amount, deal.month, deal.forecast_cell_id is not None) == (
        Decimal("210000.00"),
        month,
        True,
    )

    page.goto(f"{live_server.url}/deals/")
    card_in(page, deal.pk, DealStage.PREPARATION)
    page.drag_and_drop(f"#deal-{deal.pk}", "#column-offer")
    card_in(page, deal.pk, DealStage.OFFER)
    page.locator(f"#deal-{deal.pk}").focus()
    page.keyboard.press("ArrowRight")
    card_in(page, deal.pk, DealStage.OBJECTIONS)

    page.click(f"#deal-{deal.pk} a.deal-client")
    page.select_option("#id_category", "price")
    page.fill("#id_client_words", "У конкурента на 4 % дешевле")
    page.select_option("#id_answer", str(answer.pk))
    page.select_option("#id_outcome", "overcome")
    page.click("#objection-form button[type=submit]")
    expect(page.locator("#deal-objections tbody tr[data-objection]")).to_have_count(1)
    objection = Objection.objects.get()
    assert (objection.answer_id, objection.answer_given, objection.outcome) == (
        answer.pk,
        answer.text,
        "overcome",
    )

    page.select_option("#id_link_request", str(order.pk))
    page.click("#deal-links form:has(#id_link_request) button[type=submit]")
    expect(page.locator("[data-link=request]")).to_be_visible()
    deal.refresh_from_db()
    assert (deal.request_id, deal.request_link, deal.stage) == (order.pk, "confirmed", "order")
    both_widths(page, "closing-deal")

    # Anna's other deals in work, for the board's picture.
    for index, (stage, amount) in enumerate(
        ((DealStage.OFFER, "84000.00"), (DealStage.OBJECTIONS, "126500.00"),
         (DealStage.TERMS_AGREED, "57300.00"), (DealStage.PREPARATION, "43000.00")),
        start=1,
    ):  # fmt: skip
        Deal.objects.create(
            client=company["clients"][3 * index],
            manager=people["anna"],
            title="Крепёж и метизы",
            month=month,
            amount=Decimal(amount),
            stage=stage,
            source="hand",
            last_activity_at=timezone.now() - dt.timedelta(days=6 * index),
        )
    page.goto(f"{live_server.url}/deals/")
    card_in(page, deal.pk, DealStage.ORDER)
    page.locator(f"#deal-{deal.pk}").focus()
    page.keyboard.press("ArrowLeft")  # no way back past the order
    expect(page.locator("#board-message.refused")).to_be_visible()
    page.locator(f"#deal-{deal.pk} [data-step='1']").click()
    card_in(page, deal.pk, DealStage.WON)
    deal.refresh_from_db()
    assert deal.stage == DealStage.WON
    assert list(deal.stage_changes.order_by("pk").values_list("stage_after", flat=True)) == [
        "preparation",
        "offer",
        "objections",
        "order",
        "won",
    ]
    both_widths(page, "closing-board")
    assert page_errors == []


def test_the_server_refuses_a_move_back_past_the_order_and_says_why(
    page, live_server, company, page_errors, today
):
    people = company["people"]
    client = company["clients"][1]  # Boris's
    Client.objects.filter(pk=client.pk).update(status=ClientStatus.VIP)
    deal = Deal.objects.create(
        client=client,
        manager=people["boris"],
        month=month_start(today),
        amount=Decimal("99000.00"),
        stage=DealStage.ORDER,
        source="hand",
        last_activity_at=timezone.now(),
    )

    log_in(page, live_server, "boris")
    page.goto(f"{live_server.url}/deals/")
    card_in(page, deal.pk, DealStage.ORDER)
    page.drag_and_drop(f"#deal-{deal.pk}", "#column-offer")

    expect(page.locator("#board-message.refused")).to_contain_text(
        "не возвращается на этапы до заказа"
    )
    card_in(page, deal.pk, DealStage.ORDER)
    deal.refresh_from_db()
    assert deal.stage == DealStage.ORDER
    assert page_errors == []
