"""Planning, holding, cancelling and editing calls, meetings and visits: one service, every
refusal naming its field with nothing written, joint whenever a head of sales goes."""

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from upsell.accounts.models import Role
from upsell.accounts.tests.factories import UserFactory
from upsell.clients.models import HandOverRule
from upsell.clients.tests.factories import ClientFactory
from upsell.core.months import years_after
from upsell.deals.models import Activity, ActivityKind, ActivityState
from upsell.deals.services.activities import (
    ActivityPlan,
    activity_cancel,
    activity_hold,
    activity_plan,
    activity_update,
)
from upsell.deals.tests.field import at, contact_of, deal_of, planned
from upsell.portfolios.services.handover import ClientChange, clients_hand_over


def _people(activity: Activity) -> list[str]:
    return sorted(person.username for person in activity.participants.all())


def test_a_manager_plans_a_visit_it_owns_and_goes_to(manager_anna, annas_client, today):
    director = contact_of(annas_client, "Соколов Игорь", position="Директор")
    deal = deal_of(annas_client, manager_anna, month=today)

    activity = planned(
        annas_client,
        manager_anna,
        starts_at=at(today, 15),
        minutes=90,
        place="Склад на Каширке",
        goal="  Договориться о пробной партии ",
        contacts=[director],
        deal=deal,
    )

    activity.refresh_from_db()
    assert (activity.owner, activity.state, activity.kind, activity.joint) == (
        manager_anna,
        ActivityState.PLANNED,
        ActivityKind.VISIT,
        False,
    )
    assert (activity.starts_at, activity.ends_at) == (at(today, 15), at(today, 16, 30))
    assert (activity.place, activity.goal, activity.deal, activity.created_by) == (
        "Склад на Каширке",
        "Договориться о пробной партии",
        deal,
        manager_anna,
    )
    assert _people(activity) == ["anna"]
    assert list(activity.contacts.all()) == [director]


def test_the_head_of_sales_going_makes_it_a_joint_visit_owned_by_the_manager(
    manager_anna, head_of_sales, annas_client, today
):
    activity = planned(
        annas_client, head_of_sales, starts_at=at(today, 10), participants=[head_of_sales]
    )

    assert (activity.owner, activity.joint, activity.created_by) == (
        manager_anna,
        True,
        head_of_sales,
    )
    assert _people(activity) == ["anna", "helen"]

    # taken off the visit, it is the manager's own again
    activity_update(
        activity=activity,
        plan=ActivityPlan(kind=ActivityKind.VISIT, starts_at=at(today, 10), ends_at=at(today, 11)),
        by=manager_anna,
    )
    activity.refresh_from_db()
    assert (activity.joint, _people(activity)) == (False, ["anna"])


def test_a_manager_bringing_another_manager_is_not_joint(
    manager_anna, manager_boris, annas_client, today
):
    activity = planned(
        annas_client, manager_anna, starts_at=at(today, 10), participants=[manager_boris]
    )

    assert (activity.joint, _people(activity)) == (False, ["anna", "boris"])


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"ends_at": -1}, "ends_at", "It ends before it starts."),
        (
            {"kind": "lunch"},
            "kind",
            "lunch is not a kind of activity: one of call, meeting, visit.",
        ),
        ({"place": "М" * 301}, "place", "At most 300 characters."),
        ({"ends_at": 60 * 24 * 8}, "ends_at", "An activity lasts at most 7 days."),
    ],
)
def test_a_bad_plan_is_refused_naming_its_field(
    manager_anna, annas_client, today, change, field, message
):
    start = at(today, 10)
    values: dict[str, Any] = {
        "kind": ActivityKind.CALL,
        "starts_at": start,
        "ends_at": start,
        "place": "",
    }
    if "ends_at" in change:
        values["ends_at"] = start + dt.timedelta(minutes=change["ends_at"])
    else:
        values.update(change)

    with pytest.raises(ValidationError) as refused:
        activity_plan(client=annas_client, plan=ActivityPlan(**values), by=manager_anna)

    assert refused.value.message_dict == {field: [message]}
    assert Activity.objects.count() == 0


