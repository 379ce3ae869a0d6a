"""Reads of objections: a deal's objections and the library's record of each answer.

``answer_library`` is the one owner of an answer's figures: how often it was used, how often
the objection was overcome with it, and on how many won deals it was used.
"""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from upsell.deals.models import (
    Deal,
    DealStage,
    Objection,
    ObjectionAnswer,
    ObjectionCategory,
    ObjectionOutcome,
)


@dataclass(frozen=True, kw_only=True)
class AnswerRecord:
    answer: ObjectionAnswer
    used: int
    overcome: int
    deals_won: int

    @property
    def overcome_share(self) -> float | None:
        """The share of its uses that overcame the objection, in percent."""
        return None if not self.used else 100 * self.overcome / self.used


@dataclass(frozen=True, kw_only=True)
class LibraryCategory:
    category: str
    label: str
    answers: list[AnswerRecord]


def answer_records(
    *, answers: QuerySet[ObjectionAnswer], deals: QuerySet[Deal]
) -> list[AnswerRecord]:
    """Each answer's record, counted over the objections of ``deals`` (those the reader sees)."""
    seen = Q(objections__deal__in=deals)
    counted = answers.annotate(
        used=Count("objections", filter=seen, distinct=True),
        overcome=Count(
            "objections",
            filter=seen & Q(objections__outcome=ObjectionOutcome.OVERCOME),
            distinct=True,
        ),
        deals_won=Count(
            "objections__deal",
            filter=seen & Q(objections__deal__stage=DealStage.WON),
            distinct=True,
        ),
    ).order_by("category", "-active", "id")
    return [
        AnswerRecord(
            answer=answer,
            used=answer.used,
            overcome=answer.overcome,
            deals_won=answer.deals_won,
        )
        for answer in counted
    ]


def answer_library(*, deals: QuerySet[Deal], active_only: bool = False) -> list[LibraryCategory]:
    """The library by category, in the categories' order, each answer with its record."""
    answers = ObjectionAnswer.objects.all()
    if active_only:
        answers = answers.filter(active=True)
    records = answer_records(answers=answers, deals=deals)
    return [
        LibraryCategory(
            category=category.value,
            label=str(category.label),
            answers=[record for record in records if record.answer.category == category.value],
        )
        for category in ObjectionCategory
    ]


def deal_objections(deal: Deal) -> QuerySet[Objection]:
    return deal.objections.select_related("answer", "created_by").order_by("created_at", "pk")
