"""Russian taxpayer numbers (ИНН) and registration reason codes (КПП): the one check of each.

The file import checks whole columns at once with the same arithmetic written for polars
(``upsell.imports.formats.values``), because a million numbers one by one would cost seconds;
a test holds the two to the same answers.
"""

import re

from stdnum.exceptions import InvalidChecksum, ValidationError
from stdnum.ru import inn


def tax_id_problem(tax_id: str) -> str | None:
    """Why ``tax_id`` is not a valid ИНН, or None when it is (10 digits or 12 with check digits)."""
    if not tax_id.isascii() or not tax_id.isdigit():
        return "must contain digits only"
    if len(tax_id) not in (10, 12):
        return "must have 10 or 12 digits"
    try:
        inn.validate(tax_id)
    except InvalidChecksum:
        return "wrong check digit"
    except ValidationError:
        return "must have 10 or 12 digits"
    return None


# КПП: the tax office (4 digits), the reason of registration (2 digits, or capital Latin
# letters since 2019) and a serial number (3 digits).
KPP_PATTERN = r"^[0-9]{4}[0-9A-Z]{2}[0-9]{3}$"
# The reasons a head organisation is registered for: at its own location (01), or as one of the
# largest taxpayers (50). A branch (обособленное подразделение) has another: 02–05, 31, 32, 43…
KPP_HEAD_REASONS = frozenset({"01", "50"})


def kpp_problem(kpp: str) -> str | None:
    """Why ``kpp`` is not a КПП, or None when it is (9 characters: digits, with capital Latin
    letters allowed in positions 5–6)."""
    if len(kpp) != 9:
        return "must have 9 characters"
    if not re.fullmatch(KPP_PATTERN, kpp):
        return "must be digits, with capital Latin letters allowed in positions 5 and 6 only"
    return None


def kpp_is_head(kpp: str) -> bool:
    """Whether ``kpp`` has the form of a head organisation's КПП (reason 01 or 50)."""
    return kpp[4:6] in KPP_HEAD_REASONS
