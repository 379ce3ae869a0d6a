"""The client card, its htmx parts and a shipment document's lines, as each persona."""

import datetime as dt
import io
import json
import re
from decimal import Decimal

import pytest
import time_machine
from openpyxl import load_workbook

from upsell.clients.tests.factories import ClientFactory
from upsell.payments.models import Payment
from upsell.products.tests.factories import ProductFactory
from upsell.shipments.models import ShipmentLine
from upsell.shipments.tests.factories import ShipmentFactory

TODAY = dt.datetime(2026, 3, 15, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def shipment(client, *, number, date, lines, manager=None):
    """A shipment document of ``client`` with ``lines`` of (sku, name, quantity, price)."""
    document = ShipmentFactory.create(
        client=client,
        number=number,
        date=date,
        manager=manager,
        total=sum((Decimal(q) * Decimal(p) for _, _, q, p in lines), Decimal(0)),
        line_count=len(lines),
    )
    for line_no, (sku, name, quantity, price) in enumerate(lines, start=1):
        ShipmentLine.objects.create(
            shipment=document,
            line_no=line_no,
            product=ProductFactory.create(sku=sku, name=name, unit="шт"),
            quantity=Decimal(quantity),
            price=Decimal(price),
            amount=Decimal(quantity) * Decimal(price),
        )
    return document


@pytest.fixture
def history(annas_client, manager_anna):
    """Two documents of Anna's client in 2026, one in 2025, one too old for the chart."""
    return [
        shipment(
            annas_client, number="РН-3", date=dt.date(2026, 3, 2), manager=manager_anna,
            lines=[
                ("SKU-1", "Саморез 4,2×16", "1000", "1.50"), ("SKU-2", "Дюбель 6×40", "0.5", "200"),
            ],
        ),
        shipment(
            annas_client, number="РН-2", date=dt.date(2026, 3, 1),
            lines=[("SKU-3", "Профиль ПН 50×40", "10", "120")],
        ),
        shipment(
            annas_client, number="РН-1", date=dt.date(2025, 4, 10),
            lines=[("SKU-4", "Гипсокартон", "20", "400")],
        ),
        shipment(
            annas_client, number="РН-0", date=dt.date(2023, 1, 10),
            lines=[("SKU-5", "Клей", "1", "99")],
        ),
    ]  # fmt: skip


@pytest.fixture
def payments(annas_client):
    return [
        Payment.objects.create(
            client=annas_client, date=dt.date(2026, 3, 10), amount=Decimal("1600.00"),
            due_date=dt.date(2026, 3, 31), number="ПП-7", natural_key="p7",
        ),
        Payment.objects.create(
            client=annas_client, date=dt.date(2024, 1, 10), amount=Decimal("99.00"),
            number="", natural_key="p1",
        ),
    ]  # fmt: skip


def chart(response):
    html = response.content.decode()
    [data] = re.findall(
        r'<script id="monthly-shipments-data" type="application/json">(.*?)</script>', html
    )
    return json.loads(data)


def test_a_manager_opens_the_card_of_its_client(
    client, manager_anna, annas_client, history, payments
):
    client.force_login(manager_anna)

    response = client.get(f"/clients/{annas_client.pk}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>ООО &quot;Альфа&quot;</h1>" in html
    assert re.findall(r'<td class="mono">(РН-\d)</td>', html) == ["РН-3", "РН-2", "РН-1", "РН-0"]
    assert re.findall(r'<td class="mono">(ПП-\d|—)</td>', html) == ["ПП-7", "—"]
    assert f'href="/clients/{annas_client.pk}/edit/"' in html
    assert f'action="/workload/clients/{annas_client.pk}/reassign/"' not in html


def test_the_card_sums_the_last_twelve_months(
    client, manager_anna, annas_client, history, payments
):
    client.force_login(manager_anna)

    response = client.get(f"/clients/{annas_client.pk}/")

    assert response.context["shipped_last_year"] == Decimal("10800.00")
    assert response.context["shipped_year_before"] == Decimal("0")
    assert response.context["paid_last_year"] == Decimal("1600.00")
    assert response.context["last_shipment_date"] == dt.date(2026, 3, 2)
    assert '<div class="kpi-value">₽10,800.00</div>' in response.content.decode()


def test_the_chart_gets_thirty_six_months_as_json(client, manager_anna, annas_client, history):
    client.force_login(manager_anna)

    data = chart(client.get(f"/clients/{annas_client.pk}/"))

    assert len(data["labels"]) == 36
    assert data["labels"][0] == "Apr 2023"
    assert data["labels"][-1] == "Mar 2026"
    assert data["values"][-1] == 2800.0
    assert data["values"][24] == 8000.0
    assert sum(data["values"]) == 10800.0
    assert data["hover"][-1] == "₽2,800.00"
    assert data["separators"] == ".,"


def test_the_chart_speaks_russian_to_a_russian_reader(client, manager_anna, annas_client, history):
    client.force_login(manager_anna)

    data = chart(client.get(f"/clients/{annas_client.pk}/", headers={"Accept-Language": "ru"}))

    assert data["labels"][-1] == "Мар 2026"
    assert data["hover"][-1] == "2\xa0800,00\xa0₽"
    assert data["separators"] == ",\xa0"


def test_the_card_has_no_inline_script(client, manager_anna, annas_client, history):
    client.force_login(manager_anna)

    html = client.get(f"/clients/{annas_client.pk}/").content.decode()

    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S)
    assert [attributes for attributes, body in scripts if body.strip()] == [
        ' id="monthly-shipments-data" type="application/json"'
    ]
    assert ' style="' not in html


def test_a_client_without_recent_shipments_gets_no_empty_chart(client, manager_anna, annas_client):
    shipment(annas_client, number="OLD", date=dt.date(2022, 5, 1), lines=[("S", "Клей", "1", "9")])
    client.force_login(manager_anna)

    html = client.get(f"/clients/{annas_client.pk}/").content.decode()

    assert "monthly-shipments-data" not in html
    assert "No shipments in these 36 months." in html


def test_another_managers_client_does_not_exist_for_a_manager(client, manager_anna, boris_client):
    client.force_login(manager_anna)

    response = client.get(f"/clients/{boris_client.pk}/")

    assert response.status_code == 404
    assert "Бета" not in response.content.decode()
    assert "Page not found" in response.content.decode()


@pytest.mark.parametrize("persona", ["assistant_vera", "top_manager", "head_of_sales"])
def test_who_sees_the_client_opens_its_card(client, request, persona, annas_client):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(f"/clients/{annas_client.pk}/").status_code == 200


@pytest.mark.parametrize("persona", ["manager_boris", "admin_adam"])
def test_who_does_not_see_the_client_gets_not_found(client, request, persona, annas_client):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(f"/clients/{annas_client.pk}/").status_code == 404


@pytest.mark.parametrize("persona", ["assistant_vera", "top_manager"])
def test_read_only_roles_get_no_edit_and_no_reassign(client, request, persona, annas_client):
    client.force_login(request.getfixturevalue(persona))

    html = client.get(f"/clients/{annas_client.pk}/").content.decode()

    assert "/edit/" not in html
    assert "/reassign/" not in html


def test_the_head_of_sales_gets_the_reassign_form(client, head_of_sales, annas_client):
    client.force_login(head_of_sales)

    html = client.get(f"/clients/{annas_client.pk}/").content.decode()

    assert f'action="/workload/clients/{annas_client.pk}/reassign/"' in html
    assert f'<option value="{annas_client.manager_id}" selected>Иванова Анна</option>' in html


def test_htmx_pages_through_the_documents_alone(client, manager_anna, annas_client):
    for day in range(1, 26):
        shipment(annas_client, number=f"D-{day:02d}", date=dt.date(2026, 2, day), lines=[])
    client.force_login(manager_anna)

    response = client.get(
        f"/clients/{annas_client.pk}/",
        {"shipments_page": 2},
        headers={"HX-Request": "true", "HX-Target": "shipments"},
    )

    html = response.content.decode()
    assert html.lstrip().startswith('<section class="panel" id="shipments"')
    assert re.findall(r'<td class="mono">(D-\d\d)</td>', html) == [
        "D-05", "D-04", "D-03", "D-02", "D-01",
    ]  # fmt: skip
    assert "21–25 of 25" in html


def test_htmx_pages_through_the_payments_alone(client, manager_anna, annas_client, payments):
    client.force_login(manager_anna)

    response = client.get(
        f"/clients/{annas_client.pk}/", headers={"HX-Request": "true", "HX-Target": "payments"}
    )

    html = response.content.decode()
    assert html.lstrip().startswith('<section class="panel" id="payments"')
    assert "₽" not in html.split("</thead>")[1]
    assert '<td class="num">1,600.00</td>' in html


def test_a_document_opens_with_its_lines_in_place(client, manager_anna, annas_client, history):
    document = history[0]
    client.force_login(manager_anna)

    response = client.get(
        f"/clients/{annas_client.pk}/shipments/{document.pk}/",
        headers={"HX-Request": "true", "HX-Target": f"shipment-{document.pk}"},
    )

    html = response.content.decode()
    assert html.lstrip().startswith(f'<tbody id="shipment-{document.pk}" class="document">')
    assert re.findall(r'<td class="mono">(SKU-\d)</td>\s*<td>([^<]+)</td>', html) == [
        ("SKU-1", "Саморез 4,2×16"),
        ("SKU-2", "Дюбель 6×40"),
    ]
    assert '<td class="num">1,000 шт</td>' in html
    assert '<td class="num">0.5 шт</td>' in html
    assert 'aria-expanded="true"' in html


def test_a_document_closes_again(client, manager_anna, annas_client, history):
    document = history[0]
    client.force_login(manager_anna)

    response = client.get(
        f"/clients/{annas_client.pk}/shipments/{document.pk}/",
        {"collapse": 1},
        headers={"HX-Request": "true", "HX-Target": f"shipment-{document.pk}"},
    )

    html = response.content.decode()
    assert "SKU-1" not in html
    assert 'aria-expanded="false"' in html


def test_without_htmx_a_document_is_a_page_of_its_own(client, manager_anna, annas_client, history):
    client.force_login(manager_anna)

    response = client.get(f"/clients/{annas_client.pk}/shipments/{history[2].pk}/")

    html = response.content.decode()
    assert "<h1>Shipment РН-1 of 04/10/2025</h1>" in html
    assert '<td class="mono">SKU-4</td>' in html


def test_a_document_of_another_client_is_not_found(
    client, manager_anna, manager_boris, annas_client, boris_client
):
    annas_other_client = ClientFactory.create(manager=manager_anna)
    borises_document = shipment(boris_client, number="B-1", date=dt.date(2026, 1, 5), lines=[])
    annas_document = shipment(annas_other_client, number="A-1", date=dt.date(2026, 1, 5), lines=[])
    client.force_login(manager_anna)

    # Boris's document, reached through Anna's client or through Boris's
    assert (
        client.get(f"/clients/{annas_client.pk}/shipments/{borises_document.pk}/").status_code
        == 404
    )
    assert (
        client.get(f"/clients/{boris_client.pk}/shipments/{borises_document.pk}/").status_code
        == 404
    )
    # Anna's own document, but under the wrong client of hers
    assert (
        client.get(f"/clients/{annas_client.pk}/shipments/{annas_document.pk}/").status_code == 404
    )


def test_the_budget_year_is_a_year_not_a_number(client, manager_anna, annas_client):
    annas_client.annual_budget, annas_client.budget_year = Decimal(5_000_000), 2026
    annas_client.save(update_fields=["annual_budget", "budget_year"])
    client.force_login(manager_anna)

    html = client.get(f"/clients/{annas_client.pk}/", headers={"Accept-Language": "ru"})

    assert '<div class="kpi-note">на 2026 год</div>' in html.content.decode()


def test_html_ids_stay_whole_when_numbers_are_grouped(client, manager_anna, annas_client):
    ShipmentFactory.create(pk=12345, client=annas_client, date=dt.date(2026, 1, 5))
    client.force_login(manager_anna)

    html = client.get(f"/clients/{annas_client.pk}/", headers={"Accept-Language": "ru"})

    assert '<tbody id="shipment-12345" class="document">' in html.content.decode()
    assert 'hx-target="#shipment-12345"' in html.content.decode()


@pytest.mark.parametrize(("persona", "status"), [
    ("manager_anna", 200), ("assistant_vera", 200), ("head_of_sales", 200), ("top_manager", 200),
    ("manager_boris", 404), ("admin_adam", 404),
])  # fmt: skip
def test_a_document_is_seen_by_who_sees_its_client(
    client, request, persona, status, annas_client, history
):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(f"/clients/{annas_client.pk}/shipments/{history[0].pk}/")

    assert response.status_code == status
    assert ("SKU-1" in response.content.decode()) == (status == 200)


def test_client_since_is_the_first_order_not_the_day_the_row_was_made(
    client, manager_anna, annas_client, history
):
    client.force_login(manager_anna)

    response = client.get(f"/clients/{annas_client.pk}/")

    assert response.context["first_shipment_date"] == dt.date(2023, 1, 10)
    assert "<dd data-client-since>01/10/2023</dd>" in response.content.decode()


def test_a_client_without_orders_is_no_client_yet(client, manager_anna, annas_client):
    client.force_login(manager_anna)

    html = client.get(f"/clients/{annas_client.pk}/").content.decode()

    assert "<dd data-client-since>no orders yet</dd>" in html


def test_the_badge_is_served_alone_with_the_status_in_force(client, head_of_sales, annas_client):
    client.force_login(head_of_sales)
    card = client.get(f"/clients/{annas_client.pk}/").content.decode()
    assert (
        f'<span id="status_badge" class="status-badge" hx-get="/clients/{annas_client.pk}/" '
        'hx-trigger="client-status-changed from:body" hx-target="this" hx-swap="outerHTML">'
        "</span>"
    ) in card
    assert '<script src="/static/clients/card.js" defer></script>' in card

    response = client.post(
        f"/audit/clients/{annas_client.pk}/status/override/",
        {"status": "partner", "reason": "Дилерский договор", "expires_on": ""},
        headers={"HX-Request": "true", "HX-Target": "client-status"},
    )
    assert response.status_code == 200
    badge = client.get(
        f"/clients/{annas_client.pk}/", headers={"HX-Request": "true", "HX-Target": "status_badge"}
    ).content.decode()

    assert badge == (
        f'<span id="status_badge" class="status-badge" hx-get="/clients/{annas_client.pk}/" '
        'hx-trigger="client-status-changed from:body" hx-target="this" hx-swap="outerHTML">'
        ' · <span class="badge status-partner">Partner</span></span>'
    )


def cell_day(year, month, day):
    """A date as openpyxl reads a date cell back: midnight of that day."""
    return dt.datetime.combine(dt.date(year, month, day), dt.time())


def sheet_rows(response):
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]


