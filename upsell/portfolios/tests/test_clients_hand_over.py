"""The one service that writes who serves a client: many clients at once, each change recorded
with its rule, the people told once each, and nothing written by anyone else."""

import datetime as dt
import re

import polars as pl
import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from upsell.accounts.models import Role
from upsell.accounts.tests.factories import UserFactory
from upsell.clients.models import Client, ClientAssignmentChange, ClientStatus, HandOverRule
from upsell.clients.services import ClientDetails
from upsell.clients.tests.factories import ClientFactory
from upsell.core.bulk import rows_insert
from upsell.forecasts.models import ForecastCell
from upsell.notifications.models import Notification
from upsell.portfolios.services import ClientChange, NewClient, client_create, clients_hand_over
from upsell.requests.models import OrderRequest, RequestSource, RoutingRule
from upsell.tests import hand_over_guard

NOW = dt.datetime(2026, 3, 20, 12, 0, tzinfo=dt.UTC)
APRIL = dt.date(2026, 4, 1)


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def clients(manager_anna, assistant_vera):
    return [
        ClientFactory.create(name=name, manager=manager_anna, status=ClientStatus.REGULAR)
        for name in ("Бета", "Альфа", "Гамма")
    ]


def _history():
    return sorted(
        ClientAssignmentChange.objects.values_list(
            "client__name", "role", "rule", "previous__username", "new__username", "reason",
            "changed_by__username",
        )
    )  # fmt: skip


def test_many_clients_change_hands_at_once_and_each_person_is_told_once(
    clients, manager_anna, manager_boris, assistant_vera, head_of_sales
):
    beta, alpha, gamma = clients
    waiting = OrderRequest.objects.create(
        client=alpha, description="Болты", source=RequestSource.UI, assignee=manager_anna,
        routed_by_rule=RoutingRule.MOTIVATED,
    )  # fmt: skip
    ForecastCell.objects.create(client=alpha, month=APRIL, manager=manager_anna)

    outcome = clients_hand_over(
        changes=[
            ClientChange(client_id=alpha.pk, manager=manager_boris),
            ClientChange(client_id=beta.pk, manager=manager_boris, reason="Ближе к офису"),
            ClientChange(client_id=gamma.pk, manager=manager_anna),  # already Anna's
        ],
        rule=HandOverRule.REBALANCING,
        reason="Анна перегружена",
        by=head_of_sales,
    )

    assert [change.name for change in outcome.handed] == ["Бета", "Альфа"]
    assert (outcome.requests_moved, outcome.cells_moved, outcome.told) == (1, 1, 1)
    assert sorted(Client.objects.values_list("name", "manager__username")) == [
        ("Альфа", "boris"), ("Бета", "boris"), ("Гамма", "anna"),
    ]  # fmt: skip
    assert _history() == [
        ("Альфа", "manager", "rebalancing", "anna", "boris", "Анна перегружена", "helen"),
        ("Бета", "manager", "rebalancing", "anna", "boris", "Ближе к офису", "helen"),
    ]
    assert list(Notification.objects.order_by("id").values_list("user__username", "text")) == [
        ("boris", "Yours now (Анна перегружена): Альфа, Бета"),
        ("boris", f"Request № {waiting.pk} of Альфа is yours: Moved with its client by the "
                  "rebalancing"),
    ]  # fmt: skip
    waiting.refresh_from_db()
    assert (waiting.assignee, waiting.routed_by_rule) == (manager_boris, RoutingRule.REBALANCING)
    assert ForecastCell.objects.get(client=alpha).manager == manager_boris


def test_handing_clients_to_whom_serves_them_writes_nothing(clients, manager_anna, head_of_sales):
    outcome = clients_hand_over(
        changes=[ClientChange(client_id=client.pk, manager=manager_anna) for client in clients],
        rule=HandOverRule.MANUAL,
        by=head_of_sales,
    )

    assert outcome.handed == ()
    assert (ClientAssignmentChange.objects.count(), Notification.objects.count()) == (0, 0)


def test_new_clients_go_to_their_people_without_being_read_back_or_followed(
    manager_anna, assistant_vera, head_of_sales
):
    alpha, beta, gamma = (ClientFactory.create(name=name) for name in ("Альфа", "Бета", "Гамма"))

    with CaptureQueriesContext(connection) as captured:
        outcome = clients_hand_over(
            new=[
                NewClient(client_id=beta.pk, name="Бета", manager=manager_anna),
                NewClient(client_id=alpha.pk, name="Альфа", manager=manager_anna),
                NewClient(client_id=gamma.pk, name="Гамма", assistant=assistant_vera),
            ],
            rule=HandOverRule.IMPORT,
            reason="Imported from clients.csv",
            by=head_of_sales,
        )

    assert [change.name for change in outcome.handed] == ["Альфа", "Бета", "Гамма"]
    assert (outcome.requests_moved, outcome.cells_moved, outcome.told) == (0, 0, 2)
    people = Client.objects.values_list("name", "manager__username", "assistant__username")
    assert sorted(people) == [
        ("Альфа", "anna", None), ("Бета", "anna", None), ("Гамма", None, "vera"),
    ]  # fmt: skip
    assert _history() == [
        ("Альфа", "manager", "import", None, "anna", "Imported from clients.csv", "helen"),
        ("Бета", "manager", "import", None, "anna", "Imported from clients.csv", "helen"),
        ("Гамма", "assistant", "import", None, "vera", "Imported from clients.csv", "helen"),
    ]
    assert sorted(Notification.objects.values_list("user__username", "text")) == [
        ("anna", "Yours now (Imported from clients.csv): Альфа, Бета"),
        ("vera", "Кузнецова Елена hands Гамма over to you: Imported from clients.csv"),
    ]
    # Nothing hangs off a client just created: only the people it goes to are read.
    read = {
        table
        for query in captured.captured_queries
        if query["sql"].startswith("SELECT")
        for table in re.findall(r'FROM "(\w+)"', query["sql"])
    }
    assert read == {"accounts_user"}


