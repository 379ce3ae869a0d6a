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
def test_nobody_else_finds_the_reviews(client, request, company, persona, path):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(path).status_code == 404
