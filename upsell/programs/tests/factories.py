import datetime as dt
from decimal import Decimal

from upsell.accounts.models import User
from upsell.programs.models import Program, ProgramKind
from upsell.programs.services.terms import ProgramTerms, Tier, program_activate, program_create

RETRO_TIERS = (
    Tier(threshold=Decimal("1000000.00"), rate=Decimal("2.00")),
    Tier(threshold=Decimal("3000000.00"), rate=Decimal("3.00")),
)


def retro_bonus_terms(**changes: object) -> ProgramTerms:
    """A first-quarter retro-bonus: 2 % from 1 000 000, 3 % from 3 000 000."""
    terms: dict[str, object] = {
        "name": "Ретро-бонус I квартал",
        "kind": ProgramKind.RETRO_BONUS,
        "period_start": dt.date(2026, 1, 1),
        "period_end": dt.date(2026, 3, 31),
        "tiers": RETRO_TIERS,
    }
    return ProgramTerms(**{**terms, **changes})  # type: ignore[arg-type]


def credit_line_terms(**changes: object) -> ProgramTerms:
    terms: dict[str, object] = {
        "name": "Кредитная линия 2026",
        "kind": ProgramKind.CREDIT_LINE,
        "period_start": dt.date(2026, 1, 1),
        "period_end": dt.date(2026, 12, 31),
        "credit_limit": Decimal("500000.00"),
        "payment_delay_days": 30,
    }
    return ProgramTerms(**{**terms, **changes})  # type: ignore[arg-type]


def program_running(*, terms: ProgramTerms, by: User) -> Program:
    return program_activate(program=program_create(terms=terms, by=by), by=by)
