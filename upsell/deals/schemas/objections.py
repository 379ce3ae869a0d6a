import datetime as dt
from typing import Annotated

from ninja import Field, Schema

from upsell.accounts.schemas import ObjectId, UserRef
from upsell.accounts.schemas import text as bounded
from upsell.deals.models import ObjectionCategory, ObjectionOutcome
from upsell.deals.services.objections import WORDS_MAX


class ObjectionOut(Schema):
    id: int
    deal_id: int
    category: ObjectionCategory
    client_words: str
    answer_id: int | None
    answer_given: str
    outcome: ObjectionOutcome
    created_by: UserRef | None
    created_at: dt.datetime


class ObjectionIn(Schema):
    category: ObjectionCategory
    client_words: Annotated[str, bounded(WORDS_MAX)]
    answer_id: ObjectId | None = Field(None, description="an answer of the library, in use")
    answer_given: Annotated[str, bounded(WORDS_MAX)] = Field(
        "", description="the words said; empty with a library answer takes its words"
    )
    outcome: ObjectionOutcome = ObjectionOutcome.OPEN


class ObjectionOutcomeIn(Schema):
    outcome: ObjectionOutcome


class AnswerOut(Schema):
    id: int
    category: ObjectionCategory
    text: str
    active: bool
    used: int = Field(description="objections answered with it")
    overcome: int = Field(description="of them, overcome")
    deals_won: int = Field(description="won deals it was used on")


class AnswerIn(Schema):
    category: ObjectionCategory
    text: Annotated[str, bounded(WORDS_MAX)]


class AnswerChangeIn(Schema):
    text: Annotated[str, bounded(WORDS_MAX)] | None = None
    active: bool | None = None
