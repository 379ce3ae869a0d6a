"""Done, postponed, dismissed: what was done is the client's activity, and a decided action stays
off the list until its day or until the situation is new; bad input writes nothing."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from upsell.deals.models import Activity, ActivityKind, ActivityState, Deal
from upsell.today.models import ActionDecision, Decision
from upsell.today.selectors import actions_open
from upsell.today.services import action_decide

pytestmark = pytest.mark.django_db


def _keys(user, now):
    actions = actions_open(user=user, manager=user, today=now.date(), now=now)
    return [action.key for action in actions]


def _decide(user, client, key, now, **fields):
    with translation.override("en"):
        return action_decide(user=user, client=client, key=key, today=now.date(), now=now, **fields)


def test_done_keeps_a_held_call_on_the_stuck_deal_which_moves_again(world, manager_anna, frozen):
    key = f"stuck_deal:{world.stuck.pk}:2026-05-28"

    decided = _decide(
        manager_anna, world.alfa, key, frozen, decision=Decision.DONE,
        note="  Договорились о поставке в июле  ",
    )  # fmt: skip

    held = Activity.objects.exclude(pk=world.meeting.pk).get()
    assert (
        held.client, held.kind, held.state, held.goal, held.outcome, held.deal, held.owner,
        held.starts_at,
    ) == (
        world.alfa, ActivityKind.CALL, ActivityState.HELD, "Move the stuck deal: Болты М8",
        "Договорились о поставке в июле", world.stuck, manager_anna, frozen,
    )  # fmt: skip
    assert (decided.user, decided.key, decided.kind, decided.decision, decided.text) == (
        manager_anna, key, "stuck_deal", Decision.DONE, "Договорились о поставке в июле",
    )  # fmt: skip
    assert decided.activity == held
    # Holding the call was the deal's activity: it is stuck no more.
    assert Deal.objects.get(pk=world.stuck.pk).last_activity_at == frozen
    assert key not in _keys(manager_anna, frozen)


def test_done_on_todays_meeting_holds_the_meeting_itself(world, manager_anna, frozen):
    decided = _decide(
        manager_anna, world.gamma, f"meeting:{world.meeting.pk}", frozen,
        decision=Decision.DONE, note="Объём на квартал согласован",
    )  # fmt: skip

    meeting = Activity.objects.get()
    assert (meeting.pk, meeting.state, meeting.outcome) == (
        world.meeting.pk, ActivityState.HELD, "Объём на квартал согласован",
    )  # fmt: skip
    assert decided.activity == meeting


def test_a_postponed_action_comes_back_on_its_day(world, manager_anna, frozen):
    key = f"past_interval:{world.alfa.pk}:2026-05-14"

    _decide(
        manager_anna, world.alfa, key, frozen, decision=Decision.POSTPONED,
        until=dt.date(2026, 6, 19),
    )  # fmt: skip

    assert key not in _keys(manager_anna, frozen)
    with time_machine.travel(frozen + dt.timedelta(days=1), tick=False):
        assert key not in _keys(manager_anna, frozen + dt.timedelta(days=1))
    with time_machine.travel(frozen + dt.timedelta(days=2), tick=False):
        assert key in _keys(manager_anna, frozen + dt.timedelta(days=2))
    assert Activity.objects.count() == 1  # the meeting alone: postponing does nothing with her


def test_a_dismissed_action_stays_away_until_the_next_period(world, manager_anna, frozen):
    key = f"forecast_empty:{world.alfa.pk}:2026-07"

    decided = _decide(
        manager_anna, world.alfa, key, frozen, decision=Decision.DISMISSED,
        note="Клиент закрыт на ремонт до августа",
    )  # fmt: skip

    assert (decided.decision, decided.text, decided.until) == (
        Decision.DISMISSED, "Клиент закрыт на ремонт до августа", None,
    )  # fmt: skip
    assert key not in _keys(manager_anna, frozen)
    # In July the forecast asked for is August's: a new situation, a new key.
    july = frozen + dt.timedelta(days=20)
    with time_machine.travel(july, tick=False):
        keys = _keys(manager_anna, july)
    assert key not in keys
    assert f"forecast_empty:{world.alfa.pk}:2026-08" in keys


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        (
            {"decision": Decision.DISMISSED, "note": "  "},
            {"note": ["Say why the action is dismissed."]},
        ),
        ({"decision": Decision.DONE}, {"note": ["Say what was done and how it went."]}),
        (
            {"decision": Decision.POSTPONED, "until": dt.date(2026, 6, 17)},
            {"until": ["Give a day after today."]},
        ),
        ({"decision": Decision.POSTPONED}, {"until": ["Give the day it comes back."]}),
        (
            {"decision": Decision.DONE, "note": "Позвонила", "activity_kind": "letter"},
            {"activity_kind": ["Choose a call, a meeting or a visit."]},
        ),
        ({"decision": "forgotten"}, {"decision": ["Choose done, postponed or dismissed."]}),
    ],
)
def test_bad_input_is_refused_by_field_and_writes_nothing(
    world, manager_anna, frozen, fields, errors
):
    key = f"past_interval:{world.alfa.pk}:2026-05-14"

    with pytest.raises(ValidationError) as refused:
        _decide(manager_anna, world.alfa, key, frozen, **fields)

    assert refused.value.message_dict == errors
    assert ActionDecision.objects.count() == 0
    assert Activity.objects.count() == 1


def test_someone_elses_client_or_an_action_gone_is_refused(world, manager_anna, frozen):
    with pytest.raises(ValidationError) as refused:
        _decide(
            manager_anna, world.beta, f"past_interval:{world.beta.pk}:2026-05-08", frozen,
            decision=Decision.DISMISSED, note="Не мой",
        )  # fmt: skip
    assert refused.value.message_dict == {"client": ["Not a client you serve."]}

    with pytest.raises(ValidationError) as gone:
        _decide(
            manager_anna, world.alfa, f"past_interval:{world.alfa.pk}:2026-04-01", frozen,
            decision=Decision.DISMISSED, note="Старое",
        )  # fmt: skip
    assert gone.value.message_dict == {"key": ["This action is no longer on the list."]}
    assert ActionDecision.objects.count() == 0


def test_top_management_reads_and_decides_nothing(world, top_manager, frozen):
    with pytest.raises(PermissionDenied):
        _decide(
            top_manager, world.alfa, f"past_interval:{world.alfa.pk}:2026-05-14", frozen,
            decision=Decision.DISMISSED, note="Нет",
        )  # fmt: skip
    assert ActionDecision.objects.count() == 0


def test_a_meeting_called_off_meanwhile_is_no_action_any_more(world, manager_anna, frozen):
    Activity.objects.filter(pk=world.meeting.pk).update(state=ActivityState.CANCELLED)

    with pytest.raises(ValidationError):
        _decide(
            manager_anna, world.gamma, f"meeting:{world.meeting.pk}", frozen,
            decision=Decision.DONE, note="Состоялась",
        )  # fmt: skip

    assert ActionDecision.objects.count() == 0
