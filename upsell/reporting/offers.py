"""The nightly suggestions of what to offer each client: this module reads the shipment lines
from the database as Arrow, runs ``upsell.analytics.recommend`` and stores what it gives
through ``offers.services``.

Products and product groups are each a level of their own (a product without a group stays out
of the groups' level). At each level the candidates — popularity, item-kNN and EASE (which
refuses a catalogue beyond its limit) — are scored by a time split: fitted on the lines up to
``CALIBRATION_MONTHS`` before the night's date and scored on what the clients then bought for
the first time up to it. The best nDCG@k wins, as ``upsell recommend --model auto`` chooses;
the winner is refitted on the whole history up to the night's date and every client with a
line by then gets its top ``SUGGESTIONS_PER_CLIENT`` among the products (groups) it never
bought, each with its reason. A history that cannot choose a model records a run with "too
little data" and why, and leaves no suggestion.
"""

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
from django.utils import timezone

from upsell.analytics.recommend.lines import lines_from_table, monthly_spend_per_buyer
from upsell.analytics.recommend.models import MODEL_NAMES, ModelName
from upsell.analytics.recommend.pipeline import recommendations_run
from upsell.analytics.recommend.reasons import NO_ITEM
from upsell.core.months import months_after
from upsell.offers.models import SuggestionLevel, SuggestionRun
from upsell.offers.services import SUGGESTION_COLUMNS, RunFigures, suggestions_replace
from upsell.reporting.snapshots import shipment_lines_snapshot

SUGGESTIONS_PER_CLIENT = 10
CALIBRATION_MONTHS = 3
# ALS needs a Spark session, which a night on the embedded engine does not open.
NIGHTLY_MODELS: tuple[ModelName, ...] = tuple(model for model in MODEL_NAMES if model != "als")

_ITEM_COLUMN = {SuggestionLevel.PRODUCTS: "product_id", SuggestionLevel.GROUPS: "group"}


@dataclass(frozen=True, kw_only=True)
class OffersComputed:
    products: SuggestionRun
    groups: SuggestionRun


def _too_little(figures: RunFigures, note: str, computed_at: dt.datetime) -> SuggestionRun:
    return suggestions_replace(
        figures=RunFigures(
            level=figures.level,
            as_of=figures.as_of,
            k=figures.k,
            clients=figures.clients,
            items=figures.items,
            too_little_data=True,
            note=note,
        ),
        suggestions=pl.DataFrame(schema=SUGGESTION_COLUMNS),
        computed_at=computed_at,
    )


def level_compute(
    *,
    table: pa.Table,
    level: SuggestionLevel,
    as_of: dt.date,
    computed_at: dt.datetime,
    models: tuple[ModelName, ...] = NIGHTLY_MODELS,
) -> SuggestionRun:
    """One level's run from the shipment lines (``shipment_lines_snapshot``'s columns): choose
    among ``models``, suggest and store."""
    item_column = _ITEM_COLUMN[level]
    if level == SuggestionLevel.GROUPS:
        table = table.filter(pc.not_equal(table.column("group"), ""))
    base = RunFigures(level=level, as_of=as_of, k=SUGGESTIONS_PER_CLIENT)
    if table.num_rows == 0:
        return _too_little(base, f"no shipment line on or before {as_of}", computed_at)
    lines = lines_from_table(
        table=table,
        client_column="client_id",
        item_column=item_column,
        date_column="date",
        quantity_column="quantity",
        amount_column="amount",
    )
    counted = RunFigures(
        level=level,
        as_of=as_of,
        k=SUGGESTIONS_PER_CLIENT,
        clients=int(lines.clients.size),
        items=int(lines.items.size),
    )
    try:
        recommended = recommendations_run(
            lines=lines,
            calibration_end=months_after(as_of, -CALIBRATION_MONTHS),
            holdout_end=as_of,
            k=SUGGESTIONS_PER_CLIENT,
            models=models,
        )
    except ValueError as refusal:
        return _too_little(counted, str(refusal), computed_at)
    ranked, reasons = recommended.ranked, recommended.reasons
    item = lines.items[ranked.item_code]
    explained = reasons.because_of != NO_ITEM
    because_of = np.where(explained, lines.items[np.maximum(reasons.because_of, 0)], "")
    columns: dict[str, pl.Series] = {
        "client_id": pl.Series(lines.clients.astype(np.int64)[ranked.client_code]),
        "rank": pl.Series(ranked.rank),
        "score": pl.Series(ranked.score),
        "buyers": pl.Series(reasons.buyers),
        "among": pl.Series(reasons.among),
        "monthly_amount": pl.Series(
            np.round(monthly_spend_per_buyer(lines=lines, end=as_of)[ranked.item_code], 2)
        ).cast(pl.Decimal(scale=2)),
    }
    if level == SuggestionLevel.PRODUCTS:
        columns["product_id"] = pl.Series(item.astype(np.int64))
        # The products' codes are their ids: a suggestion without a product of the client's
        # own to explain it has no ``because_of``.
        columns["because_of_id"] = pl.Series(
            np.where(explained, because_of, "0").astype(np.int64)
        ).set(pl.Series(~explained), None)
    else:
        columns["group"] = pl.Series(item.astype(str))
        columns["because_of_group"] = pl.Series(because_of.astype(str))
    frame = pl.DataFrame(columns).with_columns(
        pl.lit(None, dtype).alias(name)
        for name, dtype in SUGGESTION_COLUMNS.items()
        if name not in columns
    )
    chosen = recommended.chosen
    return suggestions_replace(
        figures=RunFigures(
            level=level,
            as_of=as_of,
            k=SUGGESTIONS_PER_CLIENT,
            model=chosen.model,
            params=chosen.params,
            backtest={score.model: score.as_dict() for score in recommended.scores},
            clients=counted.clients,
            items=counted.items,
            clients_scored=int(recommended.split.scored.size),
        ),
        suggestions=frame,
        computed_at=computed_at,
    )


def offers_compute(*, as_of: dt.date) -> OffersComputed:
    """Compute the suggestions of products and of product groups as of ``as_of`` and store
    them in place of the last night's."""
    table = shipment_lines_snapshot(end=as_of)
    computed_at = timezone.now()
    return OffersComputed(
        products=level_compute(
            table=table, level=SuggestionLevel.PRODUCTS, as_of=as_of, computed_at=computed_at
        ),
        groups=level_compute(
            table=table, level=SuggestionLevel.GROUPS, as_of=as_of, computed_at=computed_at
        ),
    )
