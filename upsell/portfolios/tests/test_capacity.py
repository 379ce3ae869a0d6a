"""When the managers are over capacity, the workload board says so, by how much, and what can be
done: the managers or the capacity the team needs, and the motivated clients of least
perspective that could go to assistants; the board and those clients as a workbook."""

import datetime as dt
import io
import re
from decimal import Decimal
from html import unescape
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from upsell.accounts.tests.factories import UserFactory
from upsell.clients.models import ClientAudit, ClientStatus
from upsell.clients.tests.factories import ClientFactory
from upsell.history.models import ChangeSource
from upsell.portfolios.selectors import (
    assistant_candidates,
    rebalance_propose,
    team_capacity,
    workload_board,
    workload_current,
)
from upsell.portfolios.services import workload_settings_update
from upsell.shipments.tests.factories import ShipmentFactory

TODAY = dt.date(2026, 3, 16)


@pytest.fixture(autouse=True)
def frozen():
    """The pages read today's date: the 16th of March, 2026, at noon in Moscow."""
    noon = dt.datetime(2026, 3, 16, 12, tzinfo=ZoneInfo("Europe/Moscow"))
    with time_machine.travel(noon, tick=False):
        yield


def signed_in(user):
    client = HttpClient()
    client.force_login(user)
    return client


def text(response):
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def portfolio(manager, prefix, perspectives, *, status=ClientStatus.REGULAR):
    """Motivated clients of ``manager``, each with its audit's perspective (None: not audited)."""
    clients = []
    for n, perspective in enumerate(perspectives, start=1):
        client = ClientFactory.create(name=f"{prefix} {n}", manager=manager, status=status)
        if perspective is not None:
            ClientAudit.objects.create(
                client=client, as_of=TODAY, status_rule="regular", perspective=perspective
            )
        clients.append(client)
    return clients


@pytest.fixture
def gleb(db):
    return UserFactory.create(username="gleb", full_name="Соколов Глеб")


@pytest.fixture
def capacity_two(head_of_sales):
    workload_settings_update(
        max_motivated_per_manager=2,
        pool_assistant=None,
        changed_by=head_of_sales,
        source=ChangeSource.SCREEN,
    )


@pytest.fixture
def all_over(capacity_two, manager_anna, manager_boris, gleb):
    """Ten motivated clients for three managers of capacity two: Anna 4, Boris 3, Gleb 3."""
    clients = {
        "anna": portfolio(manager_anna, "Анна", [70, 15, None, 40]),
        "boris": portfolio(manager_boris, "Борис", [5, 90, 60]),
        "gleb": portfolio(gleb, "Глеб", [55, 55, 80]),
    }
    # Spontaneous clients count for nobody's capacity.
    ClientFactory.create(name="Разовый", manager=manager_anna, status=ClientStatus.ONE_TIME)
    ShipmentFactory.create(client=clients["anna"][1], total=Decimal("12500.00"), date=TODAY)
    return clients


def test_the_team_over_capacity_needs_managers_or_a_capacity(all_over):
    workload = workload_current(today=TODAY)
    board = workload_board(workload=workload)

    team = team_capacity(board=board, capacity=2)

    assert (team.managers, team.motivated, team.places, team.over, team.over_capacity) == (
        3, 10, 6, 4, 3,
    )  # fmt: skip
    assert (team.managers_needed, team.managers_more, team.capacity_needed) == (5, 2, 4)
    assert (team.excess, team.room) == (4, 0)


def test_the_least_perspective_clients_beyond_capacity_could_go_to_assistants(all_over):
    workload = workload_current(today=TODAY)
    board = workload_board(workload=workload)
    proposal = rebalance_propose(workload=workload)

    candidates = assistant_candidates(workload=workload, board=board, proposal=proposal)

    # No manager has room: nothing moves between managers. Anna is the most over (by two); a
    # client never audited comes after every audited one.
    assert proposal == []
    assert candidates.total == 4
    assert [
        (row.client.name, row.manager.username, row.perspective, row.revenue_12m)
        for row in candidates.shown
    ] == [
        ("Анна 2", "anna", 15, Decimal("12500.00")),
        ("Анна 4", "anna", 40, Decimal(0)),
        ("Борис 1", "boris", 5, Decimal(0)),
        # Gleb's two clients of perspective 55: by name.
        ("Глеб 1", "gleb", 55, Decimal(0)),
    ]


def test_the_page_reads_only_the_candidates_it_shows(all_over):
    workload = workload_current(today=TODAY)
    board = workload_board(workload=workload)

    candidates = assistant_candidates(workload=workload, board=board, proposal=[], limit=3)

    assert candidates.total == 4
    assert [row.client.name for row in candidates.shown] == ["Анна 2", "Анна 4", "Борис 1"]


def test_clients_that_move_to_room_are_not_candidates(
    capacity_two, manager_anna, manager_boris, gleb
):
    """Anna is over by three, Boris by none, Gleb has room for one: one of Anna's clients goes to
    Gleb, the two still over are her least perspective among those that stay."""
    anna = portfolio(manager_anna, "Анна", [10, 20, 30, 40, 50])
    portfolio(manager_boris, "Борис", [60, 70])
    portfolio(gleb, "Глеб", [80])
    for client, total in zip(anna, ("900.00", "100.00", "800.00", "700.00", "600.00"), strict=True):
        ShipmentFactory.create(client=client, total=Decimal(total), date=TODAY)
    workload = workload_current(today=TODAY)
    board = workload_board(workload=workload)
    proposal = rebalance_propose(workload=workload)

    candidates = assistant_candidates(workload=workload, board=board, proposal=proposal)

    # The rebalancing moves the smallest by revenue; the candidates are the least perspective.
    assert [(move.client.name, move.new.username) for move in proposal] == [("Анна 2", "gleb")]
    assert candidates.total == 2
    assert [row.client.name for row in candidates.shown] == ["Анна 1", "Анна 3"]
    team = team_capacity(board=board, capacity=2)
    assert (team.over_capacity, team.excess, team.room, team.over) == (1, 3, 1, 2)


