"""Russian taxpayer numbers (ИНН) and their check digits."""

_WEIGHTS_10 = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_WEIGHTS_12_FIRST = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_WEIGHTS_12_SECOND = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def _check_digit(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11 % 10


def tax_id_problem(tax_id: str) -> str | None:
    """Why ``tax_id`` is not a valid ИНН, or None when it is (10 digits or 12 with check digits)."""
    if not tax_id.isascii() or not tax_id.isdigit():
        return "must contain digits only"
    if len(tax_id) == 10:
        if _check_digit(tax_id[:9], _WEIGHTS_10) != int(tax_id[9]):
            return "wrong check digit"
        return None
    if len(tax_id) == 12:
        if _check_digit(tax_id[:10], _WEIGHTS_12_FIRST) != int(tax_id[10]):
            return "wrong check digit"
        if _check_digit(tax_id[:11], _WEIGHTS_12_SECOND) != int(tax_id[11]):
            return "wrong check digit"
        return None
    return "must have 10 or 12 digits"
