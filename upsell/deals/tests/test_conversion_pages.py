"""The conversion report's page, workbook and API, as each persona, on ``conversion_world``
with the clock on the report's day (payments counted up to it)."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.conf import settings
from django.test import Client as HttpClient
from django.urls import reverse

from upsell.deals.tests.conversion_world import PAID_UNTIL, conversion_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def report_day():
    noon = dt.datetime.combine(PAID_UNTIL, dt.time(12), tzinfo=ZoneInfo(settings.TIME_ZONE))
    with time_machine.travel(noon, tick=False):
        yield


@pytest.fixture
def world(manager_anna, manager_boris):
    return conversion_world(manager_anna, manager_boris)


def _signed_in(user) -> HttpClient:
    http = HttpClient()
    http.force_login(user)
    return http


def _figure(page: str, key: str) -> str:
    """The text of the figure cell ``fig-<key>`` (its first line: the amount)."""
    start = page.index(f'id="fig-{key}"')
    cell = page[page.index(">", start) + 1 : page.index("</td>", start)]
    text = cell.split("<div")[0]
    return text.replace('<a href="', "").split('">')[-1].replace("</a>", "").strip()


def _downloaded(response) -> bytes:
    content = b"".join(response.streaming_content)
    assert int(response["Content-Length"]) == len(content)
    return content


MONTHS = {"first": "2026-03", "last": "2026-04"}


def test_the_head_of_sales_reads_every_manager_and_the_team_month_by_month(
    world, manager_anna, manager_boris, head_of_sales
):
    response = _signed_in(head_of_sales).get(reverse("deals:conversion"), MONTHS)

    assert response.status_code == 200
    page = response.content.decode()
    anna, boris = manager_anna.pk, manager_boris.pk
    assert [
        _figure(page, f"{anna}-2026-03-{step}")
        for step in ("forecast", "in_deals", "ordered", "shipped", "paid")
    ] == [
        "150,000.00",
        "160,000.00",
        "120,000.00",
        "100,000.00",
        "70,000.00",
    ]
    assert _figure(page, "team-2026-03-forecast") == "180,000.00"
    assert _figure(page, f"{boris}-all-in_deals") == "45,000.00"
    assert _figure(page, "team-all-paid") == "70,000.00"
    # The forecast leads to the grid's month.
    assert f'href="/forecasts/?manager={anna}&amp;year=2026#total-forecast-2026-03"' in page
    assert 'href="/forecasts/?year=2026#total-forecast-2026-04"' in page


def test_by_default_the_report_shows_the_last_three_months_and_the_current(world, head_of_sales):
    report = _signed_in(head_of_sales).get(reverse("deals:conversion")).context["report"]

    assert report.months == [
        dt.date(2026, 2, 1),
        dt.date(2026, 3, 1),
        dt.date(2026, 4, 1),
        dt.date(2026, 5, 1),
    ]


def test_changing_the_months_sends_back_the_report_alone_and_its_address(world, head_of_sales):
    response = _signed_in(head_of_sales).get(
        reverse("deals:conversion"),
        {"first": "2026-04", "last": "2026-04", "manager": ""},
        headers={"HX-Request": "true", "HX-Target": "report"},
    )

    page = response.content.decode()
    assert page.startswith('\n<div id="report"') or page.lstrip().startswith('<div id="report"')
    assert "<html" not in page
    assert response["HX-Push-Url"] == "/deals/conversion/?first=2026-04&last=2026-04"
    assert response.context["report"].months == [dt.date(2026, 4, 1)]


def test_months_that_cannot_be_shown_are_named_and_the_default_shown(world, head_of_sales):
    response = _signed_in(head_of_sales).get(
        reverse("deals:conversion"), {"first": "2026-04", "last": "2026-02"}
    )

    assert response.context["form"].errors == {"last": ["The last month comes before the first."]}
    assert response.context["report"].months[0] == dt.date(2026, 2, 1)
    assert "The last month comes before the first." in response.content.decode()


def test_a_manager_reads_its_own_rows_without_a_team_and_nobody_elses(
    world, manager_anna, manager_boris, assistant_vera, admin_adam
):
    anna = _signed_in(manager_anna)

    page = anna.get(reverse("deals:conversion"), MONTHS).content.decode()

    assert f'id="fig-{manager_anna.pk}-2026-03-paid"' in page
    assert f'id="fig-{manager_boris.pk}-' not in page
    assert 'id="fig-team-' not in page
    assert str(manager_boris) not in page
    assert anna.get(reverse("deals:conversion"), {"manager": manager_boris.pk}).status_code == 404
    assert (
        anna.get(reverse("deals:conversion_export"), {"manager": manager_boris.pk}).status_code
        == 404
    )
    for outsider in (assistant_vera, admin_adam):
        http = _signed_in(outsider)
        assert http.get(reverse("deals:conversion")).status_code == 404
        assert http.get(reverse("deals:conversion_export")).status_code == 404
        assert http.get("/api/deals/conversion").status_code == 404


def test_the_workbook_holds_the_same_figures(world, manager_anna, head_of_sales):
    response = _signed_in(head_of_sales).get(reverse("deals:conversion_export"), MONTHS)

    assert response["Content-Disposition"] == (
        'attachment; filename="conversion-2026-03-2026-04.xlsx"'
    )
    workbook = openpyxl.load_workbook(io.BytesIO(_downloaded(response)))
    rows = list(workbook["Conversion"].iter_rows(values_only=True))
    assert rows[0][:7] == (
        "Month",
        "Manager",
        "Forecast",
        "In deals",
        "In deals, % of the forecast",
        "In deals, drop",
        "In deals, drop %",
    )
    assert len(rows[0]) == 19
    anna_march = rows[1]
    assert anna_march[:2] == ("2026-03", str(manager_anna))
    assert [anna_march[index] for index in (2, 3, 4, 5, 6, 7, 11, 15)] == [
        150000,
        160000,
        106.7,
        -10000,
        -6.7,
        120000,
        100000,
        70000,
    ]
    assert [row[:2] for row in rows[1:]] == [
        ("2026-03", str(manager_anna)),
        ("2026-03", "Петров Борис"),
        ("2026-03", "Team"),
        ("2026-04", str(manager_anna)),
        ("2026-04", "Петров Борис"),
        ("2026-04", "Team"),
        ("All months", str(manager_anna)),
        ("All months", "Петров Борис"),
        ("All months", "Team"),
    ]
    assert rows[-1][2] == 300000
    definitions = list(workbook["Definitions"].iter_rows(values_only=True))
    assert [row[0] for row in definitions] == ["Forecast", "In deals", "Ordered", "Shipped", "Paid"]


def _step(key, amount, of_forecast, drop, drop_percent):
    return {
        "key": key,
        "amount": amount,
        "of_forecast": of_forecast,
        "drop": drop,
        "drop_percent": drop_percent,
    }


def test_the_api_gives_the_rows_with_the_teams_for_the_head_of_sales(
    world, manager_anna, head_of_sales
):
    answer = _signed_in(head_of_sales).get("/api/deals/conversion", MONTHS).json()

    assert answer["first"] == "2026-03-01"
    assert answer["last"] == "2026-04-01"
    assert set(answer["definitions"]) == {"forecast", "in_deals", "ordered", "shipped", "paid"}
    assert [
        (row["manager"] and row["manager"]["username"], row["month"]) for row in answer["rows"]
    ] == [
        ("anna", "2026-03-01"),
        ("boris", "2026-03-01"),
        (None, "2026-03-01"),
        ("anna", "2026-04-01"),
        ("boris", "2026-04-01"),
        (None, "2026-04-01"),
        ("anna", None),
        ("boris", None),
        (None, None),
    ]
    assert answer["rows"][0]["steps"] == [
        _step("forecast", "150000.00", 100.0, None, None),
        _step("in_deals", "160000.00", 106.7, "-10000.00", -6.7),
        _step("ordered", "120000.00", 80.0, "40000.00", 25.0),
        _step("shipped", "100000.00", 66.7, "20000.00", 16.7),
        _step("paid", "70000.00", 46.7, "30000.00", 30.0),
    ]


def test_the_api_gives_a_manager_its_own_rows_and_refuses_bad_months(
    world, manager_anna, manager_boris
):
    anna = _signed_in(manager_anna)

    rows = anna.get("/api/deals/conversion", MONTHS).json()["rows"]
    backwards = anna.get("/api/deals/conversion", {"first": "2026-05", "last": "2026-01"})
    malformed = anna.get("/api/deals/conversion", {"first": "May"})
    another = anna.get("/api/deals/conversion", {"manager": manager_boris.pk})

    assert [(row["manager"]["username"], row["month"]) for row in rows] == [
        ("anna", "2026-03-01"),
        ("anna", "2026-04-01"),
        ("anna", None),
    ]
    assert backwards.status_code == 422
    assert backwards.json()["detail"] == [
        {
            "loc": ["body", "last"],
            "msg": "The last month comes before the first.",
            "type": "invalid",
        }
    ]
    assert malformed.status_code == 422
    assert another.status_code == 404


def test_the_menu_leads_managers_and_the_head_of_sales_to_the_report(
    manager_anna, head_of_sales, assistant_vera
):
    link = '<a href="/deals/conversion/" aria-current="page">Conversion</a>'
    for user in (manager_anna, head_of_sales):
        assert link in _signed_in(user).get(reverse("deals:stuck")).content.decode()
    assert "/deals/conversion/" not in _signed_in(assistant_vera).get("/clients/").content.decode()


def test_each_closing_page_marks_its_own_menu_item_alone(head_of_sales):
    pages = {
        reverse("deals:board"): "Deal board",
        reverse("deals:stuck"): "Conversion",
        reverse("deals:coaching_list"): "Coaching",
        reverse("deals:calendar"): "Calendar",
    }
    for url, label in pages.items():
        html = _signed_in(head_of_sales).get(url).content.decode()

        assert html.count('aria-current="page"') == 1, url
        assert f'aria-current="page">{label}</a>' in html, url