def test_the_cards_documents_download_as_excel(client, manager_anna, annas_client, history):
    client.force_login(manager_anna)

    response = client.get(f"/clients/{annas_client.pk}/shipments.xlsx")

    assert response["Content-Disposition"] == (
        f'attachment; filename="shipments-{annas_client.pk}-2026-03-15.xlsx"'
    )
    assert sheet_rows(response) == [
        ["Date", "Document", "Manager", "Lines", "Total"],
        [cell_day(2026, 3, 2), "РН-3", "Иванова Анна", 2, 1600],
        [cell_day(2026, 3, 1), "РН-2", None, 1, 1200],
        [cell_day(2025, 4, 10), "РН-1", None, 1, 8000],
        [cell_day(2023, 1, 10), "РН-0", None, 1, 99],
    ]


def test_the_cards_payments_download_as_excel_in_russian(
    client, manager_anna, annas_client, payments
):
    client.force_login(manager_anna)

    response = client.get(
        f"/clients/{annas_client.pk}/payments.xlsx", headers={"Accept-Language": "ru"}
    )

    assert sheet_rows(response) == [
        ["Дата", "Документ", "Срок оплаты", "Сумма"],
        [cell_day(2026, 3, 10), "ПП-7", cell_day(2026, 3, 31), 1600],
        [cell_day(2024, 1, 10), None, None, 99],
    ]


@pytest.mark.parametrize("export", ["shipments", "payments"])
@pytest.mark.parametrize("persona", ["manager_boris", "admin_adam"])
def test_who_does_not_see_the_client_downloads_nothing(
    client, request, persona, export, annas_client, history, payments
):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(f"/clients/{annas_client.pk}/{export}.xlsx")

    assert response.status_code == 404
    assert "РН-3" not in response.content.decode()


def test_the_responsible_panel_is_served_alone_after_a_status_change(
    client, head_of_sales, annas_client
):
    client.force_login(head_of_sales)

    response = client.get(
        f"/clients/{annas_client.pk}/", headers={"HX-Request": "true", "HX-Target": "responsible"}
    )

    html = response.content.decode()
    assert html.lstrip().startswith(
        f'<section class="panel" id="responsible" hx-get="/clients/{annas_client.pk}/" '
        'hx-trigger="client-status-changed from:body" hx-target="this" hx-swap="outerHTML">'
    )
    assert '<dd data-role="manager">Иванова Анна</dd>' in html
    assert '<dd data-role="assistant">Смирнова Вера</dd>' in html
    assert f'action="/workload/clients/{annas_client.pk}/reassign/"' in html
    assert "<h1>" not in html
