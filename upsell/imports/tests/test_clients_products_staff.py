"""The reference files: clients, products and staff, created and updated from the file."""

import datetime
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from upsell.accounts.models import Role, Team, User
from upsell.accounts.tests.factories import UserFactory
from upsell.clients.models import (
    AssignmentRole,
    Client,
    ClientAssignmentChange,
    ClientStatus,
    HandOverRule,
)
from upsell.clients.tests.factories import ClientFactory
from upsell.core.months import month_add
from upsell.forecasts.models import ForecastCell, ForecastLock
from upsell.imports.models import ImportStatus
from upsell.imports.problems import Problem
from upsell.imports.services import import_path
from upsell.imports.tests.files import csv_write, table_counts, xlsx_write
from upsell.products.models import Product
from upsell.products.tests.factories import ProductFactory
from upsell.requests.models import (
    OrderRequest,
    OrderRequestChange,
    RequestSource,
    RequestStatus,
    RoutingRule,
)

ANNA = "Иванова Анна Сергеевна"
BORIS = "Петров Борис Николаевич"


def _clients() -> list[tuple[object, ...]]:
    return list(
        Client.objects.order_by("name").values_list(
            "name",
            "tax_id",
            "manager__full_name",
            "region",
            "segment",
            "is_partner",
            "plans_budget",
            "annual_budget",
            "budget_year",
        )
    )


def test_a_clients_file_creates_clients_and_gives_them_to_the_managers_it_names(
    today: datetime.date, db: None, tmp_path: Path
) -> None:
    # Given two active managers, and a clients file as the demo company writes it (UTF-8 with
    # a BOM, semicolons)
    anna = UserFactory.create(username="anna", full_name=ANNA, role=Role.MANAGER)
    boris = UserFactory.create(username="boris", full_name=BORIS, role=Role.MANAGER)
    path = csv_write(
        tmp_path / "clients.csv",
        [
            (
                "Контрагент",
                "ИНН",
                "Менеджер",
                "Регион",
                "Сегмент",
                "Партнёр",
                "Бюджетирование",
                "Годовой бюджет",
                "Год бюджета",
            ),
            ('ООО "Альфа"', "7707083893", ANNA, "Москва", "Дилер", "Да", "Нет", "", ""),
            (
                "ИП Сидоров",
                "500100732259",
                BORIS,
                "Пермский край",
                "Розница",
                "нет",
                "да",
                "1 500 000",
                "2024",
            ),
            ("АО Гамма", "", "", "", "", "", "Да", "250 000,50", ""),
        ],
        encoding="utf-8-sig",
    )

    # When it is imported
    run = import_path(path=path)

    # Then every client is stored as the file says; a budget without a year is this year's
    assert run.status == ImportStatus.SUCCEEDED
    this_year = today.year
    assert _clients() == [
        ("АО Гамма", "", None, "", "", False, True, Decimal("250000.50"), this_year),
        (
            "ИП Сидоров",
            "500100732259",
            BORIS,
            "Пермский край",
            "Розница",
            False,
            True,
            Decimal("1500000.00"),
            2024,
        ),
        ('ООО "Альфа"', "7707083893", ANNA, "Москва", "Дилер", True, False, None, None),
    ]
    assert User.objects.count() == 2
    assert run.counts == {"clients": {"created": 3, "updated": 0, "unchanged": 0}}
    # and each new client's first manager is in its assignment history
    history: list[tuple[object, ...]] = sorted(
        ClientAssignmentChange.objects.values_list(
            "client__name", "role", "rule", "previous", "new", "reason"
        )
    )
    assert history == [
        ("ИП Сидоров", AssignmentRole.MANAGER, HandOverRule.IMPORT, None, boris.pk,
         "Imported from clients.csv"),
        ('ООО "Альфа"', AssignmentRole.MANAGER, HandOverRule.IMPORT, None, anna.pk,
         "Imported from clients.csv"),
    ]  # fmt: skip


