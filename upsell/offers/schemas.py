import datetime as dt

from ninja import Schema


class SuggestedProductOut(Schema):
    id: int
    sku: str
    name: str


class SuggestionOut(Schema):
    rank: int
    product: SuggestedProductOut | None
    group: str
    buyers: int
    among: int
    because_of: str
    reason: str


class ClientSuggestionsOut(Schema):
    as_of: dt.date | None
    products: list[SuggestionOut]
    groups: list[SuggestionOut]
