"""Coaching: the head of sales opens a period beside one manager, edits it, writes notes and
joins the manager's meetings; the nightly measure stores what the period changed.

A period names a manager and a coach who is head of sales, runs from its first to its last day
and overlaps no other period of the same manager. Every refusal names its field and writes
nothing.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from upsell.accounts.models import Role, User
from upsell.deals.models import (
    Activity,
    ActivityState,
    CoachingEffect,
    CoachingMetric,
    CoachingNote,
    CoachingPeriod,
)
from upsell.deals.services.activities import activity_participant_add

TEXT_LIMIT = 5000


@dataclass(frozen=True, kw_only=True)
class PeriodTerms:
    manager: User
    starts_on: dt.date
    ends_on: dt.date
    goals: str = ""


def _problems(terms: PeriodTerms, *, coach: User, period: CoachingPeriod | None) -> dict[str, str]:
    problems = {}
    if coach.role != Role.HEAD_OF_SALES or not coach.is_active:
        problems["coach"] = _("Only the head of sales coaches.")
    if terms.manager.role != Role.MANAGER or not terms.manager.is_active:
        problems["manager"] = _("A coaching period is for a manager at work.")
    if terms.ends_on < terms.starts_on:
        problems["ends_on"] = _("The period ends before it starts.")
    if len(terms.goals) > TEXT_LIMIT:
        problems["goals"] = _("The goals take at most %(limit)s characters.") % {
            "limit": TEXT_LIMIT
        }
    if "manager" not in problems and "ends_on" not in problems:
        overlapping = CoachingPeriod.objects.filter(
            manager=terms.manager, starts_on__lte=terms.ends_on, ends_on__gte=terms.starts_on
        )
        if period is not None:
            overlapping = overlapping.exclude(pk=period.pk)
        other = overlapping.order_by("starts_on").first()
        if other is not None:
            problems["starts_on"] = _(
                "This manager is already coached from %(start)s to %(end)s."
            ) % {"start": f"{other.starts_on:%d.%m.%Y}", "end": f"{other.ends_on:%d.%m.%Y}"}
    return problems


def _manager_locked(manager: User) -> None:
    """Two heads of sales opening periods for one manager at once see each other's."""
    User.objects.select_for_update().filter(pk=manager.pk).first()


@transaction.atomic
def coaching_period_open(*, terms: PeriodTerms, by: User) -> CoachingPeriod:
    """A new period with ``by`` as its coach."""
    _manager_locked(terms.manager)
    problems = _problems(terms, coach=by, period=None)
    if problems:
        raise ValidationError(problems)
    return CoachingPeriod.objects.create(
        manager=terms.manager,
        coach=by,
        starts_on=terms.starts_on,
        ends_on=terms.ends_on,
        goals=terms.goals,
        created_by=by,
    )


@transaction.atomic
def coaching_period_edit(*, period: CoachingPeriod, terms: PeriodTerms, by: User) -> CoachingPeriod:
    """The period's dates and goals changed; its manager stays (a new manager is a new
    period). The measured effects are forgotten until the next night measures them again."""
    _manager_locked(period.manager)
    if terms.manager.pk != period.manager_id:
        raise ValidationError({"manager": _("A period keeps its manager; open a new one.")})
    problems = _problems(terms, coach=by, period=period)
    if problems:
        raise ValidationError(problems)
    changed = (period.starts_on, period.ends_on) != (terms.starts_on, terms.ends_on)
    period.starts_on, period.ends_on, period.goals = terms.starts_on, terms.ends_on, terms.goals
    period.save(update_fields=["starts_on", "ends_on", "goals"])
    if changed:
        period.effects.all().delete()
    return period


@transaction.atomic
def coaching_note_write(*, period: CoachingPeriod, text: str, by: User) -> CoachingNote:
    text = text.strip()
    if by.role != Role.HEAD_OF_SALES or not by.is_active:
        raise ValidationError({"text": _("Only the head of sales coaches.")})
    if not text:
        raise ValidationError({"text": _("Write the note.")})
    if len(text) > TEXT_LIMIT:
        raise ValidationError(
            {"text": _("A note takes at most %(limit)s characters.") % {"limit": TEXT_LIMIT}}
        )
    return CoachingNote.objects.create(period=period, text=text, written_by=by)


def coaching_meetings_joinable(*, period: CoachingPeriod) -> list[Activity]:
    """The coached manager's calls, meetings and visits within the period, not cancelled, that
    the period has not joined yet."""
    return list(
        Activity.objects.filter(
            owner=period.manager,
            starts_at__date__gte=period.starts_on,
            starts_at__date__lte=period.ends_on,
            coaching_period__isnull=True,
        )
        .exclude(state=ActivityState.CANCELLED)
        .select_related("client")
        .order_by("starts_at", "id")
    )


@transaction.atomic
def coaching_meeting_join(*, period: CoachingPeriod, activity: Activity, by: User) -> Activity:
    """The head of sales goes to one of the coached manager's meetings within the period: it
    is among who went, the meeting is a joint visit and counts in the period."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if by.role != Role.HEAD_OF_SALES or not by.is_active:
        raise ValidationError({"activity": _("Only the head of sales coaches.")})
    if activity.owner_id != period.manager_id:
        raise ValidationError({"activity": _("This is not the coached manager's meeting.")})
    day = timezone.localdate(activity.starts_at)
    if not period.starts_on <= day <= period.ends_on:
        raise ValidationError({"activity": _("The meeting is outside the coaching period.")})
    if activity.state == ActivityState.CANCELLED:
        raise ValidationError({"activity": _("The meeting was cancelled.")})
    if activity.coaching_period_id not in (None, period.pk):
        raise ValidationError({"activity": _("The meeting counts in another coaching period.")})
    activity.coaching_period = period
    activity.save(update_fields=["coaching_period"])
    return activity_participant_add(activity=activity, person=by)


@dataclass(frozen=True, kw_only=True)
class EffectFigures:
    """One figure's measure of one period, as the nightly run gives it."""

    period_id: int
    metric: CoachingMetric
    coached_before: float | None
    coached_after: float | None
    control_before: float | None
    control_after: float | None
    effect: float | None
    effect_low: float | None
    effect_high: float | None
    control_managers: int
    too_little: str


@transaction.atomic
def coaching_effects_replace(*, figures: Iterable[EffectFigures], measured_at: dt.datetime) -> int:
    """The night's effects in place of the last night's, for every period at once: the rows
    stored. A period without a row this night keeps none."""
    rows = [
        CoachingEffect(
            period_id=figure.period_id,
            metric=figure.metric,
            coached_before=figure.coached_before,
            coached_after=figure.coached_after,
            control_before=figure.control_before,
            control_after=figure.control_after,
            effect=None if figure.too_little else figure.effect,
            effect_low=None if figure.too_little else figure.effect_low,
            effect_high=None if figure.too_little else figure.effect_high,
            control_managers=figure.control_managers,
            too_little=figure.too_little,
            measured_at=measured_at,
        )
        for figure in figures
    ]
    CoachingEffect.objects.all().delete()
    CoachingEffect.objects.bulk_create(rows)
    return len(rows)