def test_the_head_of_sales_reads_how_far_over_and_what_can_be_done(all_over, head_of_sales):
    response = signed_in(head_of_sales).get(reverse("portfolios:workload"))

    page = text(response)
    assert response.status_code == 200
    assert (
        "All 3 managers are over capacity: 10 motivated clients for 3 × 2 = 6 places, 4 over. "
        "At this capacity the team needs 5 managers (2 more); with 3 managers, the capacity "
        "would have to be 4 motivated clients each, their portfolios evened out." in page
    )
    assert "No manager has room for 4 motivated clients beyond capacity." in page
    assert (
        "Анна 2 Regular 15 12,500.00 Иванова Анна Анна 4 Regular 40 0.00 Иванова Анна "
        "Борис 1 Regular 5 0.00 Петров Борис Глеб 1 Regular 55 0.00 Соколов Глеб" in page
    )
    candidate = all_over["anna"][1]
    assert f'href="{reverse("clients:detail", args=[candidate.pk])}"' in response.content.decode()
    assert "Every portfolio is within capacity" not in page


def test_a_manager_over_capacity_with_room_elsewhere_is_told_the_proposal_moves_it(
    capacity_two, manager_anna, manager_boris, head_of_sales
):
    portfolio(manager_anna, "Анна", [10, 20, 30])
    portfolio(manager_boris, "Борис", [40])

    page = text(signed_in(head_of_sales).get(reverse("portfolios:workload")))

    assert (
        "1 of 2 managers are over capacity by 1 motivated clients in all; the others have room "
        "for 1. The rebalancing proposal below moves the excess to them." in page
    )
    assert "Could go to assistants" not in page


def test_top_management_reads_the_verdict_but_no_candidates(all_over, top_manager):
    page = text(signed_in(top_manager).get(reverse("portfolios:workload")))

    assert "All 3 managers are over capacity: 10 motivated clients" in page
    assert "Could go to assistants" not in page
    assert "Анна 2" not in page


def test_the_over_capacity_page_reads_as_many_statements_whatever_the_clients(
    all_over, manager_anna, head_of_sales
):
    def page_queries():
        with CaptureQueriesContext(connection) as captured:
            response = signed_in(head_of_sales).get(reverse("portfolios:workload"))
        assert response.status_code == 200
        return len(captured.captured_queries)

    few = page_queries()
    portfolio(manager_anna, "Ещё", [1] * 40)

    assert page_queries() == few


def test_the_board_and_the_candidates_as_a_workbook(all_over, manager_anna, head_of_sales):
    all_over["gleb"][0].name = '=HYPERLINK("http://x","y")'
    all_over["gleb"][0].save(update_fields=["name"])

    response = signed_in(head_of_sales).get(reverse("portfolios:export"))

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="workload-2026-03-16.xlsx"'
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["Workload", "Could go to assistants"]
    assert [list(row) for row in workbook["Workload"].iter_rows(values_only=True)] == [
        ["Person", "Role", "Motivated", "Spontaneous", "Capacity", "Load, %", "Over capacity by",
         "Revenue, 12 months, ₽", "Forecast, next 12 months, ₽", "Waiting requests",
         "Oldest waiting since"],
        ["Иванова Анна", "Manager", 4, 1, 2, 200, 2, 12500, 0, 0, None],
        ["Петров Борис", "Manager", 3, 0, 2, 150, 1, 0, 0, 0, None],
        ["Соколов Глеб", "Manager", 3, 0, 2, 150, 1, 0, 0, 0, None],
    ]  # fmt: skip
    candidates = workbook["Could go to assistants"]
    assert [list(row) for row in candidates.iter_rows(values_only=True)] == [
        ["Client", "Tax id", "Status", "Perspective", "Revenue, 12 months, ₽", "Manager"],
        ["Анна 2", all_over["anna"][1].tax_id, "Regular", 15, 12500, "Иванова Анна"],
        ["Анна 4", all_over["anna"][3].tax_id, "Regular", 40, 0, "Иванова Анна"],
        ["Борис 1", all_over["boris"][0].tax_id, "Regular", 5, 0, "Петров Борис"],
        # Named like a formula, it stays text (and sorts before "Глеб 2", perspective 55 too).
        ["'=HYPERLINK(\"http://x\",\"y\")", all_over["gleb"][0].tax_id, "Regular", 55, 0,
         "Соколов Глеб"],
    ]  # fmt: skip


def test_top_management_s_workbook_holds_the_board_alone(all_over, top_manager):
    response = signed_in(top_manager).get(reverse("portfolios:export"))

    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["Workload"]
    assert workbook["Workload"].max_row == 4


def test_a_manager_gets_no_workbook(all_over, manager_anna):
    response = signed_in(manager_anna).get(reverse("portfolios:export"))

    assert response.status_code == 403
    assert "Content-Disposition" not in response
