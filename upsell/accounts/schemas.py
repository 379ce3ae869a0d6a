"""Building blocks of every app's API schemas: ids, text, money, pages, errors, users.

They live in accounts because it is the lowest app every API module may import (see the
layers contract in pyproject.toml).
"""

from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any

from django.db.models import Model, QuerySet
from ninja import Field, Schema
from pydantic import PlainSerializer, WithJsonSchema

from upsell.accounts.models import Role, User
from upsell.core.money import (
    MONEY_DIGITS,
    MONEY_LIMIT,
    MONEY_PLACES,
    MONEY_WHOLE_DIGITS,
    QUANTITY_PLACES,
)

# The largest 64-bit primary key: no row has a larger id, and databases reject larger numbers
# outright instead of finding nothing.
MAX_ID = 2**63 - 1
ObjectId = Annotated[int, Field(ge=1, le=MAX_ID)]

# PostgreSQL text cannot hold the NUL character: refuse it at the door (422), not in the
# database.
NO_NUL = r"^[^\x00]*$"


def text(max_length: int) -> Any:
    """A text field of at most ``max_length`` characters, as long as its database column."""
    return Field(max_length=max_length, pattern=NO_NUL)


def _decimal_text(places: int) -> PlainSerializer:
    quantum = Decimal(1).scaleb(-places)
    return PlainSerializer(lambda value: str(value.quantize(quantum)), return_type=str)


def _decimal_schema(places: int) -> WithJsonSchema:
    return WithJsonSchema(
        {
            "type": "string",
            "format": "decimal",
            "pattern": rf"^-?[0-9]+\.[0-9]{{{places}}}$",
            "examples": ["1234." + "5".ljust(places, "0")],
        }
    )


# Amounts travel as decimal strings ("1234.50"): a JSON number would pass through floats.
Money = Annotated[Decimal, _decimal_text(MONEY_PLACES), _decimal_schema(MONEY_PLACES)]
Quantity = Annotated[Decimal, _decimal_text(QUANTITY_PLACES), _decimal_schema(QUANTITY_PLACES)]
MoneyIn = Annotated[
    Decimal,
    Field(ge=0, lt=MONEY_LIMIT, max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES),
    WithJsonSchema(
        {
            "type": "string",
            "format": "decimal",
            "pattern": rf"^[0-9]{{1,{MONEY_WHOLE_DIGITS}}}(\.[0-9]{{1,{MONEY_PLACES}}})?$",
        }
    ),
]


def percent_of(value: Decimal | None) -> float | None:
    """A percentage with one decimal, for a figure that is a ratio, not money."""
    return None if value is None else float(value.quantize(Decimal("0.1"), ROUND_HALF_UP))


class PageParams(Schema):
    page: int = Field(1, ge=1, le=1_000_000, description="1 is the first page")
    page_size: int = Field(50, ge=1, le=500)

    def page_of[M: Model](self, items: QuerySet[M]) -> dict[str, Any]:
        """The page's slice of ``items`` and the count of them all."""
        start = (self.page - 1) * self.page_size
        return {
            "count": items.count(),
            "page": self.page,
            "page_size": self.page_size,
            "items": list(items[start : start + self.page_size]),
        }


class PageOut(Schema):
    """One page of a list; each list's schema adds its ``items``."""

    count: int = Field(description="items on all pages")
    page: int
    page_size: int


class ErrorOut(Schema):
    detail: str


class FieldErrorOut(Schema):
    loc: list[str | int] = Field(description='where: ["body", "tax_id"], ["query", "page"]…')
    msg: str
    type: str


class ValidationErrorOut(Schema):
    detail: list[FieldErrorOut]


def error_responses(*codes: int) -> dict[int, type[Schema]]:
    """The documented error answers of an operation, for its ``response=`` mapping."""
    return {code: ValidationErrorOut if code == 422 else ErrorOut for code in codes}


class UserRef(Schema):
    id: int
    username: str
    full_name: str


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    email: str
    role: Role
    role_label: str
    sees_all_sales: bool

    @staticmethod
    def resolve_role_label(user: User) -> str:
        return str(user.get_role_display())
