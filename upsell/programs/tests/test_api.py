"""Sales programs over the REST API, persona by persona: top management designs and sets credit
terms, the head of sales decides memberships, a manager proposes its own clients and never sees
another manager's; a refused call changes nothing."""

import datetime as dt
import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from upsell.accounts.tokens import api_token_create
from upsell.clients.tests.factories import ClientFactory
from upsell.programs.models import (
    Membership,
    MembershipGroup,
    MembershipProgress,
    MembershipState,
    Program,
    ProgramState,
)
from upsell.programs.services.memberships import control_draw, memberships_enrol
from upsell.programs.services.terms import program_create
from upsell.programs.tests.factories import credit_line_terms, program_running, retro_bonus_terms

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 2, 10)


def api_client(user):
    _, token = api_token_create(user=user)
    return HttpClient(headers={"Authorization": f"Bearer {token}"})


def call(user, method, path, payload=None):
    client = api_client(user)
    if payload is None:
        return client.generic(method, f"/api/programs{path}")
    return client.generic(
        method, f"/api/programs{path}", json.dumps(payload), content_type="application/json"
    )


RETRO_IN = {
    "name": "Ретро-бонус II квартал",
    "kind": "retro_bonus",
    "period_start": "2026-04-01",
    "period_end": "2026-06-30",
    "tiers": [
        {"threshold": "1000000.00", "rate": "2.00"},
        {"threshold": "3000000.00", "rate": "3.50"},
    ],
    "eligible_statuses": ["regular", "vip"],
}


@pytest.fixture
def retro(top_manager, head_of_sales, annas_client, boris_client):
    """A running retro-bonus with Anna's and Boris's clients, both measured."""
    program = program_running(terms=retro_bonus_terms(), by=top_manager)
    memberships_enrol(
        program=program,
        client_ids=[annas_client.pk, boris_client.pk],
        by=head_of_sales,
        today=DAY,
    )
    for membership, purchased in zip(
        program.memberships.order_by("client__name"),
        (Decimal("1200000.00"), Decimal("400000.00")),
        strict=True,
    ):
        MembershipProgress.objects.create(
            membership=membership,
            as_of=dt.date(2026, 3, 1),
            purchased=purchased,
            tier_threshold=Decimal("1000000.00") if purchased >= 1000000 else None,
            tier_rate=Decimal("2.00") if purchased >= 1000000 else None,
            next_threshold=Decimal("3000000.00") if purchased >= 1000000 else Decimal("1000000.00"),
            next_rate=Decimal("3.00") if purchased >= 1000000 else Decimal("2.00"),
            missing=Decimal("1800000.00") if purchased >= 1000000 else Decimal("600000.00"),
            accrued=Decimal("24000.00") if purchased >= 1000000 else Decimal(0),
            expected_end=purchased * 2,
            within_reach=purchased < 1000000,
        )
    return program


@pytest.fixture
def credit_line(top_manager, head_of_sales, annas_client, boris_client):
    program = program_running(terms=credit_line_terms(), by=top_manager)
    memberships_enrol(
        program=program,
        client_ids=[annas_client.pk, boris_client.pk],
        by=head_of_sales,
        today=DAY,
    )
    return program


def membership_of(program, client):
    return Membership.objects.get(program=program, client=client)


# --- programs ---------------------------------------------------------------------------------


def test_managers_see_programs_in_force_and_top_management_the_drafts_too(
    retro, top_manager, manager_anna, admin_adam
):
    draft = program_create(terms=retro_bonus_terms(name="Черновик"), by=top_manager)

    def names(user):
        response = call(user, "GET", "")
        assert response.status_code == 200
        return [item["name"] for item in response.json()["items"]]

    assert names(top_manager) == ["Ретро-бонус I квартал", "Черновик"]
    assert names(manager_anna) == ["Ретро-бонус I квартал"]
    assert names(admin_adam) == []
    assert call(manager_anna, "GET", f"/{draft.pk}").status_code == 404


