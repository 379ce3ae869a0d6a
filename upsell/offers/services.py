"""Storing a night's suggestions: the one writer of ``SuggestionRun`` and ``Suggestion``."""

import datetime as dt
from dataclasses import dataclass, field

import polars as pl
from django.db import transaction

from upsell.core.bulk import rows_insert
from upsell.offers.models import Suggestion, SuggestionLevel, SuggestionRun

# The columns of the suggestions a run stores, one row per suggestion; ``product_id`` and
# ``because_of_id`` are null on a run of groups, ``group`` and ``because_of_group`` empty on a
# run of products, ``because_of…`` null or empty when the reason counts every buyer.
SUGGESTION_COLUMNS: dict[str, pl.DataType] = {
    "client_id": pl.Int64(),
    "product_id": pl.Int64(),
    "group": pl.String(),
    "rank": pl.Int64(),
    "score": pl.Float64(),
    "buyers": pl.Int64(),
    "among": pl.Int64(),
    "because_of_id": pl.Int64(),
    "because_of_group": pl.String(),
    "monthly_amount": pl.Decimal(scale=2),
}


@dataclass(frozen=True, kw_only=True)
class RunFigures:
    """What a night's computation at one level found, stored on its run."""

    level: SuggestionLevel
    as_of: dt.date
    k: int
    model: str = ""
    params: dict[str, float] = field(default_factory=dict)
    backtest: dict[str, object] = field(default_factory=dict)
    clients: int = 0
    items: int = 0
    clients_scored: int = 0
    too_little_data: bool = False
    note: str = ""


def suggestions_replace(
    *, figures: RunFigures, suggestions: pl.DataFrame, computed_at: dt.datetime
) -> SuggestionRun:
    """Record a run and store its ``suggestions`` (``SUGGESTION_COLUMNS``) in place of the
    previous run's of the same level, in one transaction; earlier runs stay as history."""
    missing = set(SUGGESTION_COLUMNS) - set(suggestions.columns)
    if missing:
        raise ValueError(f"the suggestions lack the columns {sorted(missing)}")
    frame = suggestions.select(
        pl.col(name).cast(dtype) for name, dtype in SUGGESTION_COLUMNS.items()
    ).with_columns(pl.col("group", "because_of_group").fill_null(""))
    with transaction.atomic():
        run = SuggestionRun.objects.create(
            level=figures.level,
            computed_at=computed_at,
            as_of=figures.as_of,
            model=figures.model,
            params=figures.params,
            backtest=figures.backtest,
            k=figures.k,
            clients=figures.clients,
            items=figures.items,
            clients_scored=figures.clients_scored,
            suggestions=frame.height,
            too_little_data=figures.too_little_data,
            note=figures.note,
        )
        Suggestion.objects.filter(run__level=figures.level).exclude(run=run).delete()
        rows_insert(model=Suggestion, frame=frame.with_columns(run_id=pl.lit(run.pk, pl.Int64)))
    return run
