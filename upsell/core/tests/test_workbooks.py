"""What the workbook reader's child sends back is read as values, never as code to run."""

import datetime as dt
import io
import os
import pickle

import pytest

from upsell.core.workbooks import _OutcomeUnpickler, column_letters


def test_values_and_dates_come_back_as_written() -> None:
    outcome = (
        "read",
        [["Дата", 1.5, 2, True, None, dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)]],
    )

    read = _OutcomeUnpickler(io.BytesIO(pickle.dumps(outcome)), ()).load()

    assert read == outcome


class _Shell:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, ("echo owned",))


def test_a_function_to_call_is_refused() -> None:
    with pytest.raises(pickle.UnpicklingError, match=r"posix\.system is not a workbook value"):
        _OutcomeUnpickler(io.BytesIO(pickle.dumps(("read", _Shell()))), ()).load()


@pytest.mark.parametrize(
    ("number", "letters"), [(1, "A"), (26, "Z"), (27, "AA"), (256, "IV"), (16384, "XFD")]
)
def test_column_letters(number: int, letters: str) -> None:
    assert column_letters(number) == letters