def test_a_client_is_handed_over_as_new_or_as_stored_not_both(clients, manager_boris):
    with pytest.raises(ValueError, match="A client is either new or stored"):
        clients_hand_over(
            changes=[ClientChange(client_id=clients[0].pk, manager=manager_boris)],
            new=[NewClient(client_id=clients[0].pk, name="Бета", manager=manager_boris)],
            rule=HandOverRule.IMPORT,
            by=None,
        )

    assert ClientAssignmentChange.objects.count() == 0


@pytest.mark.parametrize(
    ("role", "active", "field", "message"),
    [
        (Role.ASSISTANT, True, "manager", "Козлов Кирилл is not an active manager."),
        (Role.MANAGER, False, "manager", "Козлов Кирилл is not an active manager."),
        (Role.HEAD_OF_SALES, True, "manager", "Козлов Кирилл is not an active manager."),
        (Role.MANAGER, True, "assistant", "Козлов Кирилл is not an active assistant."),
        (Role.ASSISTANT, False, "assistant", "Козлов Кирилл is not an active assistant."),
    ],
)
def test_only_an_active_manager_manages_and_an_active_assistant_assists(
    clients, head_of_sales, role, active, field, message
):
    person = UserFactory.create(
        username="kirill", full_name="Козлов Кирилл", role=role, is_active=active
    )

    change = (
        ClientChange(client_id=clients[0].pk, manager=person)
        if field == "manager"
        else ClientChange(client_id=clients[0].pk, assistant=person)
    )

    with pytest.raises(ValidationError) as refused:
        clients_hand_over(
            changes=[change],
            rule=HandOverRule.MANUAL,
            by=head_of_sales,
        )

    assert refused.value.message_dict == {field: [message]}
    assert Client.objects.filter(**{field: person}).count() == 0
    assert ClientAssignmentChange.objects.count() == 0


def test_a_new_client_of_a_manager_is_in_its_history_from_the_start(manager_anna):
    client = client_create(details=ClientDetails(name='ООО "Новый"'), created_by=manager_anna)

    assert client.manager == manager_anna
    assert _history() == [
        ('ООО "Новый"', "manager", "created", None, "anna", "Created by its manager", "anna")
    ]
    # Whoever creates its own client knows already.
    assert Notification.objects.count() == 0


def test_a_new_client_of_the_head_of_sales_has_nobody_yet(head_of_sales):
    client = client_create(details=ClientDetails(name='ООО "Новый"'), created_by=head_of_sales)

    assert (client.manager, client.assistant) == (None, None)
    assert ClientAssignmentChange.objects.count() == 0


def _write_from(module: str, client: Client, manager) -> None:
    """Run a write of the client's manager as if a product module ``module`` issued it."""
    code = compile(
        "Client.objects.filter(pk=client_pk).update(manager=manager)",
        str(hand_over_guard.PACKAGE / module),
        "exec",
    )
    exec(code, {"Client": Client, "client_pk": client.pk, "manager": manager})  # noqa: S102


def test_a_module_other_than_the_hand_over_that_writes_who_serves_a_client_fails(
    clients, manager_boris
):
    with pytest.raises(hand_over_guard.ForeignWriteError) as refused, transaction.atomic():
        _write_from("clients/services.py", clients[0], manager_boris)

    assert str(refused.value) == (
        "upsell/clients/services.py writes a client's manager or assistant (UPDATE); only "
        "portfolios.services.handover.clients_hand_over may"
    )
    clients[0].refresh_from_db()
    assert clients[0].manager != manager_boris
    # The refusal is remembered so that the test fails even if the caller swallowed it.
    assert hand_over_guard.refused == [str(refused.value)]
    hand_over_guard.refused.clear()


def test_the_hand_over_itself_may_write_who_serves_a_client(clients, manager_boris):
    _write_from("portfolios/services/handover.py", clients[0], manager_boris)

    clients[0].refresh_from_db()
    assert clients[0].manager == manager_boris


def test_a_bulk_insert_of_clients_naming_their_manager_fails_on_either_database(manager_boris):
    """The bulk path writes with COPY on PostgreSQL and multi-row INSERTs on SQLite."""
    code = compile(
        "rows_insert(model=Client, frame=pl.DataFrame({'name': ['Дельта'], "
        "'manager_id': [manager_id]}))",
        str(hand_over_guard.PACKAGE / "imports" / "importers" / "clients.py"),
        "exec",
    )

    with pytest.raises(hand_over_guard.ForeignWriteError) as refused, transaction.atomic():
        exec(  # noqa: S102
            code,
            {
                "rows_insert": rows_insert,
                "Client": Client,
                "pl": pl,
                "manager_id": manager_boris.pk,
            },
        )

    assert str(refused.value).startswith(
        "upsell/imports/importers/clients.py writes a client's manager or assistant"
    )
    assert not Client.objects.filter(name="Дельта").exists()
    hand_over_guard.refused.clear()
