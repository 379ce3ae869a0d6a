"""Russian taxpayer numbers (ИНН): the one check of a single number, python-stdnum's.

The file import checks whole columns at once with the same arithmetic written for polars
(``upsell.imports.formats.values``), because a million numbers one by one would cost seconds;
a test holds the two to the same answers.
"""

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
