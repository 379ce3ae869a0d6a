"""The Today page: who lands on it, who sees what, and decisions by htmx or a plain form."""

import re
from decimal import Decimal

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from upsell.deals.models import Activity, ActivityState
from upsell.today.models import ActionDecision, ActionKind, Decision, TodaySettings
from upsell.today.selectors import weights_current

pytestmark = pytest.mark.django_db


def _as(user):
    client = HttpClient()
    client.force_login(user)
    return client


def _keys(response):
    return re.findall(r'data-key="([^"]+)"', response.content.decode())


def test_a_manager_starts_on_today_and_an_assistant_on_the_queues(
    manager_anna, assistant_vera, head_of_sales
):
    home = reverse("accounts:home")

    assert _as(manager_anna).get(home).url == reverse("today:list")
    assert _as(assistant_vera).get(home).url == reverse("requests:queues")
    assert _as(head_of_sales).get(home).url == reverse("review:monday")


def test_today_is_the_first_menu_item_of_managers_and_the_head_of_sales(
    manager_anna, head_of_sales, top_manager, assistant_vera
):
    url = reverse("today:list")

    for user, first in ((manager_anna, url), (head_of_sales, url)):
        page = _as(user).get(reverse("clients:list")).content.decode()
        assert re.findall(r'<nav class="nav"[^>]*>\s*<a href="([^"]+)"', page) == [first]
    for user in (top_manager, assistant_vera):
        assert f'href="{url}"' not in _as(user).get(reverse("clients:list")).content.decode()


def test_a_manager_reads_its_own_actions_best_first(
    world, manager_anna, frozen, django_assert_num_queries
):
    client = _as(manager_anna)
    client.get(reverse("today:list"))  # the session and the site's caches warm up

    with django_assert_num_queries(17):
        response = client.get(reverse("today:list"))

    assert response.status_code == 200
    keys = _keys(response)
    assert keys[:2] == [
        f"program_tier:{world.membership.pk}:2026-06-16",
        f"wallet:{world.gamma.pk}:2026-06",
    ]
    assert len(keys) == 9
    assert 'ООО "Бета"' not in response.content.decode()
    assert response.context["listed"].stake == Decimal("211000.00")


def test_the_kind_filter_and_the_manager_switch(world, head_of_sales, manager_boris, frozen):
    client = _as(head_of_sales)

    team = client.get(reverse("today:list"))
    boris = client.get(reverse("today:list"), {"manager": manager_boris.pk})
    meetings = client.get(reverse("today:list"), {"kind": ActionKind.MEETING})

    assert len(_keys(team)) == 10
    assert _keys(boris) == [f"past_interval:{world.beta.pk}:2026-05-08"]
    assert _keys(meetings) == [f"meeting:{world.meeting.pk}"]


def test_a_manager_may_not_open_another_managers_list(world, manager_anna, manager_boris, frozen):
    response = _as(manager_anna).get(reverse("today:list"), {"manager": manager_boris.pk})

    assert response.status_code == 404


def test_an_assistant_and_an_administrator_have_no_today(world, assistant_vera, admin_adam, frozen):
    for user in (assistant_vera, admin_adam):
        assert _as(user).get(reverse("today:list")).status_code == 404


def test_done_by_htmx_redraws_the_row_and_keeps_the_activity(world, manager_anna, frozen):
    key = f"past_interval:{world.alfa.pk}:2026-05-14"

    response = _as(manager_anna).post(
        reverse("today:decide", args=[world.alfa.pk]),
        {"key": key, "decision": "done", "note": "Позвонила, ждут счёт", "activity_kind": "call"},
        headers={"HX-Request": "true", "HX-Target": "action-" + key.replace(":", "-")},
    )

    assert response.status_code == 200
    assert 'data-decision="done"' in response.content.decode()
    call = Activity.objects.get(state=ActivityState.HELD)
    assert (call.client, call.outcome) == (world.alfa, "Позвонила, ждут счёт")
    assert ActionDecision.objects.get().activity == call


def test_a_refusal_by_htmx_goes_to_the_rows_message_and_writes_nothing(world, manager_anna, frozen):
    key = f"past_interval:{world.alfa.pk}:2026-05-14"
    row = "action-" + key.replace(":", "-")

    response = _as(manager_anna).post(
        reverse("today:decide", args=[world.alfa.pk]),
        {"key": key, "decision": "dismissed", "note": ""},
        headers={"HX-Request": "true", "HX-Target": row},
    )

    assert response.status_code == 200
    assert response["HX-Retarget"] == f"#{row}-problem"
    assert response["HX-Reswap"] == "innerHTML"
    assert ActionDecision.objects.count() == 0


def test_a_plain_form_goes_back_to_the_list(world, manager_anna, frozen):
    key = f"forecast_empty:{world.alfa.pk}:2026-07"

    response = _as(manager_anna).post(
        reverse("today:decide", args=[world.alfa.pk]),
        {"key": key, "decision": "postponed", "until": "2026-06-22"},
    )

    assert response.status_code == 302
    assert response.url == reverse("today:list")
    decided = ActionDecision.objects.get()
    assert (decided.key, decided.decision, str(decided.until)) == (
        key, Decision.POSTPONED, "2026-06-22",
    )  # fmt: skip


def test_another_managers_client_is_not_found(world, manager_boris, frozen):
    response = _as(manager_boris).post(
        reverse("today:decide", args=[world.alfa.pk]),
        {"key": f"past_interval:{world.alfa.pk}:2026-05-14", "decision": "dismissed", "note": "x"},
    )

    assert response.status_code == 404
    assert ActionDecision.objects.count() == 0


def test_the_head_of_sales_sets_the_weights_and_the_others_read_them(
    manager_anna, head_of_sales, top_manager
):
    form = {f"weight_{kind.value}": "1" for kind in ActionKind} | {"weight_stuck_deal": "2,5"}

    assert _as(manager_anna).get(reverse("today:weights")).status_code == 200
    assert _as(top_manager).post(reverse("today:weights"), form).status_code == 403
    assert TodaySettings.objects.count() == 0
    response = _as(head_of_sales).post(reverse("today:weights"), form)

    assert response.status_code == 302
    assert weights_current()[ActionKind.STUCK_DEAL] == Decimal("2.50")
    assert TodaySettings.objects.get().changed_by == head_of_sales


def test_a_weight_out_of_range_is_refused_by_its_field(head_of_sales):
    form = {f"weight_{kind.value}": "1" for kind in ActionKind} | {"weight_meeting": "-1"}

    response = _as(head_of_sales).post(reverse("today:weights"), form)

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["weight_meeting"]
    assert TodaySettings.objects.count() == 0
