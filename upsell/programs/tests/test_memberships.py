"""The head of sales enrols, a manager proposes, a membership ends with a reason; a random
control group is held out reproducibly."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from upsell.clients.models import ClientAudit, ClientStatus
from upsell.clients.tests.factories import ClientFactory
from upsell.programs.models import Membership, MembershipGroup, MembershipState
from upsell.programs.selectors import program_eligible_clients
from upsell.programs.services.memberships import (
    MembershipRow,
    control_draw,
    membership_end,
    membership_propose,
    memberships_enrol,
    memberships_store,
)
from upsell.programs.tests.factories import program_running, retro_bonus_terms

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 2, 10)


@pytest.fixture
def program(top_manager):
    return program_running(
        terms=retro_bonus_terms(eligible_statuses=("regular", "vip"), min_perspective=50),
        by=top_manager,
    )


def client(name, manager, *, status=ClientStatus.REGULAR, perspective=70):
    made = ClientFactory.create(name=name, manager=manager, status=status)
    ClientAudit.objects.create(
        client=made, as_of=DAY, status_rule="regular", perspective=perspective
    )
    return made


def test_eligible_clients_are_listed_best_perspective_first(program, manager_anna):
    client("Альфа", manager_anna, perspective=60)
    client("Бета", manager_anna, perspective=90)
    client("Гамма", manager_anna, perspective=40)
    client("Дельта", manager_anna, status=ClientStatus.LOST)
    from upsell.clients.models import Client

    listed = program_eligible_clients(program=program, clients=Client.objects.all())
    assert [(c.name, c.audit.perspective) for c in listed] == [("Бета", 90), ("Альфа", 60)]


def test_enrolling_a_client_outside_the_eligibility_names_it_and_writes_nothing(
    program, manager_anna, head_of_sales
):
    inside = client("Альфа", manager_anna)
    outside = client("Гамма", manager_anna, status=ClientStatus.LOST)
    with pytest.raises(ValidationError) as raised:
        memberships_enrol(
            program=program, client_ids=[inside.pk, outside.pk], by=head_of_sales, today=DAY
        )
    assert raised.value.message_dict == {
        "clients": ["Гамма: its status is Lost, outside the program's eligibility."]
    }
    assert Membership.objects.count() == 0


def test_a_control_group_is_held_out_and_drawn_again_by_its_seed(
    program, manager_anna, head_of_sales
):
    clients = [client(f"Клиент {number:02d}", manager_anna) for number in range(20)]
    ids = [made.pk for made in clients]
    outcome = memberships_enrol(
        program=program, client_ids=ids, by=head_of_sales, today=DAY, control_percent=25, seed=7
    )
    assert (outcome.members, outcome.controls, outcome.already) == (15, 5, 0)
    controls = set(
        Membership.objects.filter(group=MembershipGroup.CONTROL).values_list("client_id", flat=True)
    )
    assert controls == control_draw(client_ids=ids, percent=25, seed=7)
    program.refresh_from_db()
    assert (program.control_percent, program.control_seed) == (25, 7)
    assert control_draw(client_ids=ids, percent=25, seed=8) != controls

    again = memberships_enrol(program=program, client_ids=ids, by=head_of_sales, today=DAY)
    assert (again.members, again.controls, again.already) == (0, 0, 20)
    assert Membership.objects.filter(group=MembershipGroup.CONTROL).count() == 5


def test_a_manager_proposes_its_client_and_the_head_of_sales_enrols_it(
    program, manager_anna, head_of_sales
):
    alfa = client("Альфа", manager_anna)
    proposal = membership_propose(program=program, client=alfa, by=manager_anna)
    assert (proposal.state, proposal.proposed_by, proposal.joined_on) == (
        MembershipState.PROPOSED, manager_anna, None,
    )  # fmt: skip
    outcome = memberships_enrol(program=program, client_ids=[alfa.pk], by=head_of_sales, today=DAY)
    assert (outcome.members, outcome.already) == (1, 0)
    proposal.refresh_from_db()
    assert (proposal.state, proposal.joined_on, proposal.enrolled_by) == (
        MembershipState.ACTIVE, DAY, head_of_sales,
    )  # fmt: skip
    with pytest.raises(ValidationError) as raised:
        membership_propose(program=program, client=alfa, by=manager_anna)
    assert raised.value.message_dict == {"client": ["This client is in the program already."]}


def test_a_membership_ends_early_only_with_a_reason(program, manager_anna, head_of_sales):
    alfa = client("Альфа", manager_anna)
    memberships_enrol(program=program, client_ids=[alfa.pk], by=head_of_sales, today=DAY)
    membership = Membership.objects.get()
    with pytest.raises(ValidationError) as raised:
        membership_end(membership=membership, by=head_of_sales, reason="  ", today=DAY)
    assert raised.value.message_dict == {"reason": ["Say why the membership ends."]}
    membership_end(
        membership=membership,
        by=head_of_sales,
        reason="Сменил поставщика",
        today=dt.date(2026, 3, 1),
    )
    membership.refresh_from_db()
    assert (membership.state, membership.ended_on, membership.end_reason) == (
        MembershipState.ENDED, dt.date(2026, 3, 1), "Сменил поставщика",
    )  # fmt: skip


def test_a_closed_program_takes_no_members(program, manager_anna, head_of_sales, top_manager):
    from upsell.programs.services.terms import program_close

    program_close(program=program, by=top_manager)
    alfa = client("Альфа", manager_anna)
    with pytest.raises(ValidationError) as raised:
        memberships_enrol(program=program, client_ids=[alfa.pk], by=head_of_sales, today=DAY)
    assert raised.value.message_dict == {"program": ["A closed program takes no members."]}


def test_groups_drawn_outside_upsell_are_stored_as_given_and_again_change_nothing(
    program, manager_anna, head_of_sales
):
    alpha, beta = client("Альфа", manager_anna), client("Бета", manager_anna)
    rows = [
        MembershipRow(client_id=alpha.pk, group=MembershipGroup.CONTROL),
        MembershipRow(
            client_id=beta.pk, group=MembershipGroup.MEMBER, joined_on=dt.date(2026, 1, 1)
        ),
    ]

    first = memberships_store(program=program, rows=rows, by=head_of_sales, today=DAY)
    second = memberships_store(program=program, rows=rows, by=head_of_sales, today=DAY)

    assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 2)
    assert sorted(
        Membership.objects.values_list("client__name", "group", "state", "joined_on")
    ) == [
        ("Альфа", MembershipGroup.CONTROL, MembershipState.ACTIVE, DAY),
        ("Бета", MembershipGroup.MEMBER, MembershipState.ACTIVE, dt.date(2026, 1, 1)),
    ]
    program.refresh_from_db()
    assert (program.control_percent, program.control_seed) == (None, None)


def test_storing_groups_shares_the_eligibility_check_and_stores_nothing_on_a_refusal(
    program, manager_anna, head_of_sales
):
    inside = client("Альфа", manager_anna)
    outside = client("Гамма", manager_anna, perspective=30)
    rows = [
        MembershipRow(client_id=inside.pk, group=MembershipGroup.MEMBER),
        MembershipRow(client_id=outside.pk, group=MembershipGroup.CONTROL),
        MembershipRow(client_id=inside.pk, group=MembershipGroup.CONTROL),
    ]

    with pytest.raises(ValidationError) as raised:
        memberships_store(program=program, rows=rows, by=head_of_sales, today=DAY)

    assert raised.value.message_dict == {
        "clients": [
            "Альфа: the client is named twice",
            "Гамма: its perspective is below 50, outside the program's eligibility",
        ]
    }
    assert Membership.objects.count() == 0
