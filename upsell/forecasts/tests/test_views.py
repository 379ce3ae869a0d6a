import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import FileResponse
from django.test import Client as HttpClient
from django.urls import reverse

from upsell.clients.models import ClientAudit, ClientStatus
from upsell.clients.tests.factories import ClientFactory
from upsell.forecasts.models import Confidence, ForecastCell, SalesPlan
from upsell.forecasts.services import forecast_cell_save, forecast_snapshot_take
from upsell.history.models import ChangeSource
from upsell.shipments.tests.factories import shipment_with_line

TODAY = dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC)
JAN, FEB, MARCH, APRIL = (dt.date(2026, month, 1) for month in (1, 2, 3, 4))
pytestmark = pytest.mark.usefixtures("frozen_today")


@pytest.fixture
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def in_january():
    """Back when February was still ahead."""
    return time_machine.travel(dt.datetime(2026, 1, 20, 12, tzinfo=dt.UTC), tick=False)


def in_december():
    """Back when January and February were still ahead."""
    return time_machine.travel(dt.datetime(2025, 12, 20, 12, tzinfo=dt.UTC), tick=False)


def _as(user) -> HttpClient:
    client = HttpClient()
    client.force_login(user)
    return client


def _plan_cell(response, month: str) -> str:
    """The markup of the grid's plan cell of ``month`` (``YYYY-MM``)."""
    page: str = response.content.decode()
    start = page.index(">", page.index(f'id="plan-{month}"')) + 1
    return page[start : page.index("</td>", start)].strip()


def _cell_url(client, month: str) -> str:
    return reverse("forecasts:cell", kwargs={"client_id": client.pk, "month": month})


@pytest.fixture
def anna_regular(manager_anna):
    client = ClientFactory.create(
        name='ООО "Гамма"', manager=manager_anna, status=ClientStatus.REGULAR
    )
    ClientAudit.objects.create(
        client=client,
        as_of=JAN,
        status_rule="regular",
        perspective=72,
        share_of_wallet=0.25,
    )
    return client


def test_the_grid_shows_baseline_amount_actuals_deviation_and_plan(
    manager_anna, anna_regular, head_of_sales
):
    ForecastCell.objects.create(
        client=anna_regular,
        month=FEB,
        manager=manager_anna,
        baseline=Decimal(1000),
        baseline_high=Decimal(1500),
    )
    with in_january():
        forecast_cell_save(
            client=anna_regular,
            month=FEB,
            amount=Decimal(1200),
            confidence=Confidence.COMMIT,
            comment="акция",
            expected_version=0,
            user=manager_anna,
            source=ChangeSource.SCREEN,
        )
    shipment_with_line(client=anna_regular, date=dt.date(2026, 2, 14), amount=Decimal(900))
    SalesPlan.objects.create(manager=manager_anna, month=FEB, amount=Decimal(5000))

    response = _as(manager_anna).get(reverse("forecasts:grid"))

    grid = response.context["grid"]
    [row] = grid.rows
    february = row.cells[1]
    assert (february.baseline, february.forecast, february.actual, february.deviation) == (
        Decimal("1000.00"),
        Decimal("1200.00"),
        Decimal("900.00"),
        Decimal("-300.00"),
    )
    assert (row.perspective, row.share_of_wallet) == (72, 25.0)
    assert (grid.totals[1].plan, grid.totals[1].plan_gap) == (
        Decimal("5000.00"),
        Decimal("-3800.00"),
    )
    assert row.cells[3].actual is None  # April has not begun
    assert "акция" in response.content.decode()


def test_the_grid_reads_in_a_fixed_number_of_queries(
    manager_anna, anna_regular, django_assert_num_queries
):
    for number in range(30):
        client = ClientFactory.create(manager=manager_anna, status=ClientStatus.VIP)
        ForecastCell.objects.create(client=client, month=MARCH, manager=manager_anna)
        shipment_with_line(
            client=client, date=dt.date(2026, 1, 5 + number % 20), amount=Decimal(10)
        )
    http = _as(manager_anna)

    # session, user, managed statuses, clients, their program memberships, cells, actuals, plans,
    # locks, plan changes, the requests waiting in the menu, and the locks ahead that choose the
    # year it opens on
    with django_assert_num_queries(12):
        response = http.get(reverse("forecasts:grid"))

    assert len(response.context["grid"].rows) == 31


