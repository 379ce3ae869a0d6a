"""Objections and the library of answers over the REST API, under the deals' access rules."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Router, Status

from upsell.accounts.http import authenticated_user
from upsell.accounts.models import Role, User
from upsell.accounts.schemas import ObjectId, error_responses
from upsell.deals.access import (
    can_keep_closing_lists,
    can_work_deal,
    deals_visible_to,
    get_deal_for_user,
)
from upsell.deals.models import Objection, ObjectionAnswer
from upsell.deals.schemas.objections import (
    AnswerChangeIn,
    AnswerIn,
    AnswerOut,
    ObjectionIn,
    ObjectionOut,
    ObjectionOutcomeIn,
)
from upsell.deals.selectors.objections import AnswerRecord, answer_records
from upsell.deals.services.objections import (
    answer_add,
    answer_change,
    objection_log,
    objection_outcome_set,
)

router = Router(tags=["deals"])


def _record_out(record: AnswerRecord) -> dict[str, Any]:
    answer = record.answer
    return {
        "id": answer.pk,
        "category": answer.category,
        "text": answer.text,
        "active": answer.active,
        "used": record.used,
        "overcome": record.overcome,
        "deals_won": record.deals_won,
    }


def _answer_out(user: User, answer: ObjectionAnswer) -> dict[str, Any]:
    [record] = answer_records(
        answers=ObjectionAnswer.objects.filter(pk=answer.pk), deals=deals_visible_to(user)
    )
    return _record_out(record)


def _curates(user: User) -> None:
    if not can_keep_closing_lists(user):
        raise PermissionDenied(_("Only the head of sales curates the library."))


@router.get("/answers", response={200: list[AnswerOut], **error_responses(401, 403)})
def list_answers(request: HttpRequest) -> list[dict[str, Any]]:
    """The library: every answer with how often it was used, overcame and was on a won deal
    (counted over the deals the caller sees)."""
    user = authenticated_user(request)
    if not (
        user.is_active and user.role in (Role.MANAGER, Role.HEAD_OF_SALES, Role.TOP_MANAGEMENT)
    ):
        raise PermissionDenied(_("Deals are the business of sales."))
    records = answer_records(answers=ObjectionAnswer.objects.all(), deals=deals_visible_to(user))
    return [_record_out(record) for record in records]


@router.post("/answers", response={201: AnswerOut, **error_responses(400, 401, 403, 422)})
def create_answer(request: HttpRequest, payload: AnswerIn) -> Status[dict[str, Any]]:
    user = authenticated_user(request)
    _curates(user)
    answer = answer_add(category=payload.category, text=payload.text, by=user)
    return Status(201, _answer_out(user, answer))


@router.patch(
    "/answers/{answer_id}", response={200: AnswerOut, **error_responses(400, 401, 403, 404, 422)}
)
def update_answer(
    request: HttpRequest, answer_id: Path[ObjectId], payload: AnswerChangeIn
) -> dict[str, Any]:
    """Reword an answer, retire it or bring it back."""
    user = authenticated_user(request)
    _curates(user)
    answer = ObjectionAnswer.objects.filter(pk=answer_id).first()
    if answer is None:
        raise Http404("No such answer")
    return _answer_out(user, answer_change(answer=answer, text=payload.text, active=payload.active))


@router.get(
    "/objections/{objection_id}", response={200: ObjectionOut, **error_responses(401, 404, 422)}
)
def get_objection(request: HttpRequest, objection_id: Path[ObjectId]) -> Objection:
    return _objection_for(authenticated_user(request), objection_id)


def _objection_for(user: User, objection_id: int) -> Objection:
    try:
        return (
            Objection.objects.filter(deal__in=deals_visible_to(user))
            .select_related("deal", "created_by")
            .get(pk=objection_id)
        )
    except Objection.DoesNotExist:
        raise Http404("No such objection") from None


@router.patch(
    "/objections/{objection_id}",
    response={200: ObjectionOut, **error_responses(400, 401, 403, 404, 422)},
)
def update_objection(
    request: HttpRequest, objection_id: Path[ObjectId], payload: ObjectionOutcomeIn
) -> Objection:
    """Set how the objection ended."""
    user = authenticated_user(request)
    objection = _objection_for(user, objection_id)
    if not can_work_deal(user, objection.deal):
        raise PermissionDenied(_("Only the deal's manager or the head of sales works a deal."))
    return objection_outcome_set(objection=objection, outcome=payload.outcome)


@router.get(
    "/{deal_id}/objections", response={200: list[ObjectionOut], **error_responses(401, 404, 422)}
)
def list_deal_objections(request: HttpRequest, deal_id: Path[ObjectId]) -> Any:
    deal = get_deal_for_user(authenticated_user(request), deal_id)
    return deal.objections.select_related("created_by").order_by("created_at", "pk")


@router.post(
    "/{deal_id}/objections",
    response={201: ObjectionOut, **error_responses(400, 401, 403, 404, 422)},
)
def log_objection(
    request: HttpRequest, deal_id: Path[ObjectId], payload: ObjectionIn
) -> Status[Objection]:
    """Log an objection on the deal, answered from the library or in the caller's own words."""
    user = authenticated_user(request)
    deal = get_deal_for_user(user, deal_id, work=True)
    answer = None
    if payload.answer_id is not None:
        answer = ObjectionAnswer.objects.filter(pk=payload.answer_id).first()
        if answer is None:
            raise ValidationError({"answer_id": _("No such answer in the library.")})
    objection = objection_log(
        deal=deal,
        category=payload.category,
        client_words=payload.client_words,
        answer=answer,
        answer_given=payload.answer_given,
        outcome=payload.outcome,
        by=user,
    )
    return Status(201, objection)
