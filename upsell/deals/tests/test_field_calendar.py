"""The week calendar of a person and of the team, and the person's ICS feed: whose activities
each shows, and that a feed without its secret tells nothing."""

import datetime as dt

import icalendar
import pytest
from django.urls import reverse

from upsell.accounts.models import Role
from upsell.accounts.tests.factories import UserFactory
from upsell.deals.calendar import calendar_feed_of, week_start
from upsell.deals.models import ActivityKind
from upsell.deals.services.activities import activity_cancel, activity_hold
from upsell.deals.tests.field import at, contact_of, planned


@pytest.fixture
def week(manager_anna, manager_boris, head_of_sales, annas_client, boris_client, today):
    """Anna's joint visit with the head of sales, her call, Boris's meeting, this week; Anna's
    call next week."""
    monday = week_start(today)
    director = contact_of(annas_client, "Соколов Игорь", position="Директор")
    return {
        "joint": planned(
            annas_client,
            head_of_sales,
            starts_at=at(monday + dt.timedelta(days=2), 10),
            place="Москва, ул. Ленина, 1; офис 5",
            goal="Пробная партия, скидка 3%",
            participants=[head_of_sales],
            contacts=[director],
        ),
        "call": planned(
            annas_client, manager_anna, starts_at=at(monday, 9), kind=ActivityKind.CALL
        ),
        "boris": planned(
            boris_client, manager_boris, starts_at=at(monday + dt.timedelta(days=4), 14)
        ),
        "next_week": planned(
            annas_client,
            manager_anna,
            starts_at=at(monday + dt.timedelta(days=7), 9),
            kind=ActivityKind.CALL,
        ),
    }


def _activity_ids(response) -> list[int]:
    return [a.pk for day in response.context["week"].days for a in day.activities]


def test_a_managers_week_shows_its_own_activities_by_day(client, manager_anna, week, today):
    client.force_login(manager_anna)

    response = client.get(reverse("deals:calendar"))

    assert response.status_code == 200
    days = response.context["week"].days
    assert [day.date for day in days] == [
        week_start(today) + dt.timedelta(days=n) for n in range(7)
    ]
    assert [[a.pk for a in day.activities] for day in days] == [
        [week["call"].pk],
        [],
        [week["joint"].pk],
        [],
        [],
        [],
        [],
    ]
    html = response.content.decode()
    assert reverse("deals:activity", args=[week["joint"].pk]) in html
    assert 'ООО "Бета"' not in html


def test_next_week_is_a_link_away(client, manager_anna, week, today):
    client.force_login(manager_anna)
    next_monday = week_start(today) + dt.timedelta(days=7)

    response = client.get(
        reverse("deals:calendar"),
        {"week": next_monday.isoformat(), "person": str(manager_anna.pk)},
        headers={"HX-Request": "true", "HX-Target": "calendar"},
    )

    assert response.status_code == 200
    assert _activity_ids(response) == [week["next_week"].pk]
    assert response.content.decode().lstrip().startswith('<div id="calendar"')


def test_a_manager_opens_no_one_elses_calendar(client, manager_anna, manager_boris, week):
    client.force_login(manager_anna)

    response = client.get(reverse("deals:calendar"), {"person": str(manager_boris.pk)})
    team = client.get(reverse("deals:calendar"), {"person": "team"})

    assert response.status_code == 404
    # "team" is not hers to ask: she sees her own week
    assert team.context["team"] is False
    assert _activity_ids(team) == [week["call"].pk, week["joint"].pk]


def test_the_head_of_sales_sees_a_manager_and_the_team(
    client, head_of_sales, manager_anna, manager_boris, week
):
    client.force_login(head_of_sales)

    borises = client.get(reverse("deals:calendar"), {"person": str(manager_boris.pk)})
    team = client.get(reverse("deals:calendar"), {"person": "team"})

    assert _activity_ids(borises) == [week["boris"].pk]
    rows = {row.person.username: row.week for row in team.context["team_weeks"]}
    assert sorted(rows) == ["anna", "boris", "helen"]
    assert [a.pk for day in rows["anna"].days for a in day.activities] == [
        week["call"].pk,
        week["joint"].pk,
    ]
    assert [a.pk for day in rows["helen"].days for a in day.activities] == [week["joint"].pk]
    assert rows["boris"].count == 1


