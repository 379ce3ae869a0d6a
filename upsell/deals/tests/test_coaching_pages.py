"""The coaching screens and API: who sees which period, the head of sales' forms, the effect in
words; a refused call writes nothing."""

import datetime as dt
import json

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from upsell.accounts.tokens import api_token_create
from upsell.deals.models import CoachingEffect, CoachingNote, CoachingPeriod

MEASURED = dt.datetime(2026, 4, 2, 3, tzinfo=dt.UTC)


def _browser(user):
    client = HttpClient()
    client.force_login(user)
    return client


def _api(user):
    _, token = api_token_create(user=user)
    return HttpClient(headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def period(manager_boris, head_of_sales):
    return CoachingPeriod.objects.create(
        manager=manager_boris,
        coach=head_of_sales,
        starts_on=dt.date(2026, 3, 1),
        ends_on=dt.date(2026, 3, 31),
        goals="Больше встреч с ЛПР",
    )


@pytest.fixture
def effects(period):
    CoachingEffect.objects.create(
        period=period, metric="win_rate", coached_before=40.0, coached_after=62.0,
        control_before=41.0, control_after=43.0, effect=12.0, effect_low=4.0, effect_high=20.0,
        control_managers=5, measured_at=MEASURED,
    )  # fmt: skip
    CoachingEffect.objects.create(
        period=period, metric="cycle_days", coached_before=12.0, coached_after=None,
        control_managers=5, too_little="few_won:after:3:5", measured_at=MEASURED,
    )  # fmt: skip


def test_the_head_of_sales_opens_a_period_with_the_form(manager_boris, head_of_sales):
    response = _browser(head_of_sales).post(
        reverse("deals:coaching_create"),
        {"manager": manager_boris.pk, "starts_on": "2026-03-01", "ends_on": "2026-04-30",
         "goals": "Возражения по цене"},
    )  # fmt: skip

    period = CoachingPeriod.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("deals:coaching_detail", args=[period.pk])
    assert (period.manager, period.coach, period.ends_on) == (
        manager_boris,
        head_of_sales,
        dt.date(2026, 4, 30),
    )


def test_the_form_shows_an_overlap_on_its_field(period, manager_boris, head_of_sales):
    response = _browser(head_of_sales).post(
        reverse("deals:coaching_create"),
        {"manager": manager_boris.pk, "starts_on": "2026-03-15", "ends_on": "2026-04-15"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "starts_on": ["This manager is already coached from 01.03.2026 to 31.03.2026."]
    }
    assert CoachingPeriod.objects.count() == 1


def test_a_note_written_under_htmx_answers_the_notes_part(period, head_of_sales):
    response = _browser(head_of_sales).post(
        reverse("deals:coaching_note", args=[period.pk]),
        {"text": "Сильная презентация, слабое закрытие"},
        headers={"HX-Request": "true"},
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section class="panel" id="notes">')
    assert "Сильная презентация, слабое закрытие" in body
    assert CoachingNote.objects.get().written_by == head_of_sales


def test_the_effect_reads_in_words_with_the_figures(period, effects, manager_boris):
    response = _browser(manager_boris).get(reverse("deals:coaching_detail", args=[period.pk]))

    lines = response.context["effects"]
    assert [line.words for line in lines] == [
        "Deal win rate rose by 12.0 points more than the other managers' [4.0; 20.0], "
        "90 % interval.",
        "Too little data: 3 deals won since the start; at least 5 are needed.",
    ]
    assert (lines[0].coached_before, lines[0].coached_after) == ("40.0 %", "62.0 %")
    assert lines[1].coached_before == "12.0 days"
    # The coached manager reads its period; it does not write in it.
    assert b'id="note-form"' not in response.content


def test_another_manager_gets_404_and_top_management_may_not_write(
    period, manager_anna, top_manager
):
    assert (
        _browser(manager_anna).get(reverse("deals:coaching_detail", args=[period.pk])).status_code
        == 404
    )
    refused = _browser(top_manager).post(
        reverse("deals:coaching_note", args=[period.pk]), {"text": "Заметка"}
    )

    assert refused.status_code == 403
    assert not CoachingNote.objects.exists()


def test_the_list_holds_a_managers_own_periods_only(period, manager_anna, head_of_sales):
    CoachingPeriod.objects.create(
        manager=manager_anna, coach=head_of_sales, starts_on=dt.date(2026, 5, 1),
        ends_on=dt.date(2026, 5, 31),
    )  # fmt: skip

    response = _browser(manager_anna).get(reverse("deals:coaching_list"))

    assert [p.manager.username for p in response.context["periods"]] == ["anna"]


def test_the_list_reads_in_a_fixed_number_of_queries(
    period, manager_anna, head_of_sales, django_assert_num_queries
):
    CoachingPeriod.objects.create(
        manager=manager_anna, coach=head_of_sales, starts_on=dt.date(2026, 5, 1),
        ends_on=dt.date(2026, 5, 31),
    )  # fmt: skip
    browser = _browser(head_of_sales)

    with django_assert_num_queries(3):
        response = browser.get(reverse("deals:coaching_list"))

    assert len(response.context["periods"]) == 2


def test_the_api_opens_a_period_and_refuses_an_overlap(manager_boris, head_of_sales):
    api = _api(head_of_sales)
    payload = {"manager_id": manager_boris.pk, "starts_on": "2026-03-01", "ends_on": "2026-03-31"}

    created = api.post("/api/deals/coaching", json.dumps(payload), content_type="application/json")
    overlap = api.post("/api/deals/coaching", json.dumps(payload), content_type="application/json")

    assert created.status_code == 201
    assert created.json()["manager"]["username"] == "boris"
    assert overlap.status_code == 422
    assert overlap.json()["detail"] == [
        {
            "loc": ["body", "starts_on"],
            "msg": "This manager is already coached from 01.03.2026 to 31.03.2026.",
            "type": "invalid",
        }
    ]
    assert CoachingPeriod.objects.count() == 1


def test_the_api_gives_the_effects_in_words(period, effects, manager_boris):
    response = _api(manager_boris).get(f"/api/deals/coaching/{period.pk}/effects")

    rows = response.json()
    assert [(row["metric"], row["effect"], row["too_little"]) for row in rows] == [
        ("cycle_days", None, "few_won:after:3:5"),
        ("win_rate", 12.0, ""),
    ]
    assert rows[1]["words"].startswith("Deal win rate rose by 12.0 points")


def test_an_assistant_sees_no_period_over_the_api(period, assistant_vera):
    listed = _api(assistant_vera).get("/api/deals/coaching")
    detail = _api(assistant_vera).get(f"/api/deals/coaching/{period.pk}")

    assert listed.json()["count"] == 0
    assert detail.status_code == 404


def test_an_empty_note_comes_back_with_its_error_and_writes_nothing(period, head_of_sales):
    response = _browser(head_of_sales).post(
        reverse("deals:coaching_note", args=[period.pk]),
        {"text": ""},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert response.context["note_form"].errors == {"text": ["This field is required."]}
    assert not CoachingNote.objects.exists()
