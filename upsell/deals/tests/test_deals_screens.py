"""The board, a deal's page and the API, as each persona: a manager works its own deals, the
head of sales all of them, top management reads them, an assistant sees none."""

import io
import json
from decimal import Decimal
from html import unescape

import openpyxl
import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from upsell.accounts.tokens import api_token_create
from upsell.deals.models import Deal, DealStage, LostReason, Objection
from upsell.deals.services.deals import deal_move, deal_open_from_cell, lost_reason_add
from upsell.deals.services.objections import answer_add
from upsell.requests.models import OrderRequest, RequestSource, RoutingRule

pytestmark = pytest.mark.django_db


def signed_in(user):
    client = HttpClient()
    client.force_login(user)
    return client


def api_client(user):
    _, token = api_token_create(user=user)
    return HttpClient(headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def deal(boris_cell, manager_boris):
    return deal_open_from_cell(cell=boris_cell, by=manager_boris)


def test_the_board_shows_a_managers_own_deals_by_stage(deal, manager_boris, manager_anna):
    response = signed_in(manager_boris).get(reverse("deals:board"))

    assert response.status_code == 200
    [column] = [c for c in response.context["columns"] if c.stage == DealStage.PREPARATION]
    assert [d.pk for d in column.deals] == [deal.pk]
    assert column.total == Decimal("150000.00")
    assert 'ООО "Гамма"' in unescape(response.content.decode())

    other = signed_in(manager_anna).get(reverse("deals:board"))
    assert sum(c.count for c in other.context["columns"]) == 0
    assert 'ООО "Гамма"' not in unescape(other.content.decode())


def test_an_assistant_has_no_board_and_no_deal(deal, assistant_vera):
    client = signed_in(assistant_vera)

    assert client.get(reverse("deals:board")).status_code == 403
    assert client.get(reverse("deals:detail", args=[deal.pk])).status_code == 404


def test_a_move_from_the_board_answers_with_the_two_columns(deal, manager_boris):
    response = signed_in(manager_boris).post(
        reverse("deals:move", args=[deal.pk]),
        {"stage": DealStage.OFFER, "from": "board"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('hx-swap-oob="true"') == 3  # the message and two columns
    assert 'id="column-preparation"' in html
    assert 'id="column-offer"' in html
    assert 'id="column-order"' not in html
    deal.refresh_from_db()
    assert deal.stage == DealStage.OFFER


def test_a_refused_move_is_shown_and_changes_nothing(deal, manager_boris):
    deal_move(deal=deal, stage=DealStage.ORDER, by=manager_boris)

    response = signed_in(manager_boris).post(
        reverse("deals:move", args=[deal.pk]),
        {"stage": DealStage.OFFER, "from": "board"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert "never back before the order" in response.content.decode()
    deal.refresh_from_db()
    assert deal.stage == DealStage.ORDER
    assert deal.stage_changes.count() == 2


def test_another_managers_deal_is_not_found_and_top_management_only_reads(
    deal, manager_anna, top_manager
):
    assert (
        signed_in(manager_anna)
        .post(reverse("deals:move", args=[deal.pk]), {"stage": DealStage.OFFER})
        .status_code
        == 404
    )
    tom = signed_in(top_manager)
    assert tom.get(reverse("deals:detail", args=[deal.pk])).status_code == 200
    assert (
        tom.post(reverse("deals:move", args=[deal.pk]), {"stage": DealStage.OFFER}).status_code
        == 403
    )
    deal.refresh_from_db()
    assert deal.stage == DealStage.PREPARATION


def test_a_forecast_cell_becomes_a_deal_in_one_click(boris_cell, manager_boris):
    month = f"{boris_cell.month:%Y-%m}"
    response = signed_in(manager_boris).post(
        reverse("deals:from_cell", args=[boris_cell.client_id, month])
    )

    deal = Deal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("deals:detail", args=[deal.pk])
    assert (deal.amount, deal.forecast_cell) == (Decimal("150000.00"), boris_cell)


def test_an_objection_is_logged_with_a_library_answer(deal, manager_boris, head_of_sales):
    answer = answer_add(category="price", text="Посчитайте стоимость владения", by=head_of_sales)

    response = signed_in(manager_boris).post(
        reverse("deals:objection_log", args=[deal.pk]),
        {
            "category": "price",
            "client_words": "У конкурента на 5 % дешевле",
            "answer": answer.pk,
            "answer_given": "",
            "outcome": "overcome",
        },
    )

    assert response.status_code == 302
    objection = Objection.objects.get()
    assert (objection.answer, objection.answer_given, objection.outcome) == (
        answer,
        "Посчитайте стоимость владения",
        "overcome",
    )
    library = signed_in(head_of_sales).get(reverse("deals:answers"))
    [price] = [c for c in library.context["library"] if c.category == "price"]
    assert [(r.used, r.overcome, r.deals_won) for r in price.answers] == [(1, 1, 0)]


def test_the_board_exports_the_deals_shown(deal, manager_boris):
    response = signed_in(manager_boris).get(reverse("deals:export"))

    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert rows[0][:3] == ("Client", "Tax id", "Manager")
    assert rows[1][0] == 'ООО "Гамма"'
    assert rows[1][5] == 150000
    assert rows[1][6] == "Preparation"
    assert len(rows) == 2


def test_the_api_moves_a_deal_and_refuses_a_move_back_past_the_order(deal, manager_boris):
    client = api_client(manager_boris)
    url = f"/api/deals/{deal.pk}/move"

    moved = client.post(url, json.dumps({"stage": "order"}), content_type="application/json")
    assert (moved.status_code, moved.json()["stage"]) == (200, "order")

    refused = client.post(url, json.dumps({"stage": "offer"}), content_type="application/json")
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "stage"]
    deal.refresh_from_db()
    assert deal.stage == DealStage.ORDER


def test_the_api_lists_a_managers_own_deals_only(deal, manager_anna, manager_boris):
    assert api_client(manager_anna).get("/api/deals").json()["count"] == 0
    listed = api_client(manager_boris).get("/api/deals").json()
    assert [(item["id"], item["amount"]) for item in listed["items"]] == [(deal.pk, "150000.00")]


def test_the_api_links_the_order_by_hand_and_the_deal_reaches_order(
    deal, manager_boris, motivated_boris_client
):
    order = OrderRequest.objects.create(
        client=motivated_boris_client,
        amount=Decimal("149000.00"),
        source=RequestSource.API,
        assignee=manager_boris,
        routed_by_rule=RoutingRule.NO_ASSISTANT,
    )

    response = api_client(manager_boris).put(
        f"/api/deals/{deal.pk}/links",
        json.dumps({"request_id": order.pk, "shipment_id": None}),
        content_type="application/json",
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["request_id"], body["request_link"], body["stage"]) == (
        order.pk,
        "confirmed",
        "order",
    )


def test_the_forecast_cell_editor_offers_a_deal_of_the_cell(boris_cell, manager_boris):
    month = f"{boris_cell.month:%Y-%m}"
    url = reverse("forecasts:cell", kwargs={"client_id": boris_cell.client_id, "month": month})

    html = signed_in(manager_boris).get(f"{url}?edit=1").content.decode()

    action = reverse("deals:from_cell", args=[boris_cell.client_id, month])
    assert f'action="{action}"' in html
    assert "data-deal-from-cell" in html


def test_the_api_puts_the_lost_reasons_in_a_new_order(price_reason, head_of_sales, manager_boris):
    budget = lost_reason_add(name="Нет бюджета")
    late = lost_reason_add(name="Не успели к сроку")
    url = "/api/deals/lost-reasons/order"
    order = [late.pk, price_reason.pk, budget.pk]

    # A manager may not reorder the list; nothing moves
    refused = api_client(manager_boris).put(
        url, json.dumps({"reason_ids": order}), content_type="application/json"
    )
    assert refused.status_code == 403
    assert list(LostReason.objects.values_list("name", flat=True)) == [
        price_reason.name, "Нет бюджета", "Не успели к сроку",
    ]  # fmt: skip

    # Nor may the head of sales leave a reason out
    partial = api_client(head_of_sales).put(
        url, json.dumps({"reason_ids": [late.pk]}), content_type="application/json"
    )
    assert partial.status_code == 422
    assert partial.json()["detail"][0]["loc"] == ["body", "reason_ids"]

    moved = api_client(head_of_sales).put(
        url, json.dumps({"reason_ids": order}), content_type="application/json"
    )
    assert moved.status_code == 200
    assert [(item["name"], item["position"]) for item in moved.json()] == [
        ("Не успели к сроку", 0), (price_reason.name, 1), ("Нет бюджета", 2),
    ]  # fmt: skip
    listed = api_client(manager_boris).get("/api/deals/lost-reasons").json()
    assert [item["id"] for item in listed] == order
