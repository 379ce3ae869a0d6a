"""Coaching over the REST API: the same access funnel and services as the screens.

The head of sales opens and edits periods, writes notes and joins the coached manager's
meetings; top management reads every period, a manager its own. A period the caller may not see
answers 404, one it may see but not coach 403.
"""

import datetime as dt
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status

from upsell.accounts.http import authenticated_user
from upsell.accounts.models import User
from upsell.accounts.schemas import ObjectId, PageOut, PageParams, UserRef, error_responses, text
from upsell.deals.access import (
    activities_visible_to,
    can_coach,
    coaching_visible_to,
    get_coaching_period_for_user,
)
from upsell.deals.models import CoachingEffect, CoachingNote, CoachingPeriod
from upsell.deals.selectors.coaching import effect_words
from upsell.deals.services.coaching import (
    PeriodTerms,
    coaching_meeting_join,
    coaching_note_write,
    coaching_period_edit,
    coaching_period_open,
)

router = Router(tags=["coaching"])


class PeriodIn(Schema):
    manager_id: ObjectId = Field(description="the coached manager; a period keeps its manager")
    starts_on: dt.date
    ends_on: dt.date = Field(description="the period's last day")
    goals: Annotated[str, text(5000)] = ""


class PeriodOut(Schema):
    id: int
    manager: UserRef
    coach: UserRef | None
    starts_on: dt.date
    ends_on: dt.date
    goals: str
    created_at: dt.datetime


class PeriodPage(PageOut):
    items: list[PeriodOut]


class NoteIn(Schema):
    text: Annotated[str, text(5000)]


class NoteOut(Schema):
    id: int
    text: str
    written_by: UserRef | None
    written_at: dt.datetime


class JoinIn(Schema):
    activity_id: ObjectId


class JoinOut(Schema):
    activity_id: int
    joint: bool
    participant_ids: list[int]


class EffectOut(Schema):
    metric: str
    coached_before: float | None
    coached_after: float | None
    control_before: float | None
    control_after: float | None
    effect: float | None = Field(description="the difference in differences; null: too little")
    effect_low: float | None = Field(description="the 90 % interval's low end")
    effect_high: float | None
    control_managers: int
    too_little: str = Field(description="why there is no effect, as a code; empty with one")
    words: str = Field(description="the effect in one sentence, in the caller's language")
    measured_at: dt.datetime

    @staticmethod
    def resolve_words(effect: CoachingEffect) -> str:
        return effect_words(effect=effect)


def _manager(manager_id: int) -> User:
    manager = User.objects.filter(pk=manager_id).first()
    if manager is None:
        raise ValidationError({"manager_id": _("No such manager.")})
    return manager


def _coach(request: HttpRequest) -> User:
    user = authenticated_user(request)
    if not can_coach(user):
        raise PermissionDenied(_("Only the head of sales coaches."))
    return user


def _terms(payload: PeriodIn) -> PeriodTerms:
    return PeriodTerms(
        manager=_manager(payload.manager_id),
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        goals=payload.goals,
    )


@router.get("", response={200: PeriodPage, **error_responses(401, 422)})
def list_coaching_periods(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    """Every period for the head of sales and top management, a manager's own for a manager."""
    periods = coaching_visible_to(authenticated_user(request)).select_related("manager", "coach")
    return page.page_of(periods)


@router.post("", response={201: PeriodOut, **error_responses(400, 401, 403, 422)})
def create_coaching_period(request: HttpRequest, payload: PeriodIn) -> Status[CoachingPeriod]:
    user = _coach(request)
    return Status(201, coaching_period_open(terms=_terms(payload), by=user))


@router.get("/{period_id}", response={200: PeriodOut, **error_responses(401, 404, 422)})
def get_coaching_period(request: HttpRequest, period_id: Path[ObjectId]) -> CoachingPeriod:
    return get_coaching_period_for_user(authenticated_user(request), period_id)


@router.put("/{period_id}", response={200: PeriodOut, **error_responses(400, 401, 403, 404, 422)})
def update_coaching_period(
    request: HttpRequest, period_id: Path[ObjectId], payload: PeriodIn
) -> CoachingPeriod:
    user = authenticated_user(request)
    period = get_coaching_period_for_user(user, period_id, coach=True)
    return coaching_period_edit(period=period, terms=_terms(payload), by=user)


@router.get("/{period_id}/notes", response={200: list[NoteOut], **error_responses(401, 404, 422)})
def list_coaching_notes(request: HttpRequest, period_id: Path[ObjectId]) -> list[CoachingNote]:
    period = get_coaching_period_for_user(authenticated_user(request), period_id)
    return list(period.notes.select_related("written_by"))


@router.post(
    "/{period_id}/notes", response={201: NoteOut, **error_responses(400, 401, 403, 404, 422)}
)
def create_coaching_note(
    request: HttpRequest, period_id: Path[ObjectId], payload: NoteIn
) -> Status[CoachingNote]:
    user = authenticated_user(request)
    period = get_coaching_period_for_user(user, period_id, coach=True)
    return Status(201, coaching_note_write(period=period, text=payload.text, by=user))


@router.post(
    "/{period_id}/meetings", response={200: JoinOut, **error_responses(400, 401, 403, 404, 422)}
)
def join_coaching_meeting(
    request: HttpRequest, period_id: Path[ObjectId], payload: JoinIn
) -> dict[str, Any]:
    """The head of sales goes to one of the coached manager's meetings within the period."""
    user = authenticated_user(request)
    period = get_coaching_period_for_user(user, period_id, coach=True)
    activity = activities_visible_to(user).filter(pk=payload.activity_id).first()
    if activity is None:
        raise ValidationError({"activity_id": _("No such meeting.")})
    activity = coaching_meeting_join(period=period, activity=activity, by=user)
    return {
        "activity_id": activity.pk,
        "joint": activity.joint,
        "participant_ids": sorted(activity.participants.values_list("pk", flat=True)),
    }


@router.get(
    "/{period_id}/effects", response={200: list[EffectOut], **error_responses(401, 404, 422)}
)
def list_coaching_effects(request: HttpRequest, period_id: Path[ObjectId]) -> list[CoachingEffect]:
    """What the nightly run measured of the period, one row per figure."""
    period = get_coaching_period_for_user(authenticated_user(request), period_id)
    return list(period.effects.all())