def test_a_contact_or_a_deal_of_another_client_is_refused(
    manager_anna, manager_boris, annas_client, boris_client, today
):
    stranger = contact_of(boris_client, "Орлова Нина")
    borises_deal = deal_of(boris_client, manager_boris, month=today)

    with pytest.raises(ValidationError) as refused:
        planned(
            annas_client,
            manager_anna,
            starts_at=at(today, 10),
            contacts=[stranger],
            deal=borises_deal,
        )

    assert refused.value.message_dict == {
        "contacts": ['Not contacts of ООО "Альфа": Орлова Нина.'],
        "deal": ["The deal is another client's."],
    }
    assert Activity.objects.count() == 0


def test_only_sellers_go_to_clients(manager_anna, assistant_vera, annas_client, today):
    gone = UserFactory.create(username="gone", full_name="Ушедший Олег", is_active=False)

    with pytest.raises(ValidationError) as refused:
        planned(
            annas_client, manager_anna, starts_at=at(today, 10), participants=[assistant_vera, gone]
        )

    assert refused.value.message_dict == {
        "participants": [
            "Only active managers and heads of sales go to clients: Смирнова Вера; Ушедший Олег."
        ]
    }
    assert Activity.objects.count() == 0


@pytest.mark.parametrize(
    "persona", ["manager_boris", "assistant_vera", "top_manager", "admin_adam"]
)
def test_who_may_not_plan_for_the_client_is_refused(request, annas_client, today, persona):
    user = request.getfixturevalue(persona)

    with pytest.raises(PermissionDenied):
        planned(annas_client, user, starts_at=at(today, 10))

    assert Activity.objects.count() == 0


def test_holding_records_the_outcome_and_is_the_deals_latest_activity(
    manager_anna, annas_client, today
):
    deal = deal_of(annas_client, manager_anna, month=today)
    buyer = contact_of(annas_client, "Ким Ольга", position="Закупщик")
    activity = planned(annas_client, manager_anna, starts_at=at(today, 9), deal=deal)

    activity_hold(
        activity=activity,
        outcome="Согласовали пробную партию на 150 000",
        next_step="  Выслать   договор ",
        contacts=[buyer],
        by=manager_anna,
    )

    activity.refresh_from_db()
    deal.refresh_from_db()
    assert (activity.state, activity.outcome, activity.next_step, activity.held_at) == (
        ActivityState.HELD,
        "Согласовали пробную партию на 150 000",
        "Выслать договор",
        timezone.now(),
    )
    assert list(activity.contacts.all()) == [buyer]
    assert deal.last_activity_at == timezone.now()


def test_holding_without_an_outcome_or_twice_is_refused(manager_anna, annas_client, today):
    activity = planned(annas_client, manager_anna, starts_at=at(today, 9))

    with pytest.raises(ValidationError) as empty:
        activity_hold(activity=activity, outcome="  ", by=manager_anna)
    activity_hold(activity=activity, outcome="Позвонил", by=manager_anna)
    with pytest.raises(ValidationError) as twice:
        activity_hold(activity=activity, outcome="Ещё раз", by=manager_anna)

    assert empty.value.message_dict == {"outcome": ["Say how it went."]}
    assert twice.value.message_dict == {
        "state": ["The activity is held: only a planned one changes."]
    }
    activity.refresh_from_db()
    assert activity.outcome == "Позвонил"


def test_a_cancelled_activity_stays_and_changes_no_more(manager_anna, annas_client, today):
    activity = planned(annas_client, manager_anna, starts_at=at(today, 9))

    activity_cancel(activity=activity, by=manager_anna)

    activity.refresh_from_db()
    assert activity.state == ActivityState.CANCELLED
    with pytest.raises(ValidationError):
        activity_hold(activity=activity, outcome="Всё же съездил", by=manager_anna)
    with pytest.raises(ValidationError):
        activity_cancel(activity=activity, by=manager_anna)


