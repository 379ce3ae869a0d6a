"""The reviews over the API say what the pages say, to whom the pages say it."""

import pytest
import time_machine

from upsell.review.tests.conftest import NOW


@pytest.fixture(autouse=True)
def monday():
    with time_machine.travel(NOW, tick=False):
        yield


def test_the_monday_review_gives_the_page_s_figures(client, company, head_of_sales):
    client.force_login(head_of_sales)

    body = client.get("/api/review", {"change": "regular-lapsing"}).json()

    assert body["since"] == "2026-06-10"
    assert body["status_changes_total"] == 1
    assert [change["client"]["name"] for change in body["status_changes"]] == ['ООО "Бета"']
    assert body["status_change_counts"] == [
        {"from_status": "", "to_status": "new", "clients": 1},
        {"from_status": "new", "to_status": "regular", "clients": 1},
        {"from_status": "regular", "to_status": "lapsing", "clients": 1},
    ]
    assert body["plan"]["team"] == {
        "plan": "1500000.00", "forecast": "1300000.00", "fact": "550000.00",
        "forecast_percent": 86.7, "fact_percent": 36.7,
    }  # fmt: skip
    boris = next(line for line in body["accuracy"] if line["manager"]["username"] == "boris")
    assert (boris["forecast"], boris["actual"], boris["wape"], boris["bias"]) == (
        "200000.00", "150000.00", 33.3, 33.3,
    )  # fmt: skip
    three = body["stagnation"][0]
    assert three["company"]["text"] == (
        "The company: shipments of the last 3 months 0.3 M, down from 0.4 M in the 3 before "
        "(−25\xa0%)"
    )
    assert [line["name"] for line in three["clients"]] == ['ООО "Бета"', 'ООО "Гамма"']
    assert [request["client"]["name"] for request in body["waiting"]] == [
        'ООО "Альфа"', 'ООО "Бета"',
    ]  # fmt: skip


def test_the_company_view_gives_the_company_s_figures(client, company, top_manager):
    client.force_login(top_manager)

    body = client.get("/api/review/company").json()

    assert body["by_region"] == [
        {"name": "Казань", "clients": 3, "revenue_365": "0.00"},
        {"name": "Москва", "clients": 1, "revenue_365": "0.00"},
    ]
    # Every status in the method's order, those without clients included.
    assert [(row["name"], row["clients"]) for row in body["by_status"]] == [
        ("new", 1), ("one_time", 0), ("irregular", 0), ("regular", 2), ("vip", 0),
        ("partner", 0), ("reanimated", 0), ("lapsing", 1), ("lost", 0),
    ]  # fmt: skip
    assert body["stagnation"][0]["company"]["change_percent"] == -25.3


def test_a_date_out_of_range_is_refused_naming_the_field(client, company, head_of_sales):
    client.force_login(head_of_sales)

    response = client.get("/api/review", {"since": "2100-01-01"})

    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [["body", "since"]]


@pytest.mark.parametrize(
    ("persona", "path"),
    [
        ("top_manager", "/api/review"),
        ("manager_anna", "/api/review"),
        ("manager_anna", "/api/review/company"),
        ("assistant_vera", "/api/review/company"),
        ("admin_adam", "/api/review/company"),
    ],
)
def test_nobody_else_finds_the_reviews(client, request, programs_and_deals, persona, path):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(path).status_code == 404


def test_the_status_changes_come_a_page_at_a_time(client, company, head_of_sales, manager_boris):
    client.force_login(head_of_sales)

    first = client.get("/api/status-changes", {"page_size": 2}).json()
    second = client.get("/api/status-changes", {"page_size": 2, "page": 2}).json()

    # A week back from 17 June, against the end of May.
    assert {key: first[key] for key in ("since", "count", "page", "page_size")} == {
        "since": "2026-06-10", "count": 3, "page": 1, "page_size": 2,
    }  # fmt: skip
    assert [
        (change["client"]["name"], change["from_status"], change["to_status"],
         change["manager"]["username"])
        for change in first["items"] + second["items"]
    ] == [
        ('ООО "Альфа"', "new", "regular", "anna"),
        ('ООО "Бета"', "regular", "lapsing", "boris"),
        ('ООО "Дельта"', "", "new", "boris"),
    ]  # fmt: skip


