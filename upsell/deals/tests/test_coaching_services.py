"""Opening, editing and noting a coaching period, and joining the coached manager's meetings:
the head of sales alone, no overlap, nothing written on a refusal."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from upsell.deals.models import Activity, ActivityKind, ActivityState, CoachingNote, CoachingPeriod
from upsell.deals.services.coaching import (
    PeriodTerms,
    coaching_meeting_join,
    coaching_meetings_joinable,
    coaching_note_write,
    coaching_period_edit,
    coaching_period_open,
)

MARCH = dt.date(2026, 3, 1)
END_OF_MARCH = dt.date(2026, 3, 31)


def _terms(manager, starts_on=MARCH, ends_on=END_OF_MARCH, goals="Больше встреч"):
    return PeriodTerms(manager=manager, starts_on=starts_on, ends_on=ends_on, goals=goals)


@pytest.fixture
def period(manager_boris, head_of_sales):
    return coaching_period_open(terms=_terms(manager_boris), by=head_of_sales)


def _meeting(client, owner, day, state=ActivityState.PLANNED):
    start = dt.datetime.combine(day, dt.time(10), tzinfo=dt.UTC)
    return Activity.objects.create(
        client=client,
        kind=ActivityKind.MEETING,
        owner=owner,
        state=state,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
    )


def test_the_head_of_sales_opens_a_period_and_coaches_it(period, manager_boris, head_of_sales):
    assert (period.manager, period.coach, period.created_by) == (
        manager_boris,
        head_of_sales,
        head_of_sales,
    )
    assert (period.starts_on, period.ends_on, period.goals) == (
        MARCH,
        END_OF_MARCH,
        "Больше встреч",
    )


def test_a_coach_who_is_not_head_of_sales_is_refused(manager_boris, top_manager):
    with pytest.raises(ValidationError) as refused:
        coaching_period_open(terms=_terms(manager_boris), by=top_manager)

    assert refused.value.message_dict == {"coach": ["Only the head of sales coaches."]}
    assert not CoachingPeriod.objects.exists()


def test_a_period_that_ends_before_it_starts_is_refused(manager_boris, head_of_sales):
    with pytest.raises(ValidationError) as refused:
        coaching_period_open(
            terms=_terms(manager_boris, ends_on=dt.date(2026, 2, 28)), by=head_of_sales
        )

    assert refused.value.message_dict == {"ends_on": ["The period ends before it starts."]}
    assert not CoachingPeriod.objects.exists()


def test_a_period_for_someone_not_a_manager_is_refused(assistant_vera, head_of_sales):
    with pytest.raises(ValidationError) as refused:
        coaching_period_open(terms=_terms(assistant_vera), by=head_of_sales)

    assert refused.value.message_dict == {
        "manager": ["A coaching period is for a manager at work."]
    }


def test_an_overlapping_period_of_the_same_manager_is_refused(period, manager_boris, head_of_sales):
    with pytest.raises(ValidationError) as refused:
        coaching_period_open(
            terms=_terms(
                manager_boris, starts_on=dt.date(2026, 3, 31), ends_on=dt.date(2026, 4, 30)
            ),
            by=head_of_sales,
        )

    assert refused.value.message_dict == {
        "starts_on": ["This manager is already coached from 01.03.2026 to 31.03.2026."]
    }
    assert CoachingPeriod.objects.count() == 1


def test_another_managers_period_in_the_same_months_is_fine(period, manager_anna, head_of_sales):
    other = coaching_period_open(terms=_terms(manager_anna), by=head_of_sales)

    assert CoachingPeriod.objects.count() == 2
    assert other.manager == manager_anna


def test_editing_moves_the_dates_and_forgets_the_measured_effect(
    period, manager_boris, head_of_sales
):
    period.effects.create(
        metric="win_rate", effect=1.0, measured_at=dt.datetime(2026, 4, 2, tzinfo=dt.UTC)
    )

    coaching_period_edit(
        period=period,
        terms=_terms(manager_boris, ends_on=dt.date(2026, 4, 30), goals="Новые цели"),
        by=head_of_sales,
    )

    period.refresh_from_db()
    assert (period.ends_on, period.goals) == (dt.date(2026, 4, 30), "Новые цели")
    assert not period.effects.exists()


def test_an_edit_may_not_change_the_manager(period, manager_anna, head_of_sales):
    with pytest.raises(ValidationError) as refused:
        coaching_period_edit(period=period, terms=_terms(manager_anna), by=head_of_sales)

    assert refused.value.message_dict == {
        "manager": ["A period keeps its manager; open a new one."]
    }
    period.refresh_from_db()
    assert period.manager.username == "boris"


def test_a_note_is_written_and_an_empty_one_refused(period, head_of_sales):
    note = coaching_note_write(
        period=period, text="  Хорошо отработал возражение по цене ", by=head_of_sales
    )

    assert (note.text, note.written_by) == ("Хорошо отработал возражение по цене", head_of_sales)
    with pytest.raises(ValidationError) as refused:
        coaching_note_write(period=period, text="   ", by=head_of_sales)
    assert refused.value.message_dict == {"text": ["Write the note."]}
    assert CoachingNote.objects.count() == 1


def test_joining_a_meeting_marks_it_joint_and_adds_the_coach(
    period, boris_client, manager_boris, head_of_sales
):
    meeting = _meeting(boris_client, manager_boris, dt.date(2026, 3, 12))

    joined = coaching_meeting_join(period=period, activity=meeting, by=head_of_sales)

    assert (joined.coaching_period, joined.joint) == (period, True)
    assert list(joined.participants.all()) == [head_of_sales]
    assert coaching_meetings_joinable(period=period) == []


@pytest.mark.parametrize(
    ("day", "state", "message"),
    [
        (dt.date(2026, 4, 1), ActivityState.PLANNED, "The meeting is outside the coaching period."),
        (dt.date(2026, 3, 5), ActivityState.CANCELLED, "The meeting was cancelled."),
    ],
)
def test_a_meeting_outside_the_period_or_cancelled_is_refused(
    period, boris_client, manager_boris, head_of_sales, day, state, message
):
    meeting = _meeting(boris_client, manager_boris, day, state)

    with pytest.raises(ValidationError) as refused:
        coaching_meeting_join(period=period, activity=meeting, by=head_of_sales)

    assert refused.value.message_dict == {"activity": [message]}
    meeting.refresh_from_db()
    assert (meeting.coaching_period_id, meeting.joint) == (None, False)
    assert not meeting.participants.exists()


def test_another_managers_meeting_is_refused(period, annas_client, manager_anna, head_of_sales):
    meeting = _meeting(annas_client, manager_anna, dt.date(2026, 3, 12))

    with pytest.raises(ValidationError) as refused:
        coaching_meeting_join(period=period, activity=meeting, by=head_of_sales)

    assert refused.value.message_dict == {
        "activity": ["This is not the coached manager's meeting."]
    }
    assert not meeting.participants.exists()