def test_top_management_creates_a_program_with_its_tiers(top_manager):
    response = call(top_manager, "POST", "", RETRO_IN)

    assert response.status_code == 201
    body = response.json()
    program = Program.objects.get()
    assert {key: body[key] for key in ("id", "name", "kind", "state", "tiers", "credit_limit")} == {
        "id": program.pk,
        "name": "Ретро-бонус II квартал",
        "kind": "retro_bonus",
        "state": "draft",
        "tiers": [
            {"threshold": "1000000.00", "rate": "2.00"},
            {"threshold": "3000000.00", "rate": "3.50"},
        ],
        "credit_limit": None,
    }
    assert (program.created_by, program.eligible_statuses) == (top_manager, ["regular", "vip"])


def test_a_manager_cannot_create_a_program(manager_anna):
    response = call(manager_anna, "POST", "", RETRO_IN)

    assert response.status_code == 403
    assert Program.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"period_end": "2026-03-31"},
            "period_end",
            "The period ends before it starts.",
        ),
        (
            {
                "tiers": [
                    {"threshold": "1000000.00", "rate": "3.00"},
                    {"threshold": "3000000.00", "rate": "2.00"},
                ]
            },
            "tiers",
            "The tier from 3000000.00 gives no more than the tier from 1000000.00.",
        ),
        (
            {"credit_limit": "100000.00"},
            "credit_limit",
            "Only a credit line has a limit and a payment delay.",
        ),
        (
            {"payment_delay_days": 4000, "kind": "credit_line", "tiers": []},
            "payment_delay_days",
            "A payment delay is from 0 to 3650 days.",
        ),
    ],
    ids=["period", "tiers", "limit", "delay"],
)
def test_bad_terms_name_their_field_and_create_nothing(top_manager, changes, field, message):
    response = call(top_manager, "POST", "", RETRO_IN | changes)

    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"loc": ["body", field], "msg": message, "type": "invalid"}
    ]
    assert Program.objects.count() == 0


def test_a_negative_limit_is_refused_at_the_door_naming_the_field(top_manager):
    response = call(
        top_manager,
        "POST",
        "",
        RETRO_IN | {"kind": "credit_line", "tiers": [], "credit_limit": "-1.00"},
    )

    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"][-1] == "credit_limit"
    assert Program.objects.count() == 0


def test_top_management_changes_the_terms_and_the_head_of_sales_may_not(
    retro, top_manager, head_of_sales, admin_adam
):
    renamed = RETRO_IN | {"name": "Ретро-бонус 2026", "period_start": "2026-01-01"}

    refused = call(head_of_sales, "PUT", f"/{retro.pk}", renamed)
    hidden = call(admin_adam, "PUT", f"/{retro.pk}", renamed)
    retro.refresh_from_db()
    assert (refused.status_code, hidden.status_code, retro.name) == (
        403,
        404,
        "Ретро-бонус I квартал",
    )

    response = call(top_manager, "PUT", f"/{retro.pk}", renamed)

    assert response.status_code == 200
    assert (response.json()["name"], response.json()["period_end"]) == (
        "Ретро-бонус 2026",
        "2026-06-30",
    )


def test_top_management_activates_and_closes_a_program_a_manager_cannot(top_manager, manager_anna):
    draft = program_create(terms=retro_bonus_terms(), by=top_manager)
    # A draft is not the manager's to see at all.
    assert call(manager_anna, "POST", f"/{draft.pk}/activate").status_code == 404

    activated = call(top_manager, "POST", f"/{draft.pk}/activate")
    refused = call(manager_anna, "POST", f"/{draft.pk}/close")
    draft.refresh_from_db()
    assert (activated.status_code, refused.status_code, draft.state) == (
        200,
        403,
        ProgramState.ACTIVE,
    )

    closed = call(top_manager, "POST", f"/{draft.pk}/close")
    again = call(top_manager, "POST", f"/{draft.pk}/activate")

    assert (closed.status_code, closed.json()["state"]) == (200, "closed")
    assert again.status_code == 422
    assert again.json()["detail"][0]["loc"] == ["body", "state"]


# --- memberships ------------------------------------------------------------------------------


def test_each_manager_lists_only_its_own_clients_memberships(
    retro, manager_anna, manager_boris, assistant_vera, head_of_sales
):
    def listed(user):
        response = call(user, "GET", f"/{retro.pk}/memberships")
        assert response.status_code == 200
        return [
            (item["client"]["name"], item["manager"]["username"])
            for item in response.json()["items"]
        ]

    assert listed(manager_anna) == [('ООО "Альфа"', "anna")]
    assert listed(manager_boris) == [('ООО "Бета"', "boris")]
    # Vera assists Anna: she sees Anna's clients' memberships, never Boris's.
    assert listed(assistant_vera) == [('ООО "Альфа"', "anna")]
    assert listed(head_of_sales) == [('ООО "Альфа"', "anna"), ('ООО "Бета"', "boris")]


