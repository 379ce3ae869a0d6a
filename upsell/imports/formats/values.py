"""Parsing the text cells of a column into values, a whole column at a time.

Each parser takes a frame with one column, ``cell`` (text already stripped, null when
empty), and gives the frame of the parsed ``value`` (null when empty or wrong) and the
``problem`` with each cell (null when it is fine or empty); required-but-empty is the
validator's concern. The steps are materialised one by one: one polars expression nesting
another's parts would copy them, and a deep enough tree costs more to plan than to run.

Numbers are polars Decimals: exact, never floats.
"""

import polars as pl
from django.utils.translation import gettext as _

from upsell.core.money import (
    MONEY_PLACES,
    MONEY_WHOLE_DIGITS,
    QUANTITY_PLACES,
    QUANTITY_WHOLE_DIGITS,
)
from upsell.core.tax_ids import KPP_PATTERN

CELL = "cell"
VALUE = "value"
PROBLEM = "problem"
# Spaces, non-breaking spaces (U+00A0, as 1C writes thousands) and narrow ones (U+202F).
_THOUSANDS = r"[ \u00a0\u202f]"
_RU_DATE = r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$"
_ISO_DATE = r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
_NUMBER = r"^(?<sign>[-+]?)(?<whole>\d+)(?:[.,](?<fraction>\d*))?$"
_INN_WEIGHTS_10 = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN_WEIGHTS_11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN_WEIGHTS_12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
# The apostrophe ``upsell.core.spreadsheets.text_neutralised`` puts before a text that begins
# with one of its FORMULA_STARTS.
_NEUTRALISED = r"^'[=+@\t\r-]"
TRUE_WORDS = ("да", "yes", "true", "1", "y", "д", "истина")
FALSE_WORDS = ("нет", "no", "false", "0", "n", "н", "ложь")


def quoted(cell: pl.Expr) -> pl.Expr:
    return pl.concat_str(pl.lit("«"), cell, pl.lit("»"))


def message(template: str, cell: pl.Expr) -> pl.Expr:
    """``template`` with its ``{}`` replaced by the cell in quotes."""
    before, _braces, after = template.partition("{}")
    return pl.concat_str(pl.lit(before), quoted(cell), pl.lit(after))


def text_clean(cell: pl.Expr) -> pl.Expr:
    """The cell without surrounding spaces, null when nothing is left. A text the product's own
    files wrote with an apostrophe before a formula's first character (``'=HYPERLINK(…)``, see
    ``upsell.core.spreadsheets``) is read back without it: an exported list imports as it was."""
    stripped = cell.str.strip_chars()
    restored = (
        pl.when(stripped.str.contains(_NEUTRALISED)).then(stripped.str.slice(1)).otherwise(stripped)
    )
    return pl.when(stripped != "").then(restored)


def date_parse(cells: pl.DataFrame) -> pl.DataFrame:
    """``31.12.2025``, ``31.12.2025 0:00:00`` (1C), ISO ``2025-12-31``; a time is dropped."""
    cell = pl.col(CELL)
    frame = cells.with_columns(
        cell.str.extract_groups(_RU_DATE).alias("ru"),
        cell.str.extract_groups(_ISO_DATE).alias("iso"),
    ).with_columns(
        pl.coalesce(pl.col("ru").struct.field("3"), pl.col("iso").struct.field("1")).alias("y"),
        pl.coalesce(pl.col("ru").struct.field("2"), pl.col("iso").struct.field("2"))
        .str.zfill(2)
        .alias("m"),
        pl.coalesce(pl.col("ru").struct.field("1"), pl.col("iso").struct.field("3"))
        .str.zfill(2)
        .alias("d"),
    )
    frame = frame.with_columns(
        pl.when(pl.col("y").cast(pl.Int32, strict=False).is_between(1900, 2199))
        .then(pl.concat_str("y", "m", "d", separator="-").str.to_date("%Y-%m-%d", strict=False))
        .alias(VALUE)
    )
    return _explained(frame, _("not a date: {} (write 31.12.2025)"))


