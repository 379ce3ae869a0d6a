"""The field work's pages: the card's section, the forms to plan and hold, cancelling; each
refusal shown on its field with nothing written, each person kept to what it may touch."""

import datetime as dt

import pytest
from django.urls import reverse

from upsell.deals.models import Activity, ActivityKind, ActivityState
from upsell.deals.services.activities import activity_hold
from upsell.deals.tests.field import at, contact_of, planned


def _form(day: dt.date, **changes: object) -> dict[str, object]:
    return {
        "kind": ActivityKind.VISIT,
        "day": day.isoformat(),
        "starts_at": "10:00",
        "ends_at": "11:30",
        "place": "Офис клиента",
        "goal": "Презентация новинок",
    } | changes


def test_the_head_of_sales_plans_a_joint_visit_from_the_card(
    client, head_of_sales, manager_anna, annas_client, today
):
    director = contact_of(annas_client, "Соколов Игорь", position="Директор")
    client.force_login(head_of_sales)
    url = reverse("deals:activity_plan", args=[annas_client.pk])

    page = client.get(url)
    response = client.post(url, _form(today, joint="on", contacts=[director.pk]))

    assert page.status_code == 200
    activity = Activity.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("deals:activity", args=[activity.pk])
    assert (activity.owner, activity.joint, activity.starts_at, activity.ends_at) == (
        manager_anna,
        True,
        at(today, 10),
        at(today, 11, 30),
    )
    assert sorted(p.username for p in activity.participants.all()) == ["anna", "helen"]
    assert list(activity.contacts.all()) == [director]


def test_a_visit_that_ends_before_it_starts_is_shown_on_its_field(
    client, manager_anna, annas_client, today
):
    client.force_login(manager_anna)

    response = client.post(
        reverse("deals:activity_plan", args=[annas_client.pk]), _form(today, ends_at="09:00")
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"ends_at": ["It ends before it starts."]}
    assert Activity.objects.count() == 0


def test_a_manager_may_not_plan_for_another_managers_client(
    client, manager_anna, boris_client, today
):
    client.force_login(manager_anna)

    response = client.post(reverse("deals:activity_plan", args=[boris_client.pk]), _form(today))

    assert response.status_code == 404
    assert Activity.objects.count() == 0


def test_top_management_sees_the_section_but_plans_nothing(
    client, top_manager, manager_anna, annas_client, today
):
    planned(annas_client, manager_anna, starts_at=at(today, 15), goal="Обсудить объёмы")
    client.force_login(top_manager)

    section = client.get(reverse("deals:client_activities", args=[annas_client.pk]))
    refused = client.post(reverse("deals:activity_plan", args=[annas_client.pk]), _form(today))

    assert section.status_code == 200
    assert "Обсудить объёмы" in section.content.decode()
    assert section.context["can_plan"] is False
    assert refused.status_code == 403
    assert Activity.objects.count() == 1


def test_the_card_section_lists_whats_planned_and_whats_done(
    client, manager_anna, annas_client, today
):
    done = planned(annas_client, manager_anna, starts_at=at(today, 9))
    activity_hold(activity=done, outcome="Подписали спецификацию", by=manager_anna)
    ahead = planned(annas_client, manager_anna, starts_at=at(today, 15))
    client.force_login(manager_anna)

    response = client.get(reverse("deals:client_activities", args=[annas_client.pk]))

    assert [a.pk for a in response.context["planned"]] == [ahead.pk]
    assert [a.pk for a in response.context["past"]] == [done.pk]
    assert "Подписали спецификацию" in response.content.decode()


def test_the_assistant_sees_the_client_but_no_meeting(
    client, assistant_vera, manager_anna, annas_client, today
):
    planned(annas_client, manager_anna, starts_at=at(today, 15), goal="Секретная цель")
    client.force_login(assistant_vera)

    response = client.get(reverse("deals:client_activities", args=[annas_client.pk]))

    assert response.status_code == 200
    assert response.context["planned"] == []
    assert "Секретная цель" not in response.content.decode()


def test_holding_from_the_activitys_page(client, manager_anna, annas_client, today):
    activity = planned(annas_client, manager_anna, starts_at=at(today, 9))
    client.force_login(manager_anna)
    url = reverse("deals:activity_hold", args=[activity.pk])

    empty = client.post(url, {"outcome": ""})
    held = client.post(url, {"outcome": "Заказали 200 шт.", "next_step": "Счёт"})

    assert empty.status_code == 200
    assert empty.context["hold_form"].errors == {"outcome": ["This field is required."]}
    assert held.status_code == 302
    activity.refresh_from_db()
    assert (activity.state, activity.outcome, activity.next_step) == (
        ActivityState.HELD,
        "Заказали 200 шт.",
        "Счёт",
    )
    page = client.get(reverse("deals:activity", args=[activity.pk]))
    assert page.context["hold_form"] is None
    assert "Заказали 200 шт." in page.content.decode()


def test_a_participant_reads_the_activity_but_does_not_cancel_it(
    client, manager_anna, manager_boris, annas_client, today
):
    activity = planned(
        annas_client, manager_anna, starts_at=at(today, 15), participants=[manager_boris]
    )
    client.force_login(manager_boris)

    page = client.get(reverse("deals:activity", args=[activity.pk]))
    cancel = client.post(reverse("deals:activity_cancel", args=[activity.pk]))

    assert page.status_code == 200
    assert page.context["can_work"] is False
    assert cancel.status_code == 403
    activity.refresh_from_db()
    assert activity.state == ActivityState.PLANNED


def test_editing_a_planned_activity(client, manager_anna, annas_client, today):
    activity = planned(annas_client, manager_anna, starts_at=at(today, 15))
    client.force_login(manager_anna)
    url = reverse("deals:activity_edit", args=[activity.pk])

    form = client.get(url)
    saved = client.post(
        url, _form(today, kind=ActivityKind.CALL, starts_at="16:00", ends_at="16:15")
    )

    assert form.context["form"].initial["starts_at"] == dt.time(15, 0)
    assert saved.status_code == 302
    activity.refresh_from_db()
    assert (activity.kind, activity.starts_at, activity.ends_at) == (
        ActivityKind.CALL,
        at(today, 16),
        at(today, 16, 15),
    )


@pytest.mark.parametrize("state", ["held", "cancelled"])
def test_a_done_activity_is_not_edited(client, manager_anna, annas_client, today, state):
    activity = planned(annas_client, manager_anna, starts_at=at(today, 9))
    Activity.objects.filter(pk=activity.pk).update(state=state)
    client.force_login(manager_anna)

    response = client.post(reverse("deals:activity_edit", args=[activity.pk]), _form(today))

    assert response.status_code == 403
    activity.refresh_from_db()
    assert (activity.state, activity.starts_at) == (state, at(today, 9))