def test_boris_never_reaches_a_membership_of_annas_client(retro, manager_boris, annas_client):
    membership = membership_of(retro, annas_client)

    for path in (f"/memberships/{membership.pk}", f"/memberships/{membership.pk}/progress"):
        assert call(manager_boris, "GET", path).status_code == 404
    assert (
        call(
            manager_boris, "POST", f"/memberships/{membership.pk}/end", {"reason": "Нет"}
        ).status_code
        == 404
    )
    assert membership_of(retro, annas_client).state == MembershipState.ACTIVE


def test_the_head_of_sales_enrols_many_with_a_reproducible_control_group(
    top_manager, head_of_sales, manager_anna
):
    program = program_running(terms=retro_bonus_terms(), by=top_manager)
    clients = [ClientFactory.create(manager=manager_anna) for _ in range(6)]
    ids = [client.pk for client in clients]

    response = call(
        head_of_sales,
        "POST",
        f"/{program.pk}/memberships",
        {"client_ids": ids, "control_percent": 50, "seed": 7},
    )
    again = call(head_of_sales, "POST", f"/{program.pk}/memberships", {"client_ids": ids})

    assert response.status_code == 200
    assert response.json() == {"members": 3, "controls": 3, "already": 0}
    assert again.json() == {"members": 0, "controls": 0, "already": 6}
    held_out = set(
        program.memberships.filter(group=MembershipGroup.CONTROL).values_list(
            "client_id", flat=True
        )
    )
    assert held_out == control_draw(client_ids=ids, percent=50, seed=7)


def test_only_the_head_of_sales_enrols(retro, top_manager, manager_anna, annas_client):
    newcomer = ClientFactory.create(manager=manager_anna)
    before = Membership.objects.count()

    for user in (top_manager, manager_anna):
        response = call(user, "POST", f"/{retro.pk}/memberships", {"client_ids": [newcomer.pk]})
        assert response.status_code == 403
    assert Membership.objects.count() == before


def test_an_unknown_client_refuses_the_enrolment_naming_it(retro, head_of_sales):
    response = call(head_of_sales, "POST", f"/{retro.pk}/memberships", {"client_ids": [999999]})

    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"loc": ["body", "clients"], "msg": "No such clients: [999999].", "type": "invalid"}
    ]


def test_a_manager_proposes_its_own_client_and_not_anothers(
    top_manager, manager_anna, annas_client, boris_client
):
    program = program_running(terms=retro_bonus_terms(), by=top_manager)

    proposed = call(
        manager_anna, "POST", f"/{program.pk}/proposals", {"client_id": annas_client.pk}
    )
    foreign = call(manager_anna, "POST", f"/{program.pk}/proposals", {"client_id": boris_client.pk})
    by_top = call(top_manager, "POST", f"/{program.pk}/proposals", {"client_id": boris_client.pk})

    assert proposed.status_code == 200
    assert (proposed.json()["state"], proposed.json()["client"]["name"]) == (
        "proposed",
        'ООО "Альфа"',
    )
    assert (foreign.status_code, by_top.status_code) == (404, 403)
    assert list(program.memberships.values_list("client__name", "state")) == [
        ('ООО "Альфа"', "proposed")
    ]


def test_the_head_of_sales_ends_a_membership_with_a_reason(
    retro, head_of_sales, manager_boris, boris_client
):
    membership = membership_of(retro, boris_client)

    refused = call(manager_boris, "POST", f"/memberships/{membership.pk}/end", {"reason": "Сам"})
    no_reason = call(head_of_sales, "POST", f"/memberships/{membership.pk}/end", {"reason": "  "})
    assert (refused.status_code, no_reason.status_code) == (403, 422)
    assert no_reason.json()["detail"] == [
        {"loc": ["body", "reason"], "msg": "Say why the membership ends.", "type": "invalid"}
    ]
    assert membership_of(retro, boris_client).state == MembershipState.ACTIVE

    ended = call(head_of_sales, "POST", f"/memberships/{membership.pk}/end", {"reason": "Закрыт"})

    assert ended.status_code == 200
    assert (ended.json()["state"], ended.json()["end_reason"]) == ("ended", "Закрыт")