def test_the_status_changes_narrow_to_one_change_and_one_manager(
    client, company, head_of_sales, manager_boris
):
    client.force_login(head_of_sales)

    body = client.get(
        "/api/status-changes",
        {"change": "-new", "manager": manager_boris.pk, "since": "2026-06-01"},
    ).json()

    assert (body["since"], body["count"]) == ("2026-06-01", 1)
    assert [change["client"]["name"] for change in body["items"]] == ['ООО "Дельта"']


def test_a_change_that_is_no_change_of_status_is_refused_naming_the_field(
    client, company, head_of_sales
):
    client.force_login(head_of_sales)

    response = client.get("/api/status-changes", {"change": "regular-gold"})

    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [["body", "change"]]


@pytest.mark.parametrize("persona", ["top_manager", "manager_anna", "assistant_vera"])
def test_nobody_else_finds_the_status_changes(client, request, company, persona):
    client.force_login(request.getfixturevalue(persona))

    assert client.get("/api/status-changes").status_code == 404


def test_the_monday_review_gives_the_programs_and_the_deals(
    client, programs_and_deals, head_of_sales, manager_anna, manager_boris
):
    client.force_login(head_of_sales)

    body = client.get("/api/review").json()

    retro, credit = programs_and_deals["retro"], programs_and_deals["credit"]
    assert [
        (line["program"]["id"], line["members"], line["within_reach"], line["accrued"])
        for line in body["programs"]
    ] == [(credit.pk, 1, 0, "0.00"), (retro.pk, 2, 1, "10000.50")]
    assert body["programs"][0]["effect"] is None
    assert body["programs"][1]["effect"] == {
        "as_of": "2026-06-16", "method": "random", "members": 2, "controls": 1, "months": 2,
        "uplift": "12000.00", "low": "2000.00", "high": "22000.00", "too_little_data": True,
        "cost": "2000.00", "net": "46000.00",
    }  # fmt: skip
    deals = body["deals"]
    assert [(stage["stage"], stage["deals"], stage["amount"]) for stage in deals["pipeline"]] == [
        ("preparation", 1, "100000.00"), ("offer", 1, "300000.00"),
        ("objections", 1, "200000.00"), ("terms_agreed", 0, "0.00"), ("order", 1, "50000.00"),
    ]  # fmt: skip
    assert (deals["pipeline_deals"], deals["pipeline_amount"]) == (4, "650000.00")
    assert deals["closed"] == {
        "since": "2026-06-10", "won": 1, "won_amount": "150000.00", "lost": 3,
        "lost_amount": "220000.00",
        "lost_reasons": [
            {"id": programs_and_deals["dear"].pk, "name": "Дорого", "deals": 2,
             "amount": "160000.00"},
            {"id": programs_and_deals["rival"].pk, "name": "Выбрали конкурента", "deals": 1,
             "amount": "60000.00"},
        ],
    }  # fmt: skip
    assert (deals["stuck_after_days"], deals["stuck_total"]) == (14, 3)
    assert [(line["manager"]["id"], line["deals"], line["amount"]) for line in deals["stuck"]] == [
        (manager_boris.pk, 2, "150000.00"), (manager_anna.pk, 1, "200000.00"),
    ]  # fmt: skip


def test_the_company_view_gives_the_company_s_deals_and_programs(
    client, programs_and_deals, top_manager
):
    client.force_login(top_manager)

    body = client.get("/api/review/company", {"since": "2026-06-14"}).json()

    assert [line["program"]["name"] for line in body["programs"]] == [
        "Кредитная линия", "Ретро-бонус 2026",
    ]  # fmt: skip
    deals = body["deals"]
    assert (deals["pipeline_deals"], deals["pipeline_amount"], deals["stuck_total"]) == (
        4, "650000.00", 3,
    )  # fmt: skip
    assert (deals["closed"]["won"], deals["closed"]["lost"]) == (0, 2)
    assert "stuck" not in deals
