"""An organisation's branches: one ИНН, a КПП each, each branch a client under its head."""

from pathlib import Path

from upsell.clients.models import Client
from upsell.clients.tests.factories import ClientFactory
from upsell.imports.models import ImportStatus
from upsell.imports.services import import_path
from upsell.imports.tests.files import csv_write, table_counts
from upsell.shipments.models import Shipment

INN = "7707083893"
HEAD_KPP = "773601001"
KAZAN_KPP = "165543001"
NOVOSIBIRSK_KPP = "540643001"

BRANCHES = [
    ("Контрагент", "ИНН", "КПП", "Регион"),
    ("ООО Альфа (Казань)", INN, KAZAN_KPP, "Татарстан"),
    ("ООО Альфа", INN, HEAD_KPP, "Москва"),
    ("ООО Альфа (Новосибирск)", INN, NOVOSIBIRSK_KPP, "Новосибирская область"),
]


def _clients() -> list[tuple[str, str, str, str | None]]:
    return list(Client.objects.order_by("name").values_list("name", "tax_id", "kpp", "head__name"))


def test_branches_sharing_an_inn_are_clients_under_their_head_organisation(
    db: None, tmp_path: Path
) -> None:
    # Given a clients file of an organisation and two of its branches, a branch first
    path = csv_write(tmp_path / "clients.csv", BRANCHES)

    # When it is imported
    run = import_path(path=path)

    # Then each is a client; the one whose КПП has the head's form (reason 01) is the head
    assert (run.status, run.errors) == (ImportStatus.SUCCEEDED, [])
    assert _clients() == [
        ("ООО Альфа", INN, HEAD_KPP, None),
        ("ООО Альфа (Казань)", INN, KAZAN_KPP, "ООО Альфа"),
        ("ООО Альфа (Новосибирск)", INN, NOVOSIBIRSK_KPP, "ООО Альфа"),
    ]
    assert run.counts == {"clients": {"created": 3, "updated": 0, "unchanged": 0}}


def test_the_same_branches_file_twice_changes_nothing(db: None, tmp_path: Path) -> None:
    path = csv_write(tmp_path / "clients.csv", BRANCHES)
    import_path(path=path)
    stored = list(Client.objects.order_by("id").values())

    run = import_path(path=path)

    assert list(Client.objects.order_by("id").values()) == stored
    assert run.counts == {"clients": {"created": 0, "updated": 0, "unchanged": 3}}


def test_without_a_head_form_kpp_the_first_branch_stored_is_the_head(
    db: None, tmp_path: Path
) -> None:
    path = csv_write(tmp_path / "clients.csv", [BRANCHES[0], BRANCHES[1], BRANCHES[3]])

    import_path(path=path)

    assert _clients() == [
        ("ООО Альфа (Казань)", INN, KAZAN_KPP, None),
        ("ООО Альфа (Новосибирск)", INN, NOVOSIBIRSK_KPP, "ООО Альфа (Казань)"),
    ]


def test_the_head_organisation_stored_later_takes_its_branches(db: None, tmp_path: Path) -> None:
    # Given two branches stored, the first of them taken for the head
    import_path(path=csv_write(tmp_path / "a.csv", [BRANCHES[0], BRANCHES[1], BRANCHES[3]]))

    # When the head organisation comes in another file
    run = import_path(path=csv_write(tmp_path / "b.csv", [BRANCHES[0], BRANCHES[2]]))

    # Then it is the head of both
    assert _clients() == [
        ("ООО Альфа", INN, HEAD_KPP, None),
        ("ООО Альфа (Казань)", INN, KAZAN_KPP, "ООО Альфа"),
        ("ООО Альфа (Новосибирск)", INN, NOVOSIBIRSK_KPP, "ООО Альфа"),
    ]
    assert run.counts == {"clients": {"created": 1, "updated": 0, "unchanged": 0}}