# --- credit terms and progress ----------------------------------------------------------------


def test_top_management_or_the_head_of_sales_sets_a_members_credit_terms(
    credit_line, top_manager, head_of_sales, manager_boris, boris_client
):
    membership = membership_of(credit_line, boris_client)
    terms = {"credit_limit": "250000.00", "payment_delay_days": 45}

    assert (
        call(manager_boris, "PUT", f"/memberships/{membership.pk}/credit", terms).status_code == 403
    )
    membership.refresh_from_db()
    assert (membership.credit_limit, membership.payment_delay_days) == (None, None)

    response = call(top_manager, "PUT", f"/memberships/{membership.pk}/credit", terms)

    assert response.status_code == 200
    assert (
        call(head_of_sales, "PUT", f"/memberships/{membership.pk}/credit", terms).status_code == 200
    )
    assert (response.json()["credit_limit"], response.json()["payment_delay_days"]) == (
        "250000.00",
        45,
    )
    membership.refresh_from_db()
    assert (membership.credit_limit, membership.payment_delay_days) == (Decimal("250000.00"), 45)


def test_bad_credit_terms_name_their_field(credit_line, retro, top_manager, boris_client):
    on_credit = membership_of(credit_line, boris_client)
    on_retro = membership_of(retro, boris_client)

    negative = call(
        top_manager,
        "PUT",
        f"/memberships/{on_credit.pk}/credit",
        {"credit_limit": "-5.00", "payment_delay_days": None},
    )
    too_long = call(
        top_manager,
        "PUT",
        f"/memberships/{on_credit.pk}/credit",
        {"credit_limit": None, "payment_delay_days": 4000},
    )
    not_credit = call(
        top_manager,
        "PUT",
        f"/memberships/{on_retro.pk}/credit",
        {"credit_limit": "1.00", "payment_delay_days": None},
    )

    assert negative.status_code == 422
    assert negative.json()["detail"][0]["loc"][-1] == "credit_limit"
    assert too_long.json()["detail"] == [
        {
            "loc": ["body", "payment_delay_days"],
            "msg": "A payment delay is from 0 to 3650 days.",
            "type": "invalid",
        }
    ]
    assert not_credit.json()["detail"] == [
        {
            "loc": ["body", "credit_limit"],
            "msg": "Only a credit line has a limit.",
            "type": "invalid",
        }
    ]
    on_credit.refresh_from_db()
    assert (on_credit.credit_limit, on_credit.payment_delay_days) == (None, None)


def test_a_manager_reads_its_members_progress(retro, manager_boris, boris_client):
    membership = membership_of(retro, boris_client)

    response = call(manager_boris, "GET", f"/memberships/{membership.pk}/progress")

    assert response.status_code == 200
    assert response.json() == {
        "as_of": "2026-03-01",
        "purchased": "400000.00",
        "tier_threshold": None,
        "tier_rate": None,
        "next_threshold": "1000000.00",
        "next_rate": "2.00",
        "missing": "600000.00",
        "accrued": "0.00",
        "expected_end": "800000.00",
        "within_reach": True,
        "exposure": None,
        "available": None,
        "oldest_unpaid": None,
        "past_delay": None,
        "returned_on": None,
    }


def test_progress_not_measured_yet_is_not_found(credit_line, manager_boris, boris_client):
    membership = membership_of(credit_line, boris_client)

    response = call(manager_boris, "GET", f"/memberships/{membership.pk}/progress")

    assert response.status_code == 404


# --- the report -------------------------------------------------------------------------------


def workbook_of(response):
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    content = b"".join(response.streaming_content)
    return openpyxl.load_workbook(io.BytesIO(content))


def rows(sheet):
    """The sheet's values; a date cell, which openpyxl reads as a midnight, as its day."""
    return [
        [cell.date() if isinstance(cell, dt.datetime) else cell for cell in row]
        for row in sheet.iter_rows(values_only=True)
    ]


