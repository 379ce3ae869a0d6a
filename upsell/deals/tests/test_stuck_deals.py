"""Stuck deals: open deals with nothing done for longer than the head of sales allows, and the
closing settings that say how long that is."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from upsell.deals.models import ClosingSettings, DealStage
from upsell.deals.services.settings import closing_settings_update
from upsell.deals.stuck import stuck_after_days, stuck_deals
from upsell.deals.tests.conversion_world import MARCH, deal

pytestmark = pytest.mark.django_db


def _days_ago(days: int, hours: int = 0) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days, hours=hours)


@pytest.fixture
def deals(annas_client, boris_client):
    """Anna's deals idle 20, 15 (two stages) and 10 days, one lost long ago; Boris's idle 30."""
    return {
        "anna_20": deal(
            annas_client, MARCH, "1000", DealStage.OFFER, last_activity_at=_days_ago(20)
        ),
        "anna_15": deal(
            annas_client, MARCH, "2000", DealStage.ORDER, last_activity_at=_days_ago(15, 1)
        ),
        "anna_10": deal(
            annas_client, MARCH, "3000", DealStage.PREPARATION, last_activity_at=_days_ago(10)
        ),
        "anna_lost": deal(
            annas_client, MARCH, "4000", DealStage.LOST, last_activity_at=_days_ago(90)
        ),
        "anna_won": deal(
            annas_client, MARCH, "5000", DealStage.WON, last_activity_at=_days_ago(90)
        ),
        "boris_30": deal(
            boris_client, MARCH, "6000", DealStage.OBJECTIONS, last_activity_at=_days_ago(30)
        ),
    }


def _ids(stuck):
    return [item.deal.pk for item in stuck]


def test_an_open_deal_idle_longer_than_14_days_is_stuck_until_the_head_of_sales_says_otherwise(
    deals, head_of_sales
):
    now = timezone.now()

    stuck = stuck_deals(user=head_of_sales, now=now, after_days=stuck_after_days())

    assert stuck_after_days() == 14
    assert _ids(stuck) == [deals["boris_30"].pk, deals["anna_20"].pk, deals["anna_15"].pk]
    assert [item.days for item in stuck] == [30, 20, 15]


def test_a_manager_sees_only_its_own_stuck_deals_and_the_head_of_sales_one_managers(
    deals, manager_anna, manager_boris, head_of_sales, assistant_vera
):
    now = timezone.now()

    assert _ids(stuck_deals(user=manager_anna, now=now, after_days=14)) == [
        deals["anna_20"].pk,
        deals["anna_15"].pk,
    ]
    assert _ids(
        stuck_deals(user=head_of_sales, now=now, after_days=14, manager_id=manager_boris.pk)
    ) == [deals["boris_30"].pk]
    assert stuck_deals(user=assistant_vera, now=now, after_days=1) == []


def test_the_head_of_sales_sets_the_days_and_each_change_is_a_row_with_who_and_when(
    deals, head_of_sales
):
    first = closing_settings_update(stuck_after_days=18, changed_by=head_of_sales)
    same = closing_settings_update(stuck_after_days=18, changed_by=head_of_sales)
    closing_settings_update(stuck_after_days=9, changed_by=head_of_sales)

    assert same == first
    assert list(
        ClosingSettings.objects.values_list("stuck_after_days", "changed_by__username")
    ) == [(9, "helen"), (18, "helen")]
    assert stuck_after_days() == 9
    assert len(stuck_deals(user=head_of_sales, now=timezone.now(), after_days=9)) == 4


@pytest.mark.parametrize("days", [0, -3, 366])
def test_a_number_of_days_out_of_bounds_is_refused_and_nothing_is_written(days, head_of_sales):
    with pytest.raises(ValidationError) as refused:
        closing_settings_update(stuck_after_days=days, changed_by=head_of_sales)

    assert refused.value.message_dict == {
        "stuck_after_days": ["Give a number of days from 1 to 365."]
    }
    assert ClosingSettings.objects.count() == 0


def _signed_in(user) -> HttpClient:
    http = HttpClient()
    http.force_login(user)
    return http


def test_the_stuck_page_lists_the_managers_own_deals_with_their_days(deals, manager_anna):
    response = _signed_in(manager_anna).get(reverse("deals:stuck"))

    assert response.status_code == 200
    assert [item.deal.pk for item, _url in response.context["stuck"]] == [
        deals["anna_20"].pk,
        deals["anna_15"].pk,
    ]
    page = response.content.decode()
    assert f'id="stuck-{deals["anna_20"].pk}"' in page
    assert f'id="stuck-{deals["boris_30"].pk}"' not in page
    assert "more than 14 days" in page


@pytest.fixture
def deal_pages(settings):
    """A deal's page under its name, ``deals:detail``, where the checkout lacks it."""
    try:
        reverse("deals:detail", kwargs={"deal_id": 1})
    except NoReverseMatch:
        settings.ROOT_URLCONF = "upsell.deals.tests.urls_with_deal_page"


