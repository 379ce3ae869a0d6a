"""The program screens as each persona sees them: the list, the terms form, a program's page
with its members, the client card's section; a refused request changes nothing."""

import datetime as dt
import html as html_module
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from upsell.clients.models import ClientAudit, ClientStatus
from upsell.clients.tests.factories import ClientFactory
from upsell.core.months import month_add, month_end, month_start
from upsell.programs.models import (
    EffectMethod,
    Membership,
    MembershipGroup,
    MembershipProgress,
    MembershipState,
    Program,
    ProgramEffect,
    ProgramState,
    ProgramTier,
)
from upsell.programs.services.memberships import memberships_enrol
from upsell.programs.services.terms import program_create
from upsell.programs.tests.factories import (
    credit_line_terms,
    program_running,
    retro_bonus_terms,
)

pytestmark = pytest.mark.django_db
PERSONAS = (
    "manager_anna", "manager_boris", "assistant_vera", "head_of_sales", "top_manager",
    "admin_adam",
)  # fmt: skip


def audited(name, manager, *, assistant=None, status=ClientStatus.REGULAR, perspective=70):
    made = ClientFactory.create(name=name, manager=manager, assistant=assistant, status=status)
    ClientAudit.objects.create(
        client=made, as_of=dt.date(2026, 1, 31), status_rule="regular", perspective=perspective
    )
    return made


@pytest.fixture
def world(manager_anna, manager_boris, assistant_vera, head_of_sales, top_manager, admin_adam):
    """A running retro-bonus for irregular, regular and VIP clients with Anna's Альфа and
    Boris's Бета in it (Альфа's progress measured), Anna's Гамма eligible and out, and a draft
    credit line."""
    program = program_running(
        terms=retro_bonus_terms(eligible_statuses=("irregular", "regular", "vip")), by=top_manager
    )
    # Vera assists Anna with Альфа: an irregular client is no motivated one, kept by Anna alone.
    alfa = audited('ООО "Альфа"', manager_anna, assistant=assistant_vera, status="irregular")
    beta = audited('ООО "Бета"', manager_boris)
    gamma = audited('ООО "Гамма"', manager_anna, perspective=90)
    memberships_enrol(
        program=program,
        client_ids=[alfa.pk, beta.pk],
        by=head_of_sales,
        today=dt.date(2026, 1, 10),
    )
    MembershipProgress.objects.create(
        membership=Membership.objects.get(client=alfa),
        as_of=dt.date(2026, 2, 28),
        purchased=Decimal("880000.00"),
        next_threshold=Decimal("1000000.00"),
        next_rate=Decimal("2.00"),
        missing=Decimal("120000.00"),
        accrued=Decimal("0.00"),
        expected_end=Decimal("1300000.00"),
        within_reach=True,
    )
    draft = program_create(terms=credit_line_terms(), by=top_manager)
    return {"program": program, "draft": draft, "alfa": alfa, "beta": beta, "gamma": gamma}