# A month by name, in Russian (as a period is written, «Январь 2026», or «января») or English,
# whole or in three letters.
_MONTH_NAMES: dict[str, int] = {
    name: number
    for number, names in enumerate(
        (
            ("январь", "января", "янв", "january", "jan"),
            ("февраль", "февраля", "фев", "february", "feb"),
            ("март", "марта", "мар", "march", "mar"),
            ("апрель", "апреля", "апр", "april", "apr"),
            ("май", "мая", "may"),
            ("июнь", "июня", "июн", "june", "jun"),
            ("июль", "июля", "июл", "july", "jul"),
            ("август", "августа", "авг", "august", "aug"),
            ("сентябрь", "сентября", "сен", "сент", "september", "sep", "sept"),
            ("октябрь", "октября", "окт", "october", "oct"),
            ("ноябрь", "ноября", "ноя", "november", "nov"),
            ("декабрь", "декабря", "дек", "december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_NUMBERED_MONTH = r"^(\d{1,2})\.(\d{4})$"
_ISO_MONTH = r"^(\d{4})-(\d{1,2})$"
_NAMED_MONTH = r"^(\p{L}+)\.?\s+(\d{4})(?:\s*г\.?)?$"


def month_column_parse(cells: pl.DataFrame) -> pl.DataFrame:
    """A month as its first day: ``01.2026``, ``2026-01``, ``Январь 2026`` (1C's period),
    ``January 2026``, or the date of its first day (``01.01.2026``)."""
    word = pl.col(CELL).str.to_lowercase().str.replace_all("ё", "е")
    dates = date_parse(cells).get_column(VALUE)
    frame = cells.with_columns(
        word.str.extract_groups(_NUMBERED_MONTH).alias("numbered"),
        word.str.extract_groups(_ISO_MONTH).alias("iso"),
        word.str.extract_groups(_NAMED_MONTH).alias("named"),
        dates.alias("date"),
    ).with_columns(
        pl.coalesce(
            pl.col("numbered").struct.field("2"),
            pl.col("iso").struct.field("1"),
            pl.col("named").struct.field("2"),
        )
        .cast(pl.Int32, strict=False)
        .alias("y"),
        pl.coalesce(
            pl.col("numbered").struct.field("1").cast(pl.Int32, strict=False),
            pl.col("iso").struct.field("2").cast(pl.Int32, strict=False),
            pl.col("named")
            .struct.field("1")
            .replace_strict(_MONTH_NAMES, default=None, return_dtype=pl.Int32),
        ).alias("m"),
    )
    frame = frame.with_columns(
        pl.when(pl.col("date").dt.day() == 1)
        .then(pl.col("date"))
        .when(pl.col("y").is_between(1900, 2199) & pl.col("m").is_between(1, 12))
        .then(pl.date(pl.col("y"), pl.col("m"), 1))
        .alias(VALUE)
    )
    return _explained(frame, _("not a month: {} (write 01.2026 or Январь 2026)"))


def decimal_parse(cells: pl.DataFrame, *, places: int, max_digits: int) -> pl.DataFrame:
    """A number as polars' exact Decimal: ``-1 234,56`` is -1234.56.

    The whole column goes through one anchored regex and a cast; the reason a cell is wrong
    is worked out for the wrong cells only.
    """
    cell = pl.col(CELL)
    whole_digits = max_digits - places
    # Digits with thousands spaces, then at most ``places`` decimals (and trailing zeros).
    valid = cell.str.contains(rf"^[-+]?[0-9 \u00a0\u202f]+(?:[.,][0-9]{{0,{places}}}0*)?$")
    text = cell
    if cells.select(cell.str.contains(r"[ \u00a0\u202f,]").any()).item():
        text = cell.str.replace_many([" ", "\u00a0", "\u202f", ","], ["", "", "", "."])
    frame = cells.with_columns(
        pl.when(valid)
        .then(text.cast(pl.Decimal(max_digits + 2, places), strict=False))
        .alias(VALUE)
    )
    frame = frame.with_columns(
        pl.when(pl.col(VALUE).abs() >= 10**whole_digits)
        .then(None)
        .otherwise(pl.col(VALUE))
        .alias(VALUE)
    )
    return _explained(frame, _number_problem(places=places, whole_digits=whole_digits))


def money_column_parse(cells: pl.DataFrame) -> pl.DataFrame:
    """An amount of money, within the bound every entry of the product keeps
    (``upsell.core.money``: 13 digits before the point, kopecks after it)."""
    return decimal_parse(cells, places=MONEY_PLACES, max_digits=MONEY_WHOLE_DIGITS + MONEY_PLACES)


def quantity_column_parse(cells: pl.DataFrame) -> pl.DataFrame:
    """A quantity: 12 digits before the point, thousandths after it."""
    return decimal_parse(
        cells, places=QUANTITY_PLACES, max_digits=QUANTITY_WHOLE_DIGITS + QUANTITY_PLACES
    )


def _number_problem(*, places: int, whole_digits: int) -> pl.Expr:
    parts = pl.col(CELL).str.replace_all(_THOUSANDS, "").str.extract_groups(_NUMBER)
    whole = parts.struct.field("whole").str.strip_chars_start("0")
    fraction = parts.struct.field("fraction").fill_null("").str.strip_chars_end("0")
    return (
        pl.when(parts.struct.field("whole").is_null())
        .then(message(_("not a number: {} (write 1 234,56)"), pl.col(CELL)))
        .when(fraction.str.len_chars() > places)
        .then(
            message(
                _("more than {places} digits after the decimal point: {}").replace(
                    "{places}", str(places)
                ),
                pl.col(CELL),
            )
        )
        .when(whole.str.len_chars() > whole_digits)
        .then(message(_("the number is too large: {}"), pl.col(CELL)))
        .otherwise(message(_("not a number: {} (write 1 234,56)"), pl.col(CELL)))
    )


def _explained(frame: pl.DataFrame, explanation: pl.Expr | str) -> pl.DataFrame:
    """``frame`` with the PROBLEM of each cell that has text but no VALUE, worked out (by
    ``explanation``, an expression of CELL or a template for it) for those cells alone."""
    if isinstance(explanation, str):
        explanation = message(explanation, pl.col(CELL))
    bad = frame.with_row_index("_index").filter(
        pl.col(CELL).is_not_null() & pl.col(VALUE).is_null()
    )
    problems = bad.select("_index", explanation.alias(PROBLEM))
    problem = pl.repeat(None, frame.height, dtype=pl.String, eager=True).alias(PROBLEM)
    if problems.height:
        problem = problem.scatter(problems.get_column("_index"), problems.get_column(PROBLEM))
    return frame.with_columns(problem).select(CELL, VALUE, PROBLEM)


def integer_parse(cells: pl.DataFrame, *, low: int, high: int, problem: str) -> pl.DataFrame:
    cell = pl.col(CELL)
    frame = cells.with_columns(
        cell.str.replace_all(_THOUSANDS, "").cast(pl.Int64, strict=False).alias(VALUE)
    ).with_columns(pl.when(pl.col(VALUE).is_between(low, high)).then(pl.col(VALUE)).alias(VALUE))
    return _explained(frame, problem)


def bool_parse(cells: pl.DataFrame) -> pl.DataFrame:
    """Да/Нет, yes/no, true/false, 1/0; empty is no."""
    word = pl.col(CELL).str.to_lowercase()
    frame = cells.with_columns(
        pl.when(pl.col(CELL).is_null() | word.is_in(FALSE_WORDS))
        .then(pl.lit(value=False))
        .when(word.is_in(TRUE_WORDS))
        .then(pl.lit(value=True))
        .alias(VALUE)
    )
    return _explained(frame, _("not yes or no: {} (write Да or Нет)"))


def _check_digit(digits: str, weights: tuple[int, ...]) -> pl.Expr:
    total = pl.sum_horizontal(
        pl.col(digits).str.slice(i, 1).cast(pl.Int64, strict=False) * weight
        for i, weight in enumerate(weights)
    )
    return (total % 11 % 10).cast(pl.String)


def _tax_id_valid(frame: pl.DataFrame, digits: str, alias: str) -> pl.DataFrame:
    """Whether column ``digits`` is a 10- or 12-digit ИНН whose check digits add up."""
    length = pl.col(digits).str.len_chars()
    frame = frame.with_columns(
        _check_digit(digits, _INN_WEIGHTS_10).alias("c10"),
        _check_digit(digits, _INN_WEIGHTS_11).alias("c11"),
        _check_digit(digits, _INN_WEIGHTS_12).alias("c12"),
    )
    last = pl.col(digits).str.slice
    return frame.with_columns(
        (
            pl.col(digits).str.contains(r"^\d+$")
            & pl.when(length == 10)
            .then(pl.col("c10") == last(9, 1))
            .when(length == 12)
            .then((pl.col("c11") == last(10, 1)) & (pl.col("c12") == last(11, 1)))
            .otherwise(pl.lit(value=False))
        )
        .fill_null(value=False)
        .alias(alias)
    ).drop("c10", "c11", "c12")


def tax_id_parse(cells: pl.DataFrame) -> pl.DataFrame:
    """ИНН: 10 digits (an organisation) or 12 (an individual entrepreneur) with check digits.

    A spreadsheet that took the ИНН for a number drops its leading zero (regions 01–09): a
    9- or 11-digit value that is valid once the zero is put back is taken with it.
    """
    frame = cells.with_columns(
        pl.col(CELL).str.replace_all(_THOUSANDS, "").alias("digits")
    ).with_columns(pl.concat_str(pl.lit("0"), "digits").alias("padded"))
    frame = _tax_id_valid(frame, "padded", "padded_valid")
    frame = frame.with_columns(
        pl.when(pl.col("padded_valid") & pl.col("digits").str.len_chars().is_in([9, 11]))
        .then(pl.col("padded"))
        .otherwise(pl.col("digits"))
        .alias("digits")
    )
    frame = _tax_id_valid(frame, "digits", "valid").with_columns(
        (
            pl.col("digits").str.contains(r"^\d+$")
            & pl.col("digits").str.len_chars().is_in([10, 12])
        ).alias("good_length")
    )
    frame = frame.with_columns(pl.when(pl.col("valid")).then(pl.col("digits")).alias(VALUE))
    return _explained(
        frame,
        pl.when(~pl.col("good_length"))
        .then(message(_("an ИНН has 10 or 12 digits: {}"), pl.col(CELL)))
        .otherwise(message(_("the ИНН's check digits are wrong: {}"), pl.col(CELL))),
    )


def kpp_parse(cells: pl.DataFrame) -> pl.DataFrame:
    """КПП: 9 characters, digits with capital Latin letters allowed in positions 5–6
    (``upsell.core.tax_ids.KPP_PATTERN``). A spreadsheet that took it for a number drops its
    leading zero (regions 01–09): an 8-digit value is taken with the zero put back."""
    frame = cells.with_columns(
        pl.col(CELL).str.replace_all(_THOUSANDS, "").str.to_uppercase().alias("kpp")
    ).with_columns(
        pl.when(pl.col("kpp").str.contains(r"^\d{8}$"))
        .then(pl.concat_str(pl.lit("0"), pl.col("kpp")))
        .otherwise(pl.col("kpp"))
        .alias("kpp")
    )
    frame = frame.with_columns(
        pl.when(pl.col("kpp").str.contains(KPP_PATTERN)).then(pl.col("kpp")).alias(VALUE)
    )
    return _explained(
        frame,
        pl.when(pl.col("kpp").str.len_chars() != 9)
        .then(message(_("a КПП has 9 characters: {}"), pl.col(CELL)))
        .otherwise(
            message(
                _("a КПП is digits, with capital Latin letters in positions 5–6 only: {}"),
                pl.col(CELL),
            )
        ),
    )
