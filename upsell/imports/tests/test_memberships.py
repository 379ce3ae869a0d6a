"""Program memberships by file: a hold-out drawn outside Upsell, stored through the programs
app, written whole or not at all, the same file again changing nothing."""

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import pytest

from upsell.accounts.models import User
from upsell.clients.models import Client, ClientStatus
from upsell.clients.tests.factories import ClientFactory
from upsell.imports.models import ImportKind, ImportStatus
from upsell.imports.services import import_path
from upsell.imports.tests.files import csv_write
from upsell.programs.models import Membership, MembershipGroup, MembershipState, Program
from upsell.programs.services.memberships import membership_end, membership_propose
from upsell.programs.services.terms import program_close
from upsell.programs.tests.factories import program_running, retro_bonus_terms

HEADER = ("Программа", "ИНН", "Контрагент", "Группа", "Дата вступления")
PROGRAM = "Ретро-бонус I квартал"

pytestmark = pytest.mark.django_db


def _file(tmp_path: Path, rows: Sequence[Sequence[str]], header: Sequence[str] = HEADER) -> Path:
    return csv_write(tmp_path / "memberships.csv", [header, *rows], encoding="utf-8")


@pytest.fixture
def program(top_manager: User) -> Program:
    return program_running(
        terms=retro_bonus_terms(eligible_statuses=(ClientStatus.REGULAR, ClientStatus.VIP)),
        by=top_manager,
    )


@pytest.fixture
def clients() -> list[Client]:
    return [
        ClientFactory.create(name=f'ООО "Клиент {n}"', status=ClientStatus.REGULAR)
        for n in range(4)
    ]


def _memberships(program: Program) -> list[tuple[str, str, str, dt.date | None]]:
    return list(
        Membership.objects.filter(program=program)
        .order_by("client__name")
        .values_list("client__name", "group", "state", "joined_on")
    )


def test_members_and_controls_are_stored_by_tax_id_or_name_and_again_change_nothing(
    tmp_path, program, clients, head_of_sales, today
):
    # Given a file naming two members (one by name only, one without a group) and two controls
    rows = [
        (PROGRAM, clients[0].tax_id, "", "участник", "15.01.2026"),
        (PROGRAM, "", clients[1].name, "", ""),
        (PROGRAM, clients[2].tax_id, clients[2].name, "Контроль", "2026-01-15"),
        (PROGRAM, clients[3].tax_id, "", "control", "15.01.2026"),
    ]
    path = _file(tmp_path, rows)

    # When the head of sales imports it, twice
    first = import_path(path=path, imported_by=head_of_sales)
    second = import_path(path=path, imported_by=head_of_sales)

    # Then each client is in its group from its day, and the second run changed nothing
    assert (first.kind, first.status) == (ImportKind.MEMBERSHIPS, ImportStatus.SUCCEEDED)
    assert _memberships(program) == [
        ('ООО "Клиент 0"', MembershipGroup.MEMBER, MembershipState.ACTIVE, dt.date(2026, 1, 15)),
        ('ООО "Клиент 1"', MembershipGroup.MEMBER, MembershipState.ACTIVE, today),
        ('ООО "Клиент 2"', MembershipGroup.CONTROL, MembershipState.ACTIVE, dt.date(2026, 1, 15)),
        ('ООО "Клиент 3"', MembershipGroup.CONTROL, MembershipState.ACTIVE, dt.date(2026, 1, 15)),
    ]
    assert set(Membership.objects.values_list("enrolled_by", flat=True)) == {head_of_sales.pk}
    assert first.counts == {"memberships": {"created": 4, "updated": 0, "unchanged": 0}}
    assert second.status == ImportStatus.SUCCEEDED
    assert second.counts == {"memberships": {"created": 0, "updated": 0, "unchanged": 4}}


def test_a_proposal_named_by_the_file_is_decided_by_it(
    tmp_path, program, clients, manager_anna, head_of_sales
):
    membership_propose(program=program, client=clients[0], by=manager_anna)

    run = import_path(
        path=_file(tmp_path, [(PROGRAM, clients[0].tax_id, "", "", "01.01.2026")]),
        imported_by=head_of_sales,
    )

    assert run.status == ImportStatus.SUCCEEDED
    assert run.counts == {"memberships": {"created": 0, "updated": 1, "unchanged": 0}}
    assert _memberships(program) == [
        ('ООО "Клиент 0"', MembershipGroup.MEMBER, MembershipState.ACTIVE, dt.date(2026, 1, 1)),
    ]