def signed_in(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    return client


def text(response):
    """The page's text without tags or runs of white space."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def counts():
    return (
        Program.objects.count(),
        ProgramTier.objects.count(),
        Membership.objects.count(),
        list(Program.objects.order_by("pk").values_list("state", flat=True)),
        list(Membership.objects.order_by("pk").values_list("state", "group")),
    )


# --- the list -------------------------------------------------------------------------------


@pytest.mark.parametrize(("persona", "listed", "button"), [
    ("manager_anna", ["Ретро-бонус I квартал"], None),
    ("assistant_vera", ["Ретро-бонус I квартал"], None),
    ("head_of_sales", ["Кредитная линия 2026", "Ретро-бонус I квартал"], "Propose a program"),
    ("top_manager", ["Кредитная линия 2026", "Ретро-бонус I квартал"], "New program"),
    ("admin_adam", [], None),
])  # fmt: skip
def test_the_list_shows_each_role_the_programs_it_may_see(
    client, request, world, persona, listed, button
):
    response = signed_in(client, request, persona).get(reverse("programs:list"))

    assert response.status_code == 200
    html = response.content.decode()
    assert re.findall(r'<td><a href="/programs/\d+/">([^<]+)</a></td>', html) == listed
    has_button = f'href="{reverse("programs:create")}"' in html
    assert has_button == (button is not None)
    if button:
        assert button in text(response)


def test_the_list_counts_members_in_force(client, world, top_manager):
    client.force_login(top_manager)
    html = client.get(reverse("programs:list")).content.decode()
    rows = re.findall(r'<tr data-program="(\d+)">.*?<td class="num">([^<]+)</td>', html, re.S)
    assert rows == [(str(world["draft"].pk), "0"), (str(world["program"].pk), "2")]


def test_the_list_pins_its_query_count(client, world, top_manager, django_assert_num_queries):
    client.force_login(top_manager)
    for number in range(5):
        program_create(terms=retro_bonus_terms(name=f"Бонус {number}"), by=top_manager)

    # The session, its user, and the programs with their members counted.
    with django_assert_num_queries(3):
        response = client.get(reverse("programs:list"))
    assert response.content.decode().count("<tr data-program=") == 7


# --- the terms form -------------------------------------------------------------------------


def terms_form(**changes):
    form = {
        "name": "Ретро-бонус II квартал",
        "kind": "retro_bonus",
        "period_start": "2026-04-01",
        "period_end": "2026-06-30",
        "description": "",
        "eligible_statuses": ["regular", "vip"],
        "eligible_segments": "Розница, Дилеры",
        "eligible_regions": "",
        "min_perspective": "50",
        "credit_limit": "",
        "payment_delay_days": "",
        "tiers-TOTAL_FORMS": "3",
        "tiers-INITIAL_FORMS": "0",
        "tiers-MIN_NUM_FORMS": "0",
        "tiers-MAX_NUM_FORMS": "20",
        "tiers-0-threshold": "1000000",
        "tiers-0-rate": "2",
        "tiers-1-threshold": "3000000",
        "tiers-1-rate": "3",
        "tiers-2-threshold": "",
        "tiers-2-rate": "",
    }
    return {key: value for key, value in (form | changes).items() if value is not None}


def test_top_management_creates_a_retro_bonus_with_two_tiers(client, top_manager):
    client.force_login(top_manager)

    response = client.post(reverse("programs:create"), terms_form())

    program = Program.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("programs:detail", kwargs={"program_id": program.pk})
    assert (program.name, program.kind, program.state, program.created_by) == (
        "Ретро-бонус II квартал", "retro_bonus", ProgramState.DRAFT, top_manager,
    )  # fmt: skip
    assert (program.period_start, program.period_end) == (dt.date(2026, 4, 1), dt.date(2026, 6, 30))
    assert (program.eligible_statuses, program.eligible_segments, program.min_perspective) == (
        ["regular", "vip"], ["Дилеры", "Розница"], 50,
    )  # fmt: skip
    assert list(program.tiers.values_list("threshold", "rate")) == [
        (Decimal("1000000.00"), Decimal("2.00")),
        (Decimal("3000000.00"), Decimal("3.00")),
    ]


def test_the_head_of_sales_proposes_a_program_as_a_draft_and_cannot_change_it(
    client, head_of_sales
):
    client.force_login(head_of_sales)
    page = client.get(reverse("programs:create"))
    assert "Top management decides" in text(page)

    client.post(reverse("programs:create"), terms_form())

    program = Program.objects.get()
    assert (program.state, program.created_by) == (ProgramState.DRAFT, head_of_sales)
    before = counts()
    edit = reverse("programs:edit", kwargs={"program_id": program.pk})
    assert client.get(edit).status_code == 403
    assert client.post(edit, terms_form(name="Иначе")).status_code == 403
    activate = reverse("programs:activate", kwargs={"program_id": program.pk})
    assert client.post(activate).status_code == 403
    assert counts() == before
    assert Program.objects.get().name == "Ретро-бонус II квартал"


def test_bad_terms_show_their_errors_next_to_their_fields_and_write_nothing(client, top_manager):
    client.force_login(top_manager)

    response = client.post(
        reverse("programs:create"),
        terms_form(period_end="2026-03-31", **{"tiers-1-rate": "1.5"}),
    )

    assert response.status_code == 200
    assert Program.objects.count() == 0
    html = response.content.decode()
    period_end = re.search(r'<div class="field has-error">\s*<label for="id_period_end">', html)
    assert period_end is not None
    assert "The period ends before it starts." in text(response)
    tier_errors = re.search(r'<ul class="errorlist nonfield" id="tier-errors">(.*?)</ul>', html)
    assert tier_errors is not None
    assert re.sub(r"<[^>]+>", "", tier_errors[1]) == (
        "The tier from 3000000 gives no more than the tier from 1000000."
    )
    # What was typed is offered again.
    assert 'name="tiers-1-rate" value="1.5"' in html


def test_a_type_without_tiers_keeps_no_tiers_typed_before_it_was_chosen(client, top_manager):
    client.force_login(top_manager)

    client.post(
        reverse("programs:create"),
        terms_form(kind="credit_line", credit_limit="500000", payment_delay_days="30"),
    )

    program = Program.objects.get()
    assert (program.kind, program.credit_limit, program.payment_delay_days) == (
        "credit_line", Decimal("500000.00"), 30,
    )  # fmt: skip
    assert program.tiers.count() == 0


@pytest.mark.parametrize(("choice", "start", "end"), [
    ("quarter", "2026-04-01", "2026-06-30"),
    ("year", "2026-01-01", "2026-12-31"),
])  # fmt: skip
def test_a_quick_choice_fills_the_period_of_the_typed_start_and_saves_nothing(
    client, top_manager, choice, start, end
):
    client.force_login(top_manager)

    response = client.post(
        reverse("programs:create"), terms_form(period_start="2026-05-14", period_quick=choice)
    )

    assert response.status_code == 200
    assert Program.objects.count() == 0
    html = response.content.decode()
    assert f'name="period_start" value="{start}"' in html
    assert f'name="period_end" value="{end}"' in html
    assert 'value="Ретро-бонус II квартал"' in html


def test_more_tiers_adds_a_row_and_drops_the_rows_marked_to_remove(client, top_manager):
    client.force_login(top_manager)

    response = client.post(
        reverse("programs:create"), terms_form(more_tiers="1", **{"tiers-0-DELETE": "on"})
    )

    html = response.content.decode()
    assert re.findall(r'name="tiers-(\d+)-threshold"(?: value="([^"]*)")?', html) == [
        ("0", "3000000"), ("1", ""), ("2", ""),
    ]  # fmt: skip
    assert Program.objects.count() == 0


def test_top_management_edits_the_terms_the_form_shows(client, world, top_manager):
    client.force_login(top_manager)
    program = world["program"]
    edit = reverse("programs:edit", kwargs={"program_id": program.pk})

    html = client.get(edit).content.decode()
    assert 'name="tiers-0-threshold" value="1,000,000.00"' in html
    assert 'name="tiers-1-rate" value="3.00"' in html
    assert 'name="period_end" value="2026-03-31"' in html

    client.post(
        edit,
        terms_form(
            name="Ретро-бонус I квартал",
            period_start="2026-01-01",
            period_end="2026-03-31",
            **{"tiers-1-rate": "4"},
        ),
    )
    assert list(program.tiers.values_list("rate", flat=True)) == [Decimal("2.00"), Decimal("4.00")]


@pytest.mark.parametrize(("persona", "status"), [
    ("manager_anna", 403), ("assistant_vera", 403), ("head_of_sales", 403), ("admin_adam", 404),
])  # fmt: skip
def test_only_top_management_changes_activates_and_closes_programs(
    client, request, world, persona, status
):
    signed_in(client, request, persona)
    before = counts()
    for name in ("edit", "activate", "close"):
        url = reverse(f"programs:{name}", kwargs={"program_id": world["program"].pk})
        assert client.post(url, terms_form(name="Взлом")).status_code == status
    assert counts() == before


def test_top_management_activates_a_draft_and_closes_a_program(client, world, top_manager):
    client.force_login(top_manager)
    draft = world["draft"]

    response = client.post(
        reverse("programs:activate", kwargs={"program_id": draft.pk}),
        headers={"HX-Request": "true"},
    )

    detail = reverse("programs:detail", kwargs={"program_id": draft.pk})
    assert (response.status_code, response["HX-Redirect"]) == (200, detail)
    draft.refresh_from_db()
    assert (draft.state, draft.activated_by) == (ProgramState.ACTIVE, top_manager)
    closed = client.post(reverse("programs:close", kwargs={"program_id": draft.pk}))
    assert (closed.status_code, closed["Location"]) == (302, detail)
    draft.refresh_from_db()
    assert (draft.state, draft.closed_by) == (ProgramState.CLOSED, top_manager)
    page = client.get(detail).content.decode()
    assert 'id="program-close"' not in page


# --- a program's page -----------------------------------------------------------------------


def member_names(response, section):
    html = response.content.decode()
    found = re.search(rf'<section class="panel[^"]*" id="{section}">(.*?)</section>', html, re.S)
    if found is None:
        return None
    return [
        html_module.unescape(name)
        for name in re.findall(r'<a href="/clients/\d+/">([^<]+)</a>', found[1])
    ]


@pytest.mark.parametrize(("persona", "members", "eligible", "proposable"), [
    ("manager_anna", ['ООО "Альфа"'], None, ['ООО "Гамма"']),
    ("manager_boris", ['ООО "Бета"'], None, None),
    ("assistant_vera", ['ООО "Альфа"'], None, None),
    ("head_of_sales", ['ООО "Альфа"', 'ООО "Бета"'], ['ООО "Гамма"'], None),
    ("top_manager", ['ООО "Альфа"', 'ООО "Бета"'], None, None),
])  # fmt: skip
def test_a_program_page_shows_each_role_the_members_it_may_see(
    client, request, world, persona, members, eligible, proposable
):
    signed_in(client, request, persona)

    response = client.get(reverse("programs:detail", kwargs={"program_id": world["program"].pk}))

    assert response.status_code == 200
    assert member_names(response, "members") == members
    eligible_names = member_names(response, "eligible")
    assert eligible_names is None if eligible is None else eligible_names == []
    if eligible:
        labels = re.findall(r'<label for="enrol-\d+">([^<]+)</label>', response.content.decode())
        assert [html_module.unescape(label) for label in labels] == eligible
    assert member_names(response, "proposable") == proposable
    page = text(response)
    assert "from ₽1,000,000.00 — 2 % from ₽3,000,000.00 — 3 %" in page
    reach = "₽120,000.00 more by 31 March 2026 reaches the 2 % retro-bonus."
    assert (reach in page) == (persona != "manager_boris")


def test_the_administrator_and_managers_do_not_find_what_they_may_not_see(
    client, world, admin_adam, manager_anna
):
    client.force_login(admin_adam)
    program = reverse("programs:detail", kwargs={"program_id": world["program"].pk})
    assert client.get(program).status_code == 404
    client.force_login(manager_anna)
    draft = reverse("programs:detail", kwargs={"program_id": world["draft"].pk})
    assert client.get(draft).status_code == 404


def test_the_member_figures_come_from_the_nightly_progress(client, world, top_manager):
    client.force_login(top_manager)

    response = client.get(reverse("programs:detail", kwargs={"program_id": world["program"].pk}))

    html = response.content.decode()
    row = re.search(rf'<tr data-client="{world["alfa"].pk}">(.*?)</tr>', html, re.S)
    assert row is not None
    cells = [
        re.sub(r"\s+", " ", c).strip() for c in re.findall(r'<td class="num">(.*?)</td>', row[1])
    ]
    assert cells == ["₽880,000.00", "—", "₽1,000,000.00", "₽120,000.00", "₽0.00"]
    unmeasured = re.search(rf'<tr data-client="{world["beta"].pk}">(.*?)</tr>', html, re.S)
    assert unmeasured is not None
    assert re.findall(r'<td class="num">(.*?)</td>', unmeasured[1]) == ["—"] * 5


def test_the_effect_panel_shows_the_measured_effect_or_says_when_it_will_be(
    client, world, top_manager
):
    client.force_login(top_manager)
    detail = reverse("programs:detail", kwargs={"program_id": world["program"].pk})
    assert "Not measured yet: the nightly run measures it." in text(client.get(detail))

    ProgramEffect.objects.create(
        program=world["program"], as_of=dt.date(2026, 3, 31), method=EffectMethod.RANDOM,
        members=40, controls=10, months=3, uplift=Decimal("15000.00"), low=Decimal("-2000.00"),
        high=Decimal("31000.00"), too_little_data=True, cost=Decimal("120000.00"),
        net=Decimal("1680000.00"),
    )  # fmt: skip

    html = client.get(detail).content.decode()
    figures = dict(re.findall(r'<dd data-figure="(\w+)">([^<]+)</dd>', html))
    assert figures == {
        "uplift": "₽15,000.00",
        "interval": "-₽2,000.00 … ₽31,000.00",
        "counts": "40 / 10",
        "cost": "₽120,000.00",
        "net": "₽1,680,000.00",
    }
    assert "Too little data yet" in html
    assert "Against the random control group" in html


# --- memberships ----------------------------------------------------------------------------


def test_the_head_of_sales_enrols_the_ticked_clients_holding_out_a_control_group(
    client, world, head_of_sales, manager_boris, today
):
    newcomers = [audited(f"Клиент {number:02d}", manager_boris) for number in range(10)]
    client.force_login(head_of_sales)
    program = world["program"]
    detail = reverse("programs:detail", kwargs={"program_id": program.pk})

    response = client.post(
        reverse("programs:enrol", kwargs={"program_id": program.pk}),
        {"clients": [made.pk for made in newcomers], "control_percent": "20"},
    )

    assert (response.status_code, response["Location"]) == (302, detail)
    enrolled = Membership.objects.filter(client__in=newcomers)
    assert sorted(enrolled.values_list("group", flat=True)) == ["control"] * 2 + ["member"] * 8
    assert set(enrolled.values_list("state", "joined_on")) == {(MembershipState.ACTIVE, today)}
    page = client.get(detail)
    assert "Enrolled: 8 members, 2 held out as the control group, 0 in already." in text(page)
    controls = member_names(page, "controls")
    assert controls == sorted(
        enrolled.filter(group=MembershipGroup.CONTROL).values_list("client__name", flat=True)
    )
    assert len(member_names(page, "members")) == 2 + 8


def test_enrolling_a_client_outside_the_eligibility_shows_why_and_writes_nothing(
    client, world, head_of_sales, manager_anna
):
    lost = audited("ООО Потерянный", manager_anna, status=ClientStatus.LOST)
    client.force_login(head_of_sales)
    before = counts()

    response = client.post(
        reverse("programs:enrol", kwargs={"program_id": world["program"].pk}),
        {"clients": [world["gamma"].pk, lost.pk], "control_percent": "60"},
    )

    assert response.status_code == 200
    assert counts() == before
    assert "Hold out from 1 to 50 %." in text(response)


@pytest.mark.parametrize(("persona", "status"), [
    ("manager_anna", 403), ("assistant_vera", 403), ("top_manager", 403), ("admin_adam", 404),
])  # fmt: skip
def test_only_the_head_of_sales_enrols_and_ends_memberships(
    client, request, world, persona, status
):
    signed_in(client, request, persona)
    before = counts()
    enrol = reverse("programs:enrol", kwargs={"program_id": world["program"].pk})
    alfas = Membership.objects.get(client=world["alfa"])
    end = reverse("programs:membership_end", kwargs={"membership_id": alfas.pk})

    assert client.post(enrol, {"clients": [world["gamma"].pk]}).status_code == status
    assert client.post(end, {"reason": "Взлом"}).status_code == status
    assert counts() == before


def test_boris_finds_no_membership_of_annas_client(client, world, manager_boris):
    client.force_login(manager_boris)
    alfas = Membership.objects.get(client=world["alfa"])
    before = counts()

    response = client.post(
        reverse("programs:membership_end", kwargs={"membership_id": alfas.pk}), {"reason": "x"}
    )

    assert response.status_code == 404
    assert counts() == before


def test_the_head_of_sales_ends_a_membership_only_with_a_reason(
    client, world, head_of_sales, today
):
    client.force_login(head_of_sales)
    alfas = Membership.objects.get(client=world["alfa"])
    end = reverse("programs:membership_end", kwargs={"membership_id": alfas.pk})

    refused = client.post(end, {"reason": "  "}, follow=True)

    assert 'ООО "Альфа": Say why the membership ends.' in html_module.unescape(text(refused))
    alfas.refresh_from_db()
    assert alfas.state == MembershipState.ACTIVE
    client.post(end, {"reason": "Сменил поставщика"})
    alfas.refresh_from_db()
    assert (alfas.state, alfas.ended_on, alfas.end_reason, alfas.ended_by) == (
        MembershipState.ENDED, today, "Сменил поставщика", head_of_sales,
    )  # fmt: skip


def test_a_manager_proposes_its_client_and_the_head_of_sales_declines_it(
    client, world, manager_anna, head_of_sales
):
    client.force_login(manager_anna)
    program = world["program"]

    response = client.post(
        reverse("programs:propose", kwargs={"client_id": world["gamma"].pk}),
        {"program": program.pk},
    )

    detail = reverse("programs:detail", kwargs={"program_id": program.pk})
    assert (response.status_code, response["Location"]) == (302, detail)
    proposal = Membership.objects.get(client=world["gamma"])
    assert (proposal.state, proposal.proposed_by) == (MembershipState.PROPOSED, manager_anna)
    assert member_names(client.get(detail), "proposable") is None

    client.force_login(head_of_sales)
    page = client.get(detail)
    assert member_names(page, "proposals") == ['ООО "Гамма"']
    end = reverse("programs:membership_end", kwargs={"membership_id": proposal.pk})
    client.post(end, {"reason": "Мало закупает"})
    proposal.refresh_from_db()
    assert (proposal.state, proposal.end_reason) == (MembershipState.ENDED, "Мало закупает")


@pytest.mark.parametrize(("persona", "proposed", "status"), [
    ("manager_boris", "gamma", 404), ("assistant_vera", "gamma", 404),
    ("assistant_vera", "alfa", 403), ("top_manager", "gamma", 403), ("admin_adam", "gamma", 404),
])  # fmt: skip
def test_no_one_but_its_manager_and_the_head_of_sales_proposes_a_client(
    client, request, world, persona, proposed, status
):
    signed_in(client, request, persona)
    before = counts()

    response = client.post(
        reverse("programs:propose", kwargs={"client_id": world[proposed].pk}),
        {"program": world["program"].pk},
    )

    assert response.status_code == status
    assert counts() == before


# --- the client card's section --------------------------------------------------------------


@pytest.fixture
def running_now(world, top_manager, today):
    """A volume discount in force this quarter for every client."""
    return program_running(
        terms=retro_bonus_terms(
            name="Скидка за объём",
            kind="volume_discount",
            period_start=month_start(today),
            period_end=month_end(month_add(today, 2)),
        ),
        by=top_manager,
    )


def section(client, made):
    return client.get(reverse("programs:client_section", kwargs={"client_id": made.pk}))


def test_the_card_section_shows_the_clients_programs_with_their_progress(
    client, world, running_now, manager_anna
):
    client.force_login(manager_anna)

    response = section(client, world["alfa"])

    assert response.status_code == 200
    page = text(response)
    assert "Ретро-бонус I квартал" in page
    assert "₽120,000.00 more by 31 March 2026 reaches the 2 % retro-bonus." in page
    options = re.findall(r'<option value="(\d+)"', response.content.decode())
    assert options == [str(running_now.pk)]


@pytest.mark.parametrize(("persona", "status", "proposes"), [
    ("manager_anna", 404, False), ("assistant_vera", 404, False), ("admin_adam", 404, False),
    ("manager_boris", 200, True), ("head_of_sales", 200, True), ("top_manager", 200, False),
])  # fmt: skip
def test_the_card_section_of_boris_client(
    client, request, world, running_now, persona, status, proposes
):
    signed_in(client, request, persona)

    response = section(client, world["beta"])

    assert response.status_code == status
    if status == 200:
        assert "Ретро-бонус I квартал" in text(response)
        assert ('name="program"' in response.content.decode()) == proposes


def test_proposing_on_the_card_shows_the_section_anew(
    client, world, running_now, manager_anna, today
):
    client.force_login(manager_anna)

    response = client.post(
        reverse("programs:propose", kwargs={"client_id": world["gamma"].pk}),
        {"program": running_now.pk},
        headers={"HX-Request": "true", "HX-Target": "client-programs"},
    )

    assert response.status_code == 200
    page = html_module.unescape(text(response))
    assert 'ООО "Гамма" is proposed for Скидка за объём.' in page
    assert "Proposed, waiting for the head of sales." in page
    assert Membership.objects.get(client=world["gamma"], program=running_now).state == (
        MembershipState.PROPOSED
    )
    # Proposed once, the program is no longer offered for the client; the first quarter's
    # retro-bonus, for which Гамма is eligible too, is offered while its period runs.
    retro_bonus = world["program"]
    offered = re.findall(r'<option value="(\d+)"', response.content.decode())
    running = retro_bonus.period_start <= today <= retro_bonus.period_end
    assert offered == ([str(retro_bonus.pk)] if running else [])


def test_the_program_report_downloads_from_its_page_with_the_user_s_clients_only(
    client, manager_boris, top_manager, head_of_sales, boris_client, annas_client
):
    from io import BytesIO

    from openpyxl import load_workbook

    from upsell.programs.services.memberships import memberships_enrol
    from upsell.programs.tests.factories import program_running, retro_bonus_terms

    program = program_running(terms=retro_bonus_terms(), by=top_manager)
    memberships_enrol(
        program=program,
        client_ids=[boris_client.pk, annas_client.pk],
        by=head_of_sales,
        today=dt.date(2026, 1, 10),
    )
    client.force_login(manager_boris)
    page = client.get(f"/programs/{program.pk}/").content.decode()
    assert f'href="/programs/{program.pk}/report.xlsx"' in page
    response = client.get(f"/programs/{program.pk}/report.xlsx")
    members = load_workbook(BytesIO(b"".join(response.streaming_content)))["Members"]
    assert [row[0] for row in members.iter_rows(min_row=2, values_only=True)] == ['ООО "Бета"']


def test_a_credit_line_s_page_shows_each_member_s_debt_and_credit_left(
    client, manager_boris, top_manager, head_of_sales, boris_client
):
    from decimal import Decimal

    from upsell.programs.models import Membership, MembershipProgress
    from upsell.programs.services.memberships import memberships_enrol
    from upsell.programs.tests.factories import credit_line_terms, program_running

    program = program_running(terms=credit_line_terms(), by=top_manager)
    memberships_enrol(
        program=program, client_ids=[boris_client.pk], by=head_of_sales, today=dt.date(2026, 1, 10)
    )
    MembershipProgress.objects.create(
        membership=Membership.objects.get(), as_of=dt.date(2026, 3, 2), purchased=Decimal("450000"),
        accrued=Decimal(0), expected_end=Decimal("450000"), exposure=Decimal("130000.00"),
        available=Decimal("370000.00"), oldest_unpaid=dt.date(2026, 2, 20), past_delay=False,
    )  # fmt: skip
    client.force_login(manager_boris)
    page = client.get(f"/programs/{program.pk}/").content.decode()
    assert "Credit left" in page
    assert "Tier reached" not in page
    assert '<td class="num">₽370,000.00</td>' in page
    assert '<td class="num">₽130,000.00</td>' in page


def test_the_effect_panel_shows_the_means_and_the_budgeting_members_share_of_wallet(
    client, head_of_sales, top_manager
):
    from decimal import Decimal

    from upsell.programs.models import ProgramEffect
    from upsell.programs.tests.factories import program_running, retro_bonus_terms

    program = program_running(terms=retro_bonus_terms(), by=top_manager)
    ProgramEffect.objects.create(
        program=program, as_of=dt.date(2026, 7, 2), method="random", members=30, controls=30,
        months=6, uplift=Decimal("20000.00"), low=Decimal("15000.00"), high=Decimal("25000.00"),
        too_little_data=False, cost=Decimal("3000.00"), net=Decimal("3597000.00"),
        means={
            "member_before": "100000.00", "member_during": "125000.00",
            "control_before": "100000.00", "control_during": "105000.00",
            "wallet_clients": "2", "wallet_before": "0.4125", "wallet_during": "0.5550",
        },
    )  # fmt: skip
    client.force_login(head_of_sales)
    page = client.get(f"/programs/{program.pk}/").content.decode()
    assert '<dd data-figure="members-means">₽100,000.00 → ₽125,000.00</dd>' in page
    assert '<dd data-figure="controls-means">₽100,000.00 → ₽105,000.00</dd>' in page
    assert "Share of wallet (2 budgeting members), before → during" in page
    assert '<dd data-figure="wallet">41\xa0% → 56\xa0%</dd>' in page
