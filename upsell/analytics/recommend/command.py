"""The analysts' entry point: choose a model on a sales-lines file and recommend with it.

``upsell recommend`` (a management command) parses its arguments, calls
``recommend_command_run`` and writes the table it returns through the project's CSV writer.

The model is chosen and the recommendations made as ``pipeline`` does for the nightly
suggestions too: a backtest on calibration → holdout, then a refit on everything up to the
holdout end, for use after it. Lines after the holdout end are left out and counted.
"""

import datetime as dt
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv

from upsell.analytics.recommend.lines import Lines, date_to_day, lines_from_table, net_quantities
from upsell.analytics.recommend.models import MODEL_NAMES, ModelName, item_buyers
from upsell.analytics.recommend.pipeline import recommendations_run
from upsell.analytics.recommend.reasons import NO_ITEM

type ModelChoice = ModelName | Literal["auto"]

OUTPUT_COLUMNS = (
    "customer_id",
    "item_id",
    "rank",
    "score",
    "buyers",
    "among",
    "because_of",
    "amount_per_buyer",
)


def lines_read(*, path: Path, max_rows: int, max_columns: int) -> pa.Table:
    """The file's cells as text, refused beyond ``max_rows`` lines or ``max_columns`` columns.

    The caller checks the file's size before. A compressed file is read as it is, never
    inflated.
    """
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ValueError(f"{path}: {error.strerror or error}") from error
    if not data.strip():
        raise ValueError(f"{path}: the file is empty")
    first_line = data[: data.find(b"\n") + 1 if b"\n" in data else len(data)]
    # Separated by commas, or by semicolons or tabs as a Russian Excel or 1C writes them.
    delimiter = max((",", ";", "\t"), key=lambda mark: first_line.count(mark.encode()))
    parse = pa_csv.ParseOptions(delimiter=delimiter)
    try:
        header = pa_csv.read_csv(pa.BufferReader(first_line), parse_options=parse).column_names
    except pa.ArrowInvalid as error:
        raise ValueError(f"{path}: {error}") from error
    if len(header) > max_columns:
        raise ValueError(
            f"{path}: the file has {len(header)} columns; a file may have {max_columns} at most"
        )
    try:
        table = pa_csv.read_csv(
            pa.BufferReader(data),
            parse_options=parse,
            convert_options=pa_csv.ConvertOptions(
                column_types={name: pa.string() for name in header},
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )
    except pa.ArrowInvalid as error:
        raise ValueError(f"{path}: {error}") from error
    if table.num_rows > max_rows:
        raise ValueError(
            f"{path}: the file has {table.num_rows} lines; a file may have {max_rows} at most"
        )
    return table


def _amount_per_buyer(lines: Lines, end: dt.date, matrix: Any) -> np.ndarray:
    """Per item, the net amount its buyers spent on it up to ``end``, per buyer."""
    amounts = net_quantities(
        lines=Lines(
            lines.clients,
            lines.items,
            lines.client_code,
            lines.item_code,
            lines.day,
            lines.amount,
            lines.amount,
        ),
        start=None,
        end=end,
    )
    spent = np.asarray(amounts.multiply(matrix).sum(axis=0)).ravel()
    buyers = item_buyers(matrix)
    return np.divide(spent, buyers, out=np.zeros_like(spent), where=buyers > 0)


def recommend_command_run(
    *,
    lines_path: Path,
    calibration_end: dt.date,
    holdout_end: dt.date,
    k: int,
    model: ModelChoice,
    client_column: str,
    item_column: str,
    date_column: str,
    quantity_column: str,
    amount_column: str,
    max_rows: int,
    max_columns: int,
    spark: Any = None,
) -> tuple[dict[str, object], pa.Table]:
    """The backtest's report (printed as JSON) and the recommendations (``OUTPUT_COLUMNS``).

    ``spark``, a ``SparkSession``, puts ALS among the candidates. Raises ``ValueError`` on bad
    input, naming the column and row or the reason.
    """
    # Refused before the file is read.
    if k < 1:
        raise ValueError("k must be at least 1")
    if holdout_end <= calibration_end:
        raise ValueError("the holdout end must come after the calibration end")
    table = lines_read(
        path=lines_path,
        max_rows=max_rows,
        max_columns=max_columns,
    )
    try:
        lines = lines_from_table(
            table=table,
            client_column=client_column,
            item_column=item_column,
            date_column=date_column,
            quantity_column=quantity_column,
            amount_column=amount_column,
        )
    except ValueError as error:
        raise ValueError(f"{lines_path}: {error}") from error
    recommended = recommendations_run(
        lines=lines,
        calibration_end=calibration_end,
        holdout_end=holdout_end,
        k=k,
        models=MODEL_NAMES if model == "auto" else (model,),
        spark=spark,
    )
    split, scores, chosen = recommended.split, recommended.scores, recommended.chosen
    matrix, ranked, reasons = recommended.matrix, recommended.ranked, recommended.reasons
    holdout_day = date_to_day(holdout_end)
    items_with_empty = np.append(lines.items, "")
    result = ranked.to_arrow(clients=lines.clients, items=lines.items)
    result = result.append_column("buyers", pa.array(reasons.buyers))
    result = result.append_column("among", pa.array(reasons.among))
    result = result.append_column(
        "because_of",
        pa.array(items_with_empty[np.where(reasons.because_of == NO_ITEM, -1, reasons.because_of)]),
    )
    result = result.append_column(
        "amount_per_buyer",
        pa.array(np.round(_amount_per_buyer(lines, holdout_end, matrix)[ranked.item_code], 2)),
    )

    report: dict[str, object] = {
        "model": chosen.model,
        "requested": model,
        "params": chosen.params,
        "k": k,
        "calibration_end": calibration_end.isoformat(),
        "holdout_end": holdout_end.isoformat(),
        "lines": int(lines.day.size),
        "lines_after_holdout_end": int((lines.day > holdout_day).sum()),
        "clients": int(lines.clients.size),
        "items": int(lines.items.size),
        "backtest": {
            "clients_scored": int(split.scored.size),
            "clients_without_new_items": split.without_new_items,
            "clients_new_in_holdout": split.new_in_holdout,
            "models": {score.model: score.as_dict() for score in scores},
        },
        "recommendations": {
            "fitted_through": holdout_end.isoformat(),
            "clients": int(np.unique(ranked.client_code).size),
            "rows": int(ranked.client_code.size),
        },
    }
    return report, result