def test_a_manager_saves_a_cell_through_htmx(manager_anna, anna_regular):
    response = _as(manager_anna).post(
        _cell_url(anna_regular, "2026-04"),
        {"amount": "2500", "confidence": "probable", "comment": "просчёт", "version": "0"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    cell = ForecastCell.objects.get()
    assert (cell.month, cell.amount, cell.confidence, cell.version) == (
        APRIL,
        Decimal("2500.00"),
        "probable",
        1,
    )
    assert f'id="cell-{anna_regular.pk}-2026-04"' in response.content.decode()


def test_a_stale_save_is_told_and_keeps_both_figures(manager_anna, anna_regular, head_of_sales):
    forecast_cell_save(
        client=anna_regular,
        month=APRIL,
        amount=Decimal(100),
        confidence=Confidence.COMMIT,
        comment="",
        expected_version=0,
        user=head_of_sales,
        source=ChangeSource.SCREEN,
    )

    response = _as(manager_anna).post(
        _cell_url(anna_regular, "2026-04"),
        {"amount": "2500", "confidence": "probable", "comment": "", "version": "0"},
    )

    page = response.content.decode()
    assert "changed this cell meanwhile" in page
    assert 'value="2500"' in page
    assert 'name="version" value="1"' in page
    assert ForecastCell.objects.get().amount == Decimal("100.00")


def test_an_amount_typed_without_its_confidence_keeps_the_cells_or_counts_as_probable(
    manager_anna, anna_regular
):
    http, url = _as(manager_anna), _cell_url(anna_regular, "2026-04")

    typed = {"amount": "2500", "confidence": "", "comment": "", "version": "0"}
    http.post(url, typed, headers={"HX-Request": "true"})
    first = ForecastCell.objects.values_list("amount", "confidence", "version").get()
    http.post(url, {**typed, "confidence": "commit", "version": "1"})
    http.post(url, {**typed, "amount": "3000", "version": "2"})
    kept = ForecastCell.objects.values_list("amount", "confidence", "version").get()
    http.post(url, {**typed, "amount": "", "confidence": "commit", "version": "3"})
    cleared = ForecastCell.objects.values_list("amount", "confidence", "version").get()

    assert first == (Decimal("2500.00"), "probable", 1)
    assert kept == (Decimal("3000.00"), "commit", 3)
    assert cleared == (None, "", 4)


def test_a_locked_month_refuses_the_save(manager_anna, anna_regular):
    forecast_snapshot_take(month=APRIL)

    response = _as(manager_anna).post(
        _cell_url(anna_regular, "2026-04"),
        {"amount": "2500", "confidence": "probable", "comment": "", "version": "0"},
    )

    assert "This month is locked" in response.content.decode()
    assert ForecastCell.objects.count() == 0


def test_boris_can_neither_read_nor_write_annas_cells(manager_boris, anna_regular, manager_anna):
    http = _as(manager_boris)

    read = http.get(_cell_url(anna_regular, "2026-04"))
    write = http.post(
        _cell_url(anna_regular, "2026-04"),
        {"amount": "1", "confidence": "commit", "comment": "", "version": "0"},
    )
    grid = http.get(reverse("forecasts:grid"), {"manager": manager_anna.pk})

    assert (read.status_code, write.status_code, grid.status_code) == (404, 404, 404)
    assert ForecastCell.objects.count() == 0


def test_top_management_reads_a_grid_but_cannot_save(top_manager, manager_anna, anna_regular):
    http = _as(top_manager)

    grid = http.get(reverse("forecasts:grid"), {"manager": manager_anna.pk})
    write = http.post(
        _cell_url(anna_regular, "2026-04"),
        {"amount": "1", "confidence": "commit", "comment": "", "version": "0"},
    )

    assert [row.client for row in grid.context["grid"].rows] == [anna_regular]
    assert grid.context["grid"].can_edit is False
    assert write.status_code == 403
    assert ForecastCell.objects.count() == 0


def test_the_head_of_sales_sees_the_team_and_sets_a_plan(
    head_of_sales, manager_anna, manager_boris
):
    http = _as(head_of_sales)

    team = http.get(reverse("forecasts:grid"))
    plan = http.post(
        reverse("forecasts:plan"),
        {"manager": manager_anna.pk, "month": "2026-05", "amount": "7000"},
    )

    assert [row.manager for row in team.context["team"]] == [manager_anna, manager_boris]
    assert plan.status_code == 200
    assert SalesPlan.objects.get().amount == Decimal("7000.00")


def test_a_locked_months_plan_is_shown_read_only_and_refused(head_of_sales, manager_anna):
    SalesPlan.objects.create(manager=manager_anna, month=APRIL, amount=Decimal(5000))
    forecast_snapshot_take(month=APRIL)
    http = _as(head_of_sales)

    grid = http.get(reverse("forecasts:grid"), {"manager": manager_anna.pk, "year": 2026})
    plan = http.post(
        reverse("forecasts:plan"),
        {"manager": manager_anna.pk, "month": "2026-04", "amount": "7000"},
    )

    april, may = (_plan_cell(grid, month) for month in ("2026-04", "2026-05"))
    assert april == '5,000.00<div><span class="badge locked">Locked</span></div>'
    assert ("<form" in may, "Locked" in may) == (True, False)
    assert plan.status_code == 200
    assert "The plan for 04.2026 cannot change: the month is locked." in plan.content.decode()
    assert list(SalesPlan.objects.values_list("month", "amount")) == [(APRIL, Decimal("5000.00"))]


def test_a_manager_cannot_set_plans(manager_anna):
    response = _as(manager_anna).post(
        reverse("forecasts:plan"), {"manager": manager_anna.pk, "month": "2026-05", "amount": "1"}
    )

    assert response.status_code == 403
    assert SalesPlan.objects.count() == 0


@pytest.mark.parametrize(
    "now",
    [
        pytest.param(dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC), id="in-the-year"),
        # On a new year's first days no month of the year is over: the year just over shows.
        pytest.param(dt.datetime(2027, 1, 1, 9, tzinfo=dt.UTC), id="on-the-next-new-year"),
    ],
)
def test_accuracy_compares_locked_snapshots_with_shipments(now, manager_anna, anna_regular):
    other = ClientFactory.create(name='ООО "Дельта"', manager=manager_anna, status=ClientStatus.VIP)
    for client, month, amount in (
        (anna_regular, JAN, 1000),
        (other, JAN, 500),
        (anna_regular, FEB, 800),
    ):
        with in_december():
            forecast_cell_save(
                client=client,
                month=month,
                amount=Decimal(amount),
                confidence=Confidence.COMMIT,
                comment="",
                expected_version=0,
                user=manager_anna,
                source=ChangeSource.SCREEN,
            )
    for month in (JAN, FEB):
        forecast_snapshot_take(month=month)
    shipment_with_line(client=anna_regular, date=dt.date(2026, 1, 20), amount=Decimal(1200))
    shipment_with_line(client=other, date=dt.date(2026, 1, 20), amount=Decimal(300))
    shipment_with_line(client=anna_regular, date=dt.date(2026, 2, 20), amount=Decimal(1000))

    with time_machine.travel(now, tick=False):
        response = _as(manager_anna).get(reverse("forecasts:accuracy"))
    accuracy = response.context["accuracy"]

    assert response.context["year"] == 2026

    # errors 200 + 200 + 200 over 2500 shipped; forecast 2300 − 2500 = −200
    assert (accuracy.total.wape, accuracy.total.bias) == (Decimal(24), Decimal(-8))
    assert [(line.label, line.wape) for line in accuracy.by_month] == [
        ("01.2026", Decimal(400) / Decimal(1500) * 100),
        ("02.2026", Decimal(20)),
    ]
    assert [(line.label, line.bias) for line in accuracy.by_client] == [
        ('ООО "Гамма"', Decimal(-400) / Decimal(2200) * 100),
        ('ООО "Дельта"', Decimal(200) / Decimal(300) * 100),
    ]


def _exported(user, manager) -> openpyxl.Workbook:
    response = _as(user).get(reverse("forecasts:export"), {"manager": manager.pk, "year": 2026})
    assert isinstance(response, FileResponse)
    content = b"".join(response.streaming_content)
    return openpyxl.load_workbook(io.BytesIO(content))


def _upload(user, workbook: openpyxl.Workbook):
    data = io.BytesIO()
    workbook.save(data)
    return (
        _as(user)
        .post(
            reverse("forecasts:import"),
            {"file": SimpleUploadedFile("forecast.xlsx", data.getvalue())},
        )
        .context["result"]
    )


def test_the_workbook_round_trip_saves_changed_cells_only(manager_anna, anna_regular):
    forecast_cell_save(
        client=anna_regular,
        month=MARCH,
        amount=Decimal(300),
        confidence=Confidence.POSSIBLE,
        comment="звонок",
        expected_version=0,
        user=manager_anna,
        source=ChangeSource.SCREEN,
    )
    workbook = _exported(manager_anna, manager_anna)
    sheet = workbook.worksheets[0]
    assert [cell.value for cell in sheet[6]][:3] == [anna_regular.pk, 'ООО "Гамма"', "Прогноз"]
    assert sheet["F6"].value == 300
    sheet["G6"] = 4500  # April
    sheet["G7"] = "commit"

    result = _upload(manager_anna, workbook)

    assert (result.updated, result.problems) == (1, [])
    cells = {
        cell.month: (cell.amount, cell.confidence, cell.comment)
        for cell in ForecastCell.objects.all()
    }
    assert cells == {
        MARCH: (Decimal("300.00"), "possible", "звонок"),
        APRIL: (Decimal("4500.00"), "commit", ""),
    }


def test_an_invalid_workbook_writes_nothing_and_names_the_cells(
    manager_anna, anna_regular, boris_client
):
    forecast_snapshot_take(month=MARCH)
    workbook = _exported(manager_anna, manager_anna)
    sheet = workbook.worksheets[0]
    sheet["F6"] = 10  # March: locked
    sheet["G6"] = "много"  # April: not a number
    sheet["H6"] = 700  # May: fine, but not saved with the others wrong
    sheet.append([boris_client.pk, "", "Прогноз", 1])

    result = _upload(manager_anna, workbook)

    assert [(p.row, p.column, p.message) for p in result.problems] == [
        (10, "A", f"Unknown client: {boris_client.pk}."),
        (6, "F", "This month is locked; its forecast is final."),
        (6, "G", "Not a number."),
    ]
    assert ForecastCell.objects.count() == 0


def test_amounts_money_cannot_be_are_named_and_nothing_is_written(manager_anna, anna_regular):
    workbook = _exported(manager_anna, manager_anna)
    sheet = workbook.worksheets[0]
    sheet["G6"] = 1e300  # April
    sheet["H6"] = -5  # May
    sheet["I6"] = "10 000 000 000 000"  # June: one past the largest amount
    sheet["J6"] = 1234.5  # July: fine

    result = _upload(manager_anna, workbook)

    assert [(p.row, p.column, p.message) for p in result.problems] == [
        (6, "G", "The amount is too large."),
        (6, "H", "An amount cannot be negative."),
        (6, "I", "The amount is too large."),
    ]
    assert ForecastCell.objects.count() == 0


def test_the_api_saves_with_the_same_service_and_reports_conflicts(manager_anna, anna_regular):
    http = _as(manager_anna)
    url = f"/api/forecasts/clients/{anna_regular.pk}/cells"
    body = {"month": "2026-05-01", "amount": "900.00", "confidence": "commit", "version": 0}

    first = http.put(url, body, content_type="application/json")
    stale = http.put(url, body | {"amount": "1.00"}, content_type="application/json")
    listed = http.get(url, {"year": 2026})

    assert first.status_code == 200
    assert (first.json()["amount"], first.json()["version"]) == ("900.00", 1)
    assert stale.status_code == 409
    assert stale.json()["current"]["amount"] == "900.00"
    assert [(cell["month"], cell["amount"]) for cell in listed.json()] == [("2026-05-01", "900.00")]


def test_the_api_hides_annas_cells_from_boris(manager_boris, anna_regular):
    http = _as(manager_boris)
    url = f"/api/forecasts/clients/{anna_regular.pk}/cells"

    write = http.put(
        url,
        {"month": "2026-05-01", "amount": None, "confidence": None},
        content_type="application/json",
    )
    listed = http.get("/api/forecasts/cells")

    assert write.status_code == 404
    assert listed.json()["count"] == 0
    assert ForecastCell.objects.count() == 0


def test_the_year_field_shows_the_year_the_page_shows(manager_anna, anna_regular):
    response = _as(manager_anna).get(reverse("forecasts:grid"))

    assert response.context["year"] == 2026
    assert response.context["form"]["year"].value() == "2026"


def test_the_cell_editor_names_its_fields(manager_anna, anna_regular):
    response = _as(manager_anna).get(_cell_url(anna_regular, "2026-04"), {"edit": "1"})

    page = response.content.decode()
    assert 'aria-label="Amount" placeholder="Amount"' in page
    assert 'aria-label="Confidence"' in page
    assert 'aria-label="Comment" placeholder="Comment"' in page


def test_a_month_that_is_over_takes_no_new_forecast(manager_anna, anna_regular):
    response = _as(manager_anna).post(
        _cell_url(anna_regular, "2026-02"),
        {"amount": "2500", "confidence": "probable", "comment": "", "version": "0"},
        headers={"HX-Request": "true"},
    )

    assert "This month is over; its forecast is final." in response.content.decode()
    assert not ForecastCell.objects.exists()


def test_the_client_card_shows_the_months_ahead(manager_anna, anna_regular):
    for month, baseline in ((dt.date(2026, 3, 1), 1000), (dt.date(2026, 5, 1), 2000)):
        ForecastCell.objects.create(
            client=anna_regular, month=month, manager=manager_anna,
            baseline=Decimal(baseline), baseline_high=Decimal(baseline),
        )  # fmt: skip
    forecast_cell_save(
        client=anna_regular, month=dt.date(2026, 5, 1), amount=Decimal(2500),
        confidence=Confidence.PROBABLE, comment="склад", expected_version=0, user=manager_anna,
        source=ChangeSource.SCREEN,
    )  # fmt: skip

    response = _as(manager_anna).get(
        reverse("forecasts:client_forecast", kwargs={"client_id": anna_regular.pk})
    )

    assert [(m.month, m.forecast) for m in response.context["months"]] == [
        (dt.date(2026, 3, 1), Decimal("1000.00")),
        (dt.date(2026, 4, 1), None),
        (dt.date(2026, 5, 1), Decimal("2500.00")),
        (dt.date(2026, 6, 1), None),
        (dt.date(2026, 7, 1), None),
        (dt.date(2026, 8, 1), None),
    ]
    assert response.context["total"] == Decimal("3500.00")
    assert "склад" in response.content.decode()


def test_a_spontaneous_clients_card_says_it_is_in_no_forecast(manager_anna):
    once = ClientFactory.create(manager=manager_anna, status=ClientStatus.ONE_TIME)

    response = _as(manager_anna).get(
        reverse("forecasts:client_forecast", kwargs={"client_id": once.pk})
    )

    assert response.context["motivated"] is False
    assert "A spontaneous client: in no forecast" in response.content.decode()


def test_the_forecast_section_leaves_an_assistants_card_and_hides_from_others(
    manager_anna, assistant_vera, manager_boris
):
    once = ClientFactory.create(
        manager=manager_anna, assistant=assistant_vera, status=ClientStatus.ONE_TIME
    )
    url = reverse("forecasts:client_forecast", kwargs={"client_id": once.pk})

    assert _as(assistant_vera).get(url).content == b""
    assert _as(manager_boris).get(url).status_code == 404
