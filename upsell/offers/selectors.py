"""Reading a client's suggestions, each with its reason in words."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from upsell.clients.models import Client
from upsell.offers.models import Suggestion, SuggestionLevel, SuggestionRun
from upsell.products.models import Product


@dataclass(frozen=True, kw_only=True)
class SuggestionShown:
    """A suggestion as a page and the API show it: a product (with its group) or a group."""

    level: SuggestionLevel
    rank: int
    product: Product | None
    group: str
    buyers: int
    among: int
    because_of: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class ClientSuggestions:
    """A client's suggestions of products and of groups, and the runs that made them (None
    before the first run of a level)."""

    products: list[SuggestionShown]
    groups: list[SuggestionShown]
    products_run: SuggestionRun | None
    groups_run: SuggestionRun | None

    @property
    def as_of(self) -> dt.date | None:
        runs = [run.as_of for run in (self.products_run, self.groups_run) if run is not None]
        return max(runs, default=None)


def suggestion_reason(*, buyers: int, among: int, because_of: str) -> str:
    """ "bought by 34 of the 40 clients who buy <product>", or "… of the 5 000 clients" when
    the count is over every client who bought anything."""
    if because_of:
        return _("bought by {buyers} of the {among} clients who buy {item}").format(
            buyers=buyers, among=among, item=because_of
        )
    return _("bought by {buyers} of the {among} clients").format(buyers=buyers, among=among)


def _shown(suggestion: Suggestion, level: SuggestionLevel) -> SuggestionShown:
    because_of = (
        suggestion.because_of.name
        if suggestion.because_of is not None
        else suggestion.because_of_group
    )
    return SuggestionShown(
        level=level,
        rank=suggestion.rank,
        product=suggestion.product,
        group=suggestion.product.group if suggestion.product is not None else suggestion.group,
        buyers=suggestion.buyers,
        among=suggestion.among,
        because_of=because_of,
        reason=suggestion_reason(
            buyers=suggestion.buyers, among=suggestion.among, because_of=because_of
        ),
    )


def latest_runs(*, level: SuggestionLevel) -> QuerySet[SuggestionRun]:
    """The runs of ``level``, the latest first: the one whose suggestions are shown."""
    return SuggestionRun.objects.filter(level=level).order_by("-computed_at", "-pk")


def latest_run(*, level: SuggestionLevel) -> SuggestionRun | None:
    return latest_runs(level=level).first()


def client_suggestions(*, client: Client) -> ClientSuggestions:
    """What to offer ``client`` from the latest run of each level, by rank."""
    products_run = latest_run(level=SuggestionLevel.PRODUCTS)
    groups_run = latest_run(level=SuggestionLevel.GROUPS)
    shown: dict[SuggestionLevel, list[SuggestionShown]] = {level: [] for level in SuggestionLevel}
    runs = {run.pk: run for run in (products_run, groups_run) if run is not None}
    rows = (
        Suggestion.objects.filter(client=client, run_id__in=runs)
        .select_related("product", "because_of")
        .order_by("rank")
    )
    for suggestion in rows:
        level = SuggestionLevel(runs[suggestion.run_id].level)
        shown[level].append(_shown(suggestion, level))
    return ClientSuggestions(
        products=shown[SuggestionLevel.PRODUCTS],
        groups=shown[SuggestionLevel.GROUPS],
        products_run=products_run,
        groups_run=groups_run,
    )