def test_the_stuck_page_links_each_deal_to_its_page(deals, head_of_sales, deal_pages):
    response = _signed_in(head_of_sales).get(reverse("deals:stuck"))

    boris_30 = deals["boris_30"].pk
    assert f'<a href="/deals/{boris_30}/">ООО &quot;Бета&quot;</a>' in response.content.decode()


def test_a_manager_asking_for_another_managers_stuck_deals_gets_404(
    deals, manager_anna, manager_boris, assistant_vera
):
    anna = _signed_in(manager_anna)

    assert anna.get(reverse("deals:stuck"), {"manager": manager_boris.pk}).status_code == 404
    assert _signed_in(assistant_vera).get(reverse("deals:stuck")).status_code == 404


def test_the_head_of_sales_changes_the_days_on_the_settings_page(head_of_sales):
    http = _signed_in(head_of_sales)

    response = http.post(reverse("deals:closing_settings"), {"stuck_after_days": "21"})

    assert response.status_code == 302
    assert stuck_after_days() == 21
    page = http.get(reverse("deals:closing_settings")).content.decode()
    assert "21 days" in page
    assert "Кузнецова Елена" in page


def test_a_bad_number_of_days_on_the_settings_page_names_the_field(head_of_sales):
    response = _signed_in(head_of_sales).post(
        reverse("deals:closing_settings"), {"stuck_after_days": "0"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "stuck_after_days": ["Ensure this value is greater than or equal to 1."]
    }
    assert ClosingSettings.objects.count() == 0


def test_a_manager_reads_the_settings_but_may_not_change_them(manager_anna, top_manager):
    for user in (manager_anna, top_manager):
        http = _signed_in(user)
        assert http.get(reverse("deals:closing_settings")).status_code == 200
        refused = http.post(reverse("deals:closing_settings"), {"stuck_after_days": "3"})
        assert refused.status_code == 403
    assert ClosingSettings.objects.count() == 0


def test_the_api_lists_stuck_deals_and_keeps_the_settings(deals, manager_anna, head_of_sales):
    anna, helen = _signed_in(manager_anna), _signed_in(head_of_sales)

    listed = anna.get("/api/deals/stuck").json()
    refused = anna.put(
        "/api/deals/settings", {"stuck_after_days": 3}, content_type="application/json"
    )
    changed = helen.put(
        "/api/deals/settings", {"stuck_after_days": 16}, content_type="application/json"
    )
    invalid = helen.put(
        "/api/deals/settings", {"stuck_after_days": 0}, content_type="application/json"
    )

    assert listed["after_days"] == 14
    assert [(item["id"], item["days"], item["amount"]) for item in listed["items"]] == [
        (deals["anna_20"].pk, 20, "1000.00"),
        (deals["anna_15"].pk, 15, "2000.00"),
    ]
    assert refused.status_code == 403
    assert changed.status_code == 200
    assert changed.json()["stuck_after_days"] == 16
    assert changed.json()["changed_by"]["username"] == "helen"
    assert invalid.status_code == 422
    assert anna.get("/api/deals/settings").json()["stuck_after_days"] == 16
    assert [item["id"] for item in anna.get("/api/deals/stuck").json()["items"]] == [
        deals["anna_20"].pk
    ]
    assert list(ClosingSettings.objects.values_list("stuck_after_days", flat=True)) == [16]