def test_a_clients_file_gives_clients_to_active_managers_only(
    db: None, tmp_path: Path, manager_anna: User, assistant_vera: User
) -> None:
    # Given a manager who has left, and a clients file naming him, an assistant, a name nobody
    # has and an active manager
    UserFactory.create(username="ilya", full_name="Ушедший Илья", role=Role.MANAGER,
                       is_active=False)  # fmt: skip
    path = csv_write(
        tmp_path / "clients.csv",
        [
            ("Контрагент", "Менеджер"),
            ("Альфа", "Ушедший Илья"),
            ("Бета", assistant_vera.full_name),
            ("Гамма", "Ивнова Анна"),
            ("Дельта", manager_anna.full_name),
        ],
    )
    before = table_counts()

    # When it is imported
    run = import_path(path=path)

    # Then nobody but an active manager is taken, each refusal names its row and column, and
    # nothing is written
    assert run.status == ImportStatus.FAILED
    assert [Problem(**error).format(run.file_name) for error in run.errors] == [
        "clients.csv:2:Менеджер: no active manager has the full name «Ушедший Илья»: "
        "add them with the staff file",
        f"clients.csv:3:Менеджер: no active manager has the full name "
        f"«{assistant_vera.full_name}»: add them with the staff file",
        "clients.csv:4:Менеджер: no active manager has the full name «Ивнова Анна»: "
        "add them with the staff file",
    ]
    assert table_counts() == before


def test_a_clients_file_updates_only_the_columns_it_has(
    db: None, tmp_path: Path, manager_anna: User, manager_boris: User, admin_adam: User
) -> None:
    # Given a client stored with a manager, a region and a segment
    client = ClientFactory.create(
        name="Альфа", tax_id="7707083893", manager=manager_anna, region="Москва", segment="Дилер"
    )
    unchanged = ClientFactory.create(name="Бета", tax_id="", manager=manager_boris)

    # When a file with only the name, ИНН and manager columns moves it to Boris
    path = csv_write(
        tmp_path / "clients.csv",
        [
            ("Контрагент", "ИНН", "Менеджер"),
            ('ООО "Альфа"', "7707083893", manager_boris.full_name),
            ("Бета", "", manager_boris.full_name),
        ],
    )
    run = import_path(path=path, imported_by=admin_adam)

    # Then the name and manager change, region and segment stay, Beta is unchanged
    client.refresh_from_db()
    assert (client.name, client.manager, client.region, client.segment) == (
        'ООО "Альфа"',
        manager_boris,
        "Москва",
        "Дилер",
    )
    assert run.counts["clients"] == {"created": 0, "updated": 1, "unchanged": 1}
    # and the move is in the client's assignment history, by whom and why
    assert list(
        ClientAssignmentChange.objects.values_list(
            "client", "role", "previous", "new", "changed_by", "reason"
        )
    ) == [
        (
            client.pk,
            AssignmentRole.MANAGER,
            manager_anna.pk,
            manager_boris.pk,
            admin_adam.pk,
            "Imported from clients.csv",
        )
    ]
    assert not unchanged.assignment_changes.exists()


def test_a_client_without_an_inn_is_matched_by_name_and_given_the_inn(
    db: None, tmp_path: Path
) -> None:
    # Given a client stored by name only
    client = ClientFactory.create(name="ИП Сидоров", tax_id="")

    # When the clients file gives its ИНН
    path = csv_write(
        tmp_path / "clients.csv", [("Контрагент", "ИНН"), ("ИП Сидоров", "500100732259")]
    )
    run = import_path(path=path)

    # Then that client gets the ИНН, and no other client is made
    client.refresh_from_db()
    assert (Client.objects.count(), client.tax_id) == (1, "500100732259")
    assert run.counts["clients"] == {"created": 0, "updated": 1, "unchanged": 0}


def test_the_same_clients_file_twice_changes_nothing(db: None, tmp_path: Path) -> None:
    UserFactory.create(username="anna", full_name=ANNA, role=Role.MANAGER)
    path = csv_write(
        tmp_path / "clients.csv",
        [("Контрагент", "ИНН", "Менеджер", "Годовой бюджет"), ("Альфа", "7707083893", ANNA, "10")],
    )
    import_path(path=path)
    stored = _clients()

    run = import_path(path=path)

    assert _clients() == stored
    assert run.counts == {"clients": {"created": 0, "updated": 0, "unchanged": 1}}
    assert ClientAssignmentChange.objects.count() == 1


def test_products_are_created_and_updated_by_sku(db: None, tmp_path: Path) -> None:
    # Given a product stored under one of the file's SKUs
    ProductFactory.create(sku="A-1", name="Болт", group="Разное", unit="шт")
    ProductFactory.create(sku="Z-9", name="Не в файле", group="Разное", unit="шт")

    # When the products workbook is imported
    path = xlsx_write(
        tmp_path / "products.xlsx",
        [
            ("Артикул", "Номенклатура", "Группа", "Единица"),
            ("A-1", "Болт М8", "Крепёж", "шт"),
            ("B-2", "Кабель", "Электрика", "м"),
        ],
    )
    run = import_path(path=path)

    # Then the stored one takes the file's fields and the new one is added
    assert list(Product.objects.order_by("sku").values_list("sku", "name", "group", "unit")) == [
        ("A-1", "Болт М8", "Крепёж", "шт"),
        ("B-2", "Кабель", "Электрика", "м"),
        ("Z-9", "Не в файле", "Разное", "шт"),
    ]
    assert run.counts == {"products": {"created": 1, "updated": 1, "unchanged": 0}}