def test_the_report_holds_the_terms_and_every_member_the_reader_sees(retro, head_of_sales):
    workbook = workbook_of(call(head_of_sales, "GET", f"/{retro.pk}/report.xlsx"))

    assert workbook.sheetnames == ["Terms", "Members"]
    terms = rows(workbook["Terms"])
    assert terms[:5] == [
        ["Program", "Ретро-бонус I квартал"],
        ["Type", "Retro-bonus"],
        ["State", "Active"],
        ["From", dt.date(2026, 1, 1)],
        ["To", dt.date(2026, 3, 31)],
    ]
    assert terms[-3:] == [["From", "Rate, %"], [1000000, 2], [3000000, 3]]
    members = rows(workbook["Members"])
    assert members[0][:8] == [
        "Client", "Tax id", "Manager", "Group", "State", "Joined", "Measured on", "Purchased",
    ]  # fmt: skip
    assert [row[:1] + row[2:6] + row[7:] for row in members[1:]] == [
        ['ООО "Альфа"', "Иванова Анна", "Member", "Active", dt.date(2026, 2, 10),
         1200000, 1000000, 2, 3000000, 3, 1800000, 24000, 2400000, "No"],
        ['ООО "Бета"', "Петров Борис", "Member", "Active", dt.date(2026, 2, 10),
         400000, None, None, 1000000, 2, 600000, 0, 800000, "Yes"],
    ]  # fmt: skip


def test_a_managers_report_holds_only_its_own_clients(
    retro, manager_anna, annas_client, boris_client
):
    workbook = workbook_of(call(manager_anna, "GET", f"/{retro.pk}/report.xlsx"))

    members = rows(workbook["Members"])
    assert [row[:2] for row in members[1:]] == [['ООО "Альфа"', annas_client.tax_id]]
    cells = {str(cell) for sheet in workbook.worksheets for row in rows(sheet) for cell in row}
    assert not {boris_client.name, boris_client.tax_id} & cells


def test_a_credit_lines_report_shows_each_members_limit_and_credit_left(
    credit_line, top_manager, boris_client
):
    membership = membership_of(credit_line, boris_client)
    membership.credit_limit = Decimal("200000.00")
    membership.save(update_fields=["credit_limit"])
    MembershipProgress.objects.create(
        membership=membership,
        as_of=dt.date(2026, 3, 1),
        purchased=Decimal("150000.00"),
        accrued=Decimal(0),
        expected_end=Decimal("150000.00"),
        exposure=Decimal("230000.00"),
        available=Decimal("-30000.00"),
    )

    workbook = workbook_of(call(top_manager, "GET", f"/{credit_line.pk}/report.xlsx"))

    terms = rows(workbook["Terms"])
    assert terms[-2:] == [["Credit limit", 500000], ["Payment delay, days", 30]]
    members = rows(workbook["Members"])
    assert members[0][-4:] == ["Credit limit", "Payment delay, days", "Exposure", "Available"]
    assert [(row[0], *row[-4:]) for row in members[1:]] == [
        ('ООО "Альфа"', 500000, 30, None, None),
        ('ООО "Бета"', 200000, 30, 230000, -30000),
    ]


def test_a_formula_in_a_clients_name_stays_text_in_the_report(retro, head_of_sales, annas_client):
    annas_client.name = '=HYPERLINK("http://x","y")'
    annas_client.save(update_fields=["name"])

    workbook = workbook_of(call(head_of_sales, "GET", f"/{retro.pk}/report.xlsx"))

    assert rows(workbook["Members"])[1][0] == '\'=HYPERLINK("http://x","y")'


def test_the_lists_read_the_same_queries_however_many_they_hold(
    retro, credit_line, top_manager, head_of_sales, manager_anna
):
    def queries(user, path):
        client = api_client(user)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/api/programs{path}").status_code == 200
        return len(captured)

    few = (queries(top_manager, ""), queries(head_of_sales, f"/{retro.pk}/memberships"))
    program_running(terms=retro_bonus_terms(name="Ещё один"), by=top_manager)
    memberships_enrol(
        program=retro,
        client_ids=[ClientFactory.create(manager=manager_anna).pk for _ in range(4)],
        by=head_of_sales,
        today=DAY,
    )
    many = (queries(top_manager, ""), queries(head_of_sales, f"/{retro.pk}/memberships"))

    assert few == many