def test_a_client_stored_without_a_kpp_is_the_head_row_and_the_others_its_branches(
    db: None, tmp_path: Path
) -> None:
    # Given the organisation imported before with its ИНН alone, as a file without КПП has it
    client = ClientFactory.create(name="ООО Альфа", tax_id=INN)

    # When a file with КПП names it and its branches
    run = import_path(path=csv_write(tmp_path / "clients.csv", BRANCHES))

    # Then the stored client is the head's row (its КПП added), the branches are new clients
    assert (run.status, run.errors) == (ImportStatus.SUCCEEDED, [])
    assert Client.objects.get(kpp=HEAD_KPP).pk == client.pk
    assert _clients() == [
        ("ООО Альфа", INN, HEAD_KPP, None),
        ("ООО Альфа (Казань)", INN, KAZAN_KPP, "ООО Альфа"),
        ("ООО Альфа (Новосибирск)", INN, NOVOSIBIRSK_KPP, "ООО Альфа"),
    ]
    assert run.counts == {"clients": {"created": 2, "updated": 1, "unchanged": 0}}


def test_a_file_without_kpp_names_a_branch_by_its_exact_name(
    catalogue: object, tmp_path: Path
) -> None:
    # Given the organisation and its branches stored
    import_path(path=csv_write(tmp_path / "clients.csv", BRANCHES))
    kazan = Client.objects.get(kpp=KAZAN_KPP)

    # When a shipments file names a branch by its ИНН and name, as 1C's sales report does
    run = import_path(
        path=csv_write(
            tmp_path / "shipments.csv",
            [
                ("Дата", "Номер", "Контрагент", "ИНН", "Артикул", "Количество", "Сумма"),
                ("01.03.2025", "РТ-1", "ООО Альфа (Казань)", INN, "A-1", "2", "20,00"),
            ],
        )
    )

    # Then the shipment is the branch's
    assert (run.status, run.errors) == (ImportStatus.SUCCEEDED, [])
    assert list(Shipment.objects.values_list("client_id", flat=True)) == [kazan.pk]


def test_a_file_without_kpp_naming_an_inn_of_branches_by_another_name_is_refused(
    catalogue: object, tmp_path: Path
) -> None:
    import_path(path=csv_write(tmp_path / "clients.csv", BRANCHES))
    before = table_counts()

    run = import_path(
        path=csv_write(
            tmp_path / "shipments.csv",
            [
                ("Дата", "Номер", "Контрагент", "ИНН", "Артикул", "Количество", "Сумма"),
                ("01.03.2025", "РТ-1", "Альфа, ООО", INN, "A-1", "2", "20,00"),
            ],
        )
    )

    assert (run.status, run.errors) == (
        ImportStatus.FAILED,
        [
            {
                "row": 2,
                "column": "Контрагент",
                "message": "3 clients have this ИНН, an organisation and its branches: give "
                "the КПП or the branch's exact name to tell which",
            }
        ],
    )
    assert table_counts() == before


def test_a_wrong_kpp_is_an_error_naming_its_row_and_column_and_nothing_is_written(
    db: None, tmp_path: Path
) -> None:
    before = table_counts()
    path = csv_write(
        tmp_path / "clients.csv",
        [
            ("Контрагент", "ИНН", "КПП"),
            ("ООО Альфа", INN, "773601OO1"),
            ("ООО Альфа (Казань)", INN, "16554300"),
            ("ООО Альфа (Самара)", INN, "1655430011"),
            ("ООО Бета", "", "773601001"),
            ("ИП Петров", "500100732259", "500101001"),
            ("ООО Альфа (Уфа)", INN, "0273AB001"),
            ("ООО Альфа, Уфа", INN, "0273ab001"),
        ],
    )

    run = import_path(path=path)

    # A КПП that lost its leading zero in a spreadsheet is taken with it; letters are
    # allowed in positions 5–6 (and are read in capitals)
    assert (run.status, run.errors) == (
        ImportStatus.FAILED,
        [
            {
                "row": 2,
                "column": "КПП",
                "message": "a КПП is digits, with capital Latin letters in positions 5–6 only: "
                "«773601OO1»",
            },
            {"row": 4, "column": "КПП", "message": "a КПП has 9 characters: «1655430011»"},
            {"row": 5, "column": "КПП", "message": "a КПП needs the client's ИНН"},
            {
                "row": 6,
                "column": "КПП",
                "message": "an individual entrepreneur (a 12-digit ИНН) has no КПП",
            },
            {"row": 8, "column": "КПП", "message": "repeats row 7"},
        ],
    )
    assert run.file_name == "clients.csv"
    assert table_counts() == before
