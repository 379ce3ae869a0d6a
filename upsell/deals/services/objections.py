"""Objections on a deal and the library of answers the head of sales curates.

An objection names its category, the client's words, the answer given (one of the library's,
its text taken unless the manager says it in its own words, or the manager's own words alone)
and its outcome. Logging one counts as activity on the deal. A won or lost deal takes no new
objections; their outcomes may still be set. An answer of the library is retired, never
deleted, so the objections it answered keep it and its record.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from upsell.accounts.models import User
from upsell.deals.models import (
    Deal,
    Objection,
    ObjectionAnswer,
    ObjectionCategory,
    ObjectionOutcome,
)

WORDS_MAX = 5000


def _category_checked(category: str) -> str:
    if category not in ObjectionCategory.values:
        raise ValidationError(
            {"category": _("%(category)s is not a category.") % {"category": category}}
        )
    return category


def _text_checked(text: str, field: str, *, required: bool) -> str:
    text = text.strip()
    if required and not text:
        raise ValidationError({field: _("This cannot be empty.")})
    if len(text) > WORDS_MAX:
        raise ValidationError({field: _("Write at most %(max)s characters.") % {"max": WORDS_MAX}})
    return text


def _outcome_checked(outcome: str) -> str:
    if outcome not in ObjectionOutcome.values:
        raise ValidationError(
            {"outcome": _("%(outcome)s is not an outcome.") % {"outcome": outcome}}
        )
    return outcome


def objection_log(
    *,
    deal: Deal,
    category: str,
    client_words: str,
    by: User,
    answer: ObjectionAnswer | None = None,
    answer_given: str = "",
    outcome: str = ObjectionOutcome.OPEN,
) -> Objection:
    """Log what the client objected on ``deal`` and what was answered."""
    category = _category_checked(category)
    client_words = _text_checked(client_words, "client_words", required=True)
    answer_given = _text_checked(answer_given, "answer_given", required=False)
    outcome = _outcome_checked(outcome)
    with transaction.atomic():
        deal = Deal.objects.select_for_update().get(pk=deal.pk)
        if not deal.is_open:
            raise ValidationError({"deal": _("A won or lost deal takes no new objections.")})
        if answer is not None:
            answer = ObjectionAnswer.objects.get(pk=answer.pk)
            if not answer.active:
                raise ValidationError({"answer": _("This answer is retired from the library.")})
            if answer.category != category:
                raise ValidationError(
                    {
                        "answer": _("The answer is for %(category)s objections.")
                        % {"category": ObjectionCategory(answer.category).label}
                    }
                )
            answer_given = answer_given or answer.text
        objection = Objection.objects.create(
            deal=deal,
            category=category,
            client_words=client_words,
            answer=answer,
            answer_given=answer_given,
            outcome=outcome,
            created_by=by,
        )
        Deal.objects.filter(pk=deal.pk).update(last_activity_at=timezone.now())
        return objection


def objection_outcome_set(*, objection: Objection, outcome: str) -> Objection:
    """How the objection ended; setting the outcome it has changes nothing."""
    outcome = _outcome_checked(outcome)
    with transaction.atomic():
        objection = Objection.objects.select_for_update().get(pk=objection.pk)
        if objection.outcome == outcome:
            return objection
        objection.outcome = outcome
        objection.save(update_fields=["outcome"])
        Deal.objects.filter(pk=objection.deal_id).update(last_activity_at=timezone.now())
        return objection


def answer_add(*, category: str, text: str, by: User) -> ObjectionAnswer:
    """A new answer in the library, for objections of ``category``."""
    return ObjectionAnswer.objects.create(
        category=_category_checked(category),
        text=_text_checked(text, "text", required=True),
        created_by=by,
    )


def answer_change(
    *, answer: ObjectionAnswer, text: str | None = None, active: bool | None = None
) -> ObjectionAnswer:
    """Reword an answer, retire it or bring it back. The objections it answered keep the words
    that were said."""
    with transaction.atomic():
        answer = ObjectionAnswer.objects.select_for_update().get(pk=answer.pk)
        changed = []
        if text is not None and text.strip() != answer.text:
            answer.text = _text_checked(text, "text", required=True)
            changed.append("text")
        if active is not None and active != answer.active:
            answer.active = active
            changed.append("active")
        if changed:
            answer.save(update_fields=changed)
        return answer
