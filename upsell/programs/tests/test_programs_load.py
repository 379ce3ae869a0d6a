"""``upsell programs_load``: top management's programs from a file, created and put in force
through the same services as on the screen, once however often the file is loaded."""

import datetime as dt
import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from upsell.programs.models import Program, ProgramKind, ProgramState

pytestmark = pytest.mark.django_db

RETRO_BONUS: dict[str, object] = {
    "name": "Ретро-бонус 2 квартала 2026",
    "kind": "retro_bonus",
    "period_start": "2026-04-01",
    "period_end": "2026-06-30",
    "tiers": [{"threshold": "200000.00", "rate": "1.00"}, {"threshold": "500000", "rate": "2"}],
    "eligible_statuses": ["regular", "vip"],
}
CREDIT_LINE: dict[str, object] = {
    "name": "Кредитная линия",
    "kind": "credit_line",
    "description": "Отгрузка в пределах лимита.",
    "period_start": "2025-07-01",
    "period_end": "2027-06-30",
    "credit_limit": "300000.00",
    "payment_delay_days": 30,
}


def _file(tmp_path: Path, programs: list[dict[str, object]]) -> Path:
    path = tmp_path / "programs.json"
    path.write_text(json.dumps(programs, ensure_ascii=False), encoding="utf-8")
    return path


def _load(path: Path) -> list[str]:
    out = StringIO()
    call_command("programs_load", str(path), stdout=out)
    return out.getvalue().splitlines()


def test_programs_are_created_in_force_by_top_management_and_loaded_once(
    tmp_path, top_manager, head_of_sales
):
    path = _file(tmp_path, [RETRO_BONUS, CREDIT_LINE])

    first = _load(path)
    second = _load(path)

    assert first == [
        "Ретро-бонус 2 квартала 2026: created and in force, 2026-04-01–2026-06-30",
        "Кредитная линия: created and in force, 2025-07-01–2027-06-30",
    ]
    assert second == [
        "Ретро-бонус 2 квартала 2026: left as it is",
        "Кредитная линия: left as it is",
    ]
    retro_bonus, credit_line = Program.objects.order_by("id")
    assert (retro_bonus.kind, retro_bonus.state) == (ProgramKind.RETRO_BONUS, ProgramState.ACTIVE)
    assert (retro_bonus.created_by, retro_bonus.activated_by) == (top_manager, top_manager)
    assert list(retro_bonus.tiers.values_list("threshold", "rate")) == [
        (Decimal("200000.00"), Decimal("1.00")),
        (Decimal("500000.00"), Decimal("2.00")),
    ]
    assert retro_bonus.eligible_statuses == ["regular", "vip"]
    assert (credit_line.credit_limit, credit_line.payment_delay_days, credit_line.period_end) == (
        Decimal("300000.00"), 30, dt.date(2027, 6, 30),
    )  # fmt: skip


def test_one_program_the_services_refuse_refuses_the_file_naming_it(tmp_path, top_manager):
    volume: dict[str, object] = {
        "name": "Скидка за объём",
        "kind": "volume_discount",
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
        "tiers": [{"threshold": "100000", "rate": "3"}, {"threshold": "300000", "rate": "5"}],
        "credit_limit": "1000",
    }

    with pytest.raises(CommandError) as refused:
        _load(_file(tmp_path, [RETRO_BONUS, volume]))

    assert str(refused.value) == (
        f"{tmp_path / 'programs.json'}, program 2 (Скидка за объём): "
        "credit_limit: Only a credit line has a limit and a payment delay."
    )
    assert Program.objects.count() == 0


def test_a_program_that_cannot_be_read_or_a_company_without_top_management_is_refused(
    tmp_path, head_of_sales
):
    with pytest.raises(CommandError) as unread:
        _load(_file(tmp_path, [{**RETRO_BONUS, "rate": "2"}]))
    with pytest.raises(CommandError) as nobody:
        _load(_file(tmp_path, [RETRO_BONUS]))

    assert str(unread.value) == f"{tmp_path / 'programs.json'}, program 1: unknown fields: rate"
    assert str(nobody.value) == "no active top-management user: import the staff first"
    assert Program.objects.count() == 0