STAFF = [
    ("ФИО", "Логин", "Роль", "Руководитель", "E-mail"),
    ("Орлова Тамара Ивановна", "orlova.t", "ТОП-менеджмент", "", "orlova@example.com"),
    (
        "Кузнецова Елена Петровна",
        "kuznetsova.e",
        "Руководитель отдела продаж",
        "Орлова Тамара Ивановна",
        "",
    ),
    (ANNA, "ivanova.a", "Менеджер", "Кузнецова Елена Петровна", "ivanova@example.com"),
    (BORIS, "petrov.b", "менеджер", "Кузнецова Елена Петровна", ""),
    ("Смирнова Вера Олеговна", "smirnova.v", "Ассистент", f"{ANNA}; {BORIS}", ""),
    ("Админов Адам Адамович", "", "Администратор", "", ""),
]


def test_a_staff_file_creates_the_team(db: None, tmp_path: Path) -> None:
    # Given the staff file (UTF-8, commas)
    path = csv_write(tmp_path / "staff.csv", STAFF, delimiter=",")

    # When it is imported
    run = import_path(path=path)

    # Then every person has an account with the role, and the assistant serves both managers
    assert run.status == ImportStatus.SUCCEEDED
    assert list(
        User.objects.order_by("username").values_list("username", "full_name", "role", "email")
    ) == [
        ("adminov.aa", "Админов Адам Адамович", Role.ADMIN, ""),
        ("ivanova.a", ANNA, Role.MANAGER, "ivanova@example.com"),
        ("kuznetsova.e", "Кузнецова Елена Петровна", Role.HEAD_OF_SALES, ""),
        ("orlova.t", "Орлова Тамара Ивановна", Role.TOP_MANAGEMENT, "orlova@example.com"),
        ("petrov.b", BORIS, Role.MANAGER, ""),
        ("smirnova.v", "Смирнова Вера Олеговна", Role.ASSISTANT, ""),
    ]
    assert not any(user.has_usable_password() for user in User.objects.all())
    assert sorted(Team.objects.values_list("manager__username", "assistants__username")) == [
        ("ivanova.a", "smirnova.v"),
        ("petrov.b", "smirnova.v"),
    ]
    assert run.counts == {"users": {"created": 6, "updated": 0, "unchanged": 0}}


def test_the_staff_file_again_changes_nothing_and_a_change_is_an_update(
    db: None, tmp_path: Path
) -> None:
    # Given the staff imported once
    import_path(path=csv_write(tmp_path / "staff.csv", STAFF, delimiter=","))

    # When the same file comes again, then one where the assistant serves Boris only
    again = import_path(path=csv_write(tmp_path / "staff.csv", STAFF, delimiter=","))
    moved = [*STAFF[:5], ("Смирнова Вера Олеговна", "smirnova.v", "Ассистент", BORIS, ""), STAFF[6]]
    changed = import_path(path=csv_write(tmp_path / "staff2.csv", moved, delimiter=","))

    # Then the first changes nothing and the second moves her off Anna's team
    assert again.counts == {"users": {"created": 0, "updated": 0, "unchanged": 6}}
    assert changed.counts == {"users": {"created": 0, "updated": 1, "unchanged": 5}}
    assert list(
        Team.objects.filter(assistants__isnull=False).values_list("manager__username", flat=True)
    ) == ["petrov.b"]


def test_a_staff_file_without_logins_matches_people_by_full_name(
    db: None, tmp_path: Path, manager_anna: User
) -> None:
    # Given Anna stored (as the personas spell her) and a staff file without logins
    path = csv_write(
        tmp_path / "staff.csv",
        [("ФИО", "Роль"), (manager_anna.full_name, "Руководитель отдела продаж")],
    )
    before = table_counts()

    # When it is imported
    run = import_path(path=path)

    # Then Anna is found by her full name and takes the new role
    manager_anna.refresh_from_db()
    assert (manager_anna.username, manager_anna.role) == ("anna", Role.HEAD_OF_SALES)
    assert table_counts() == before
    assert run.counts == {"users": {"created": 0, "updated": 1, "unchanged": 0}}