def test_every_error_is_named_by_row_and_column_and_nothing_is_stored(
    tmp_path, program, clients, head_of_sales, today
):
    # Given a stored control, an ended membership, a lost client and a closed program
    import_path(
        path=_file(tmp_path, [(PROGRAM, clients[0].tax_id, "", "контроль", "")]),
        imported_by=head_of_sales,
    )
    ended = import_path(
        path=_file(tmp_path, [(PROGRAM, clients[1].tax_id, "", "", "")]),
        imported_by=head_of_sales,
    )
    assert ended.status == ImportStatus.SUCCEEDED
    membership_end(
        membership=Membership.objects.get(client=clients[1]),
        by=head_of_sales,
        reason="Закрыл счёт",
        today=today,
    )
    lost = ClientFactory.create(name='ООО "Ушедший"', status=ClientStatus.LOST)
    closed = program_running(
        terms=retro_bonus_terms(name="Старый бонус", period_end=dt.date(2026, 1, 31)),
        by=program.created_by,
    )
    program_close(program=closed, by=program.created_by)
    before = _memberships(program)
    rows = [
        (PROGRAM, clients[0].tax_id, "", "участник", ""),
        (PROGRAM, clients[1].tax_id, "", "", ""),
        (PROGRAM, lost.tax_id, "", "", ""),
        ("Нет такой", clients[2].tax_id, "", "", ""),
        ("Старый бонус", clients[2].tax_id, "", "", ""),
        (PROGRAM, "7707083893", "", "", ""),
        (PROGRAM, "", 'ООО "Нет такого"', "", ""),
        (PROGRAM, clients[3].tax_id, "", "наблюдатель", "32.01.2026"),
        (PROGRAM, "", "", "", ""),
        (PROGRAM, clients[2].tax_id, "", "", ""),
        (PROGRAM, "", clients[2].name, "контроль", ""),
    ]

    # When the file is imported
    run = import_path(path=_file(tmp_path, rows), imported_by=head_of_sales)

    # Then each error names its row and column, and no membership changed
    assert run.status == ImportStatus.FAILED
    assert [(error["row"], error["column"], error["message"]) for error in run.errors] == [
        (2, "ИНН", "it is in the program as Control group already: a group does not change"),
        (3, "ИНН", f"its membership ended on {today}"),
        (4, "ИНН", "its status is Lost, outside the program's eligibility"),
        (5, "Программа", "no such program: top management creates it first"),
        (6, "Программа", "the program is closed: it takes no members"),
        (7, "ИНН", "no such client: import it with the clients or shipments file first"),
        (8, "Контрагент", "no such client: import it with the clients or shipments file first"),
        (9, "Группа", "not a group: write участник (member) or контроль (control)"),
        (9, "Дата вступления", "not a date: «32.01.2026» (write 31.12.2025)"),
        (10, "Контрагент", "a value is required: the client's name or its ИНН"),
        (12, "ИНН", "the client is in this program on row 11 already"),
    ]
    assert _memberships(program) == before


def test_keeping_the_valid_rows_still_imports_a_membership_file_whole_or_not_at_all(
    tmp_path, program, clients
):
    rows = [
        (PROGRAM, clients[0].tax_id, "", "", ""),
        (PROGRAM, "7707083893", "", "", ""),
    ]

    run = import_path(path=_file(tmp_path, rows), keep_valid_rows=True)

    assert run.status == ImportStatus.FAILED
    assert Membership.objects.count() == 0
    rejected = Path(run.rejected_file).read_text(encoding="utf-8-sig").splitlines()
    assert rejected[1:] == [
        f"{PROGRAM};{clients[0].tax_id};;;;2;"
        "held back: a membership file is imported whole or not at all",
        f"{PROGRAM};7707083893;;;;3;"
        "ИНН: no such client: import it with the clients or shipments file first",
    ]


def test_only_the_head_of_sales_imports_memberships(tmp_path, program, clients, admin_adam):
    run = import_path(
        path=_file(tmp_path, [(PROGRAM, clients[0].tax_id, "", "", "")]), imported_by=admin_adam
    )

    assert run.status == ImportStatus.FAILED
    assert [error["message"] for error in run.errors] == [
        "only the head of sales imports memberships: it decides who is in a program"
    ]
    assert Membership.objects.count() == 0


def test_two_programs_of_one_name_are_an_error_not_a_guess(tmp_path, program, clients, top_manager):
    program_running(
        terms=retro_bonus_terms(period_start=dt.date(2026, 4, 1), period_end=dt.date(2026, 6, 30)),
        by=top_manager,
    )

    run = import_path(path=_file(tmp_path, [(PROGRAM, clients[0].tax_id, "", "", "")]))

    assert [(error["row"], error["column"], error["message"]) for error in run.errors] == [
        (2, "Программа", "2 programs have this name: rename all but one"),
    ]
    assert Membership.objects.count() == 0