@pytest.mark.parametrize("persona", ["assistant_vera", "admin_adam"])
def test_who_goes_to_no_client_has_no_calendar(client, request, persona, week):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(reverse("deals:calendar")).status_code == 403


def _feed(client, secret: str):
    return client.get(reverse("deals:calendar_feed", kwargs={"secret": secret}))


def test_the_feed_serves_the_persons_activities_as_events(
    client, manager_anna, head_of_sales, week
):
    activity_hold(
        activity=week["call"], outcome="Обсудили, ждут КП", next_step="Выслать КП", by=manager_anna
    )
    activity_cancel(activity=week["next_week"], by=manager_anna)

    response = _feed(client, calendar_feed_of(manager_anna).secret)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar"
    calendar = icalendar.Calendar.from_ical(response.content)
    events = {str(event["uid"]): event for event in calendar.walk("VEVENT")}
    joint, call, cancelled = (
        events[f"activity-{week[name].pk}@upsell.local"] for name in ("joint", "call", "next_week")
    )
    assert sorted(events) == sorted(
        f"activity-{week[name].pk}@upsell.local" for name in ("joint", "call", "next_week")
    )
    assert str(joint["summary"]) == 'Joint visit: ООО "Альфа"'
    assert str(joint["location"]) == "Москва, ул. Ленина, 1; офис 5"
    assert joint.decoded("dtstart") == week["joint"].starts_at
    assert joint.decoded("dtend") == week["joint"].ends_at
    assert str(joint["description"]) == (
        "Goal: Пробная партия, скидка 3%\n"
        "Who goes: Иванова Анна, Кузнецова Елена\n"
        "Whom to meet: Соколов Игорь, Директор"
    )
    assert (str(joint["status"]), str(call["status"]), str(cancelled["status"])) == (
        "CONFIRMED",
        "CONFIRMED",
        "CANCELLED",
    )
    assert "Outcome: Обсудили, ждут КП\nNext step: Выслать КП" in str(call["description"])
    # the head of sales' feed holds the visit she goes to, and nothing of Anna's alone
    helens = icalendar.Calendar.from_ical(
        _feed(client, calendar_feed_of(head_of_sales).secret).content
    )
    assert [str(e["uid"]) for e in helens.walk("VEVENT")] == [
        f"activity-{week['joint'].pk}@upsell.local"
    ]


def test_a_long_line_is_folded_and_special_characters_escaped(client, manager_anna, week):
    body = _feed(client, calendar_feed_of(manager_anna).secret).content

    assert b"LOCATION:\xd0\x9c\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0\\, " in body
    assert b"\\; " in body
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))


def test_an_unknown_or_old_secret_or_a_departed_person_tells_nothing(client, manager_anna, week):
    old = calendar_feed_of(manager_anna).secret
    client.force_login(manager_anna)
    renewed = client.post(reverse("deals:calendar_feed_renew"))
    client.logout()
    new = calendar_feed_of(manager_anna).secret

    assert renewed.status_code == 302
    assert new != old
    assert _feed(client, old).status_code == 404
    assert _feed(client, "x" * 43).status_code == 404
    assert _feed(client, new).status_code == 200
    manager_anna.is_active = False
    manager_anna.save(update_fields=["is_active"])
    gone = _feed(client, new)
    assert gone.status_code == 404
    assert "Альфа" not in gone.content.decode()


def test_the_calendar_page_gives_the_feed_address(client, manager_anna, week):
    client.force_login(manager_anna)

    response = client.get(reverse("deals:calendar"))

    secret = calendar_feed_of(manager_anna).secret
    assert f"http://testserver/deals/calendar/{secret}.ics" in response.content.decode()


def test_the_teams_week_reads_the_same_few_queries_however_many_managers(
    client, head_of_sales, week, django_assert_max_num_queries
):
    for number in range(6):
        UserFactory.create(username=f"manager{number}", role=Role.MANAGER)
    client.force_login(head_of_sales)

    with django_assert_max_num_queries(14):
        response = client.get(reverse("deals:calendar"), {"person": "team"})

    assert len(response.context["team_weeks"]) == 9