def test_clients_created_are_dated_now(db: None, tmp_path: Path) -> None:
    # Given a moment before the import
    started = timezone.now()

    # When a client is created by a file
    import_path(path=csv_write(tmp_path / "clients.csv", [("Контрагент",), ("ИП Сидоров",)]))

    # Then its creation and update times are the import's, not empty
    client = Client.objects.get()
    assert started <= client.created_at == client.updated_at <= timezone.now()
    assert client.created_at.tzinfo is not None
    assert client.created_at.date() >= datetime.date(2025, 1, 1)


def test_a_client_moved_by_a_file_takes_its_waiting_requests_and_future_forecast(
    today: datetime.date,
    db: None,
    tmp_path: Path,
    manager_anna: User,
    manager_boris: User,
    head_of_sales: User,
) -> None:
    # Given Anna's regular client with a waiting request, a finished one, and forecast cells
    # for the last, the next and a later month, the next one locked
    client = ClientFactory.create(
        name="Альфа", tax_id="7707083893", manager=manager_anna, status=ClientStatus.REGULAR
    )
    for description, status in (("waiting", RequestStatus.OPEN), ("done", RequestStatus.DONE)):
        OrderRequest.objects.create(
            client=client, description=description, source=RequestSource.UI, status=status,
            assignee=manager_anna, routed_by_rule=RoutingRule.MOTIVATED,
        )  # fmt: skip
    this_month = today.replace(day=1)
    last, following, later = (month_add(this_month, n) for n in (-1, 1, 2))
    for month in (last, following, later):
        ForecastCell.objects.create(client=client, month=month, manager=manager_anna)
    ForecastLock.objects.create(month=following)

    # When a clients file names Boris as its manager
    path = csv_write(
        tmp_path / "clients.csv",
        [("Контрагент", "ИНН", "Менеджер"), ("Альфа", "7707083893", manager_boris.full_name)],
    )
    import_path(path=path, imported_by=head_of_sales)

    # Then the waiting request and the open future month go with it; the rest stays
    assert dict(
        OrderRequest.objects.filter(client=client).values_list("description", "assignee")
    ) == {"waiting": manager_boris.pk, "done": manager_anna.pk}
    assert OrderRequestChange.objects.filter(new=manager_boris).values_list(
        "rule", "reason", "changed_by"
    ).get() == (
        RoutingRule.MANUAL,
        "Moved with its client: Imported from clients.csv",
        head_of_sales.pk,
    )
    assert dict(ForecastCell.objects.filter(client=client).values_list("month", "manager")) == {
        last: manager_anna.pk,
        following: manager_anna.pk,
        later: manager_boris.pk,
    }


def test_a_partner_column_of_company_names_is_not_read_as_the_partner_flag(
    db: None, tmp_path: Path, admin_adam: User
) -> None:
    # Given a partner stored as such, and a 1C:Trade Management 11 report whose «Партнер»
    # column names the company each counterparty belongs to, one cell of it a bare «Да»
    ClientFactory.create(name="Альфа", tax_id="7707083893", is_partner=True)
    path = csv_write(
        tmp_path / "clients.csv",
        [
            ("Контрагент", "ИНН", "Партнер"),
            ('ООО "Альфа"', "7707083893", "Группа Альфа"),
            ('ООО "Бета"', "", "Бета-Холдинг"),
            ('ООО "Гамма"', "", "Да"),
        ],
    )

    # When it is imported
    run = import_path(path=path, imported_by=admin_adam)

    # Then the names change nothing of who is a partner and are no errors
    assert (run.status, run.error_count) == (ImportStatus.SUCCEEDED, 0)
    assert sorted(Client.objects.values_list("name", "is_partner")) == [
        ('ООО "Альфа"', True), ('ООО "Бета"', False), ('ООО "Гамма"', False),
    ]  # fmt: skip


def test_a_partner_column_of_yes_and_no_with_a_slip_is_the_flag_and_the_slip_an_error(
    db: None, tmp_path: Path, admin_adam: User
) -> None:
    # Given a partner flag column of yes and no, one cell of it a slip
    path = csv_write(
        tmp_path / "clients.csv",
        [
            ("Контрагент", "Партнёр"),
            ("Альфа", "Да"),
            ("Бета", "нет"),
            ("Гамма", "Возможно"),
        ],
    )

    # When it is imported
    run = import_path(path=path, imported_by=admin_adam)

    # Then the slip is named by row and column, and nothing is written
    assert run.errors == [
        {"row": 4, "column": "Партнёр", "message": "not yes or no: «Возможно» (write Да or Нет)"}
    ]
    assert not Client.objects.exists()