def test_a_manager_who_only_went_may_not_change_it(
    manager_anna, manager_boris, head_of_sales, annas_client, today
):
    activity = planned(
        annas_client, manager_anna, starts_at=at(today, 9), participants=[manager_boris]
    )

    with pytest.raises(PermissionDenied):
        activity_hold(activity=activity, outcome="Был там", by=manager_boris)
    with pytest.raises(PermissionDenied):
        activity_cancel(activity=activity, by=manager_boris)
    activity_hold(activity=activity, outcome="Провели вместе", by=head_of_sales)

    activity.refresh_from_db()
    assert (activity.state, activity.outcome) == (ActivityState.HELD, "Провели вместе")


def test_a_hand_over_gives_the_new_manager_the_activities_ahead_only(
    manager_anna, manager_boris, head_of_sales, annas_client, today
):
    earlier = planned(annas_client, manager_anna, starts_at=at(today, 9))
    held = planned(annas_client, manager_anna, starts_at=at(today, 10))
    activity_hold(activity=held, outcome="Провели", by=manager_anna)
    joint_ahead = planned(
        annas_client,
        head_of_sales,
        starts_at=at(today + dt.timedelta(days=2), 11),
        participants=[head_of_sales],
    )
    call_ahead = planned(
        annas_client, manager_anna, starts_at=at(today, 16), kind=ActivityKind.CALL
    )

    outcome = clients_hand_over(
        changes=[ClientChange(client_id=annas_client.pk, manager=manager_boris)],
        rule=HandOverRule.MANUAL,
        by=head_of_sales,
    )

    assert outcome.activities_moved == 2
    for activity in (earlier, held, joint_ahead, call_ahead):
        activity.refresh_from_db()
    assert (earlier.owner, _people(earlier)) == (manager_anna, ["anna"])
    assert (held.owner, held.state, _people(held)) == (manager_anna, ActivityState.HELD, ["anna"])
    assert (joint_ahead.owner, joint_ahead.joint, _people(joint_ahead)) == (
        manager_boris,
        True,
        ["boris", "helen"],
    )
    assert (call_ahead.owner, _people(call_ahead)) == (manager_boris, ["boris"])


def test_a_client_left_without_a_manager_leaves_its_activities_with_their_owner(
    manager_anna, head_of_sales, annas_client, today
):
    ahead = planned(annas_client, manager_anna, starts_at=at(today, 16))

    outcome = clients_hand_over(
        changes=[ClientChange(client_id=annas_client.pk, manager=None)],
        rule=HandOverRule.MANUAL,
        by=head_of_sales,
    )

    ahead.refresh_from_db()
    assert (outcome.activities_moved, ahead.owner) == (0, manager_anna)


def test_the_head_of_sales_plans_for_a_client_without_a_manager_and_owns_it(
    head_of_sales, today, db
):
    client = ClientFactory.create(name="ИП Сидоров", manager=None)
    other_head = UserFactory.create(username="hs2", role=Role.HEAD_OF_SALES)

    activity = planned(client, head_of_sales, starts_at=at(today, 12), participants=[other_head])

    assert (activity.owner, activity.joint, _people(activity)) == (
        head_of_sales,
        True,
        ["helen", "hs2"],
    )


def test_a_day_years_ahead_is_refused(manager_anna, annas_client, today):
    far = at(years_after(today, 3), 10)

    with pytest.raises(ValidationError) as refused:
        planned(annas_client, manager_anna, starts_at=far)

    span = f"Give a date from 01/01/2000 to {years_after(today, 2):%m/%d/%Y}."
    assert refused.value.message_dict == {"starts_at": [span], "ends_at": [span]}
    assert Activity.objects.count() == 0
