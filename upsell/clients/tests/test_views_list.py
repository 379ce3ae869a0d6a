"""The client list page, its htmx partial and its exports, as each persona."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from html import unescape

import pytest
from openpyxl import load_workbook

from upsell.accounts.models import Role
from upsell.accounts.tests.factories import UserFactory
from upsell.clients.models import ClientAudit, ClientStatus
from upsell.clients.tests.factories import ClientFactory

HTMX_ROWS = {"HX-Request": "true", "HX-Target": "rows"}


def options(response, select_name):
    """(value, label) of each option of the select named ``select_name``."""
    html = response.content.decode()
    select = html.split(f'<select name="{select_name}"')[1].split("</select>")[0]
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]+)</option>', select)


def listed(response):
    """The client names in the list's table, in their order."""
    html = response.content.decode()
    return [
        unescape(name) for name in re.findall(r'class="primary-cell"><a [^>]+>([^<]+)</a>', html)
    ]


@pytest.fixture
def portfolio(manager_anna, manager_boris, assistant_vera):
    """Anna's three clients (one served by Vera) and Boris's two, across segments and regions."""
    return {
        client.name: client
        for client in [
            ClientFactory.create(
                name='ООО "Гамма"', tax_id="7707083893", region="Москва", segment="Опт",
                manager=manager_anna, assistant=assistant_vera,
                annual_budget=Decimal("1234567.89"), budget_year=2026, plans_budget=True,
            ),
            ClientFactory.create(
                name='АО "Альфа"', tax_id="5001000017", region="Тверь", segment="Розница",
                manager=manager_anna,
            ),
            ClientFactory.create(
                name='ИП "Вектор"', tax_id="7802000063", region="Москва", segment="Розница",
                manager=manager_anna, is_partner=True,
            ),
            ClientFactory.create(
                name='ООО "Бета"', tax_id="7707083900", region="Казань", segment="Опт",
                manager=manager_boris,
            ),
            ClientFactory.create(
                name='ООО "Дельта"', tax_id="1655000018", region="Казань", segment="Розница",
                manager=manager_boris,
            ),
        ]
    }  # fmt: skip


@pytest.fixture
def audited(portfolio, today):
    """The audit's findings on Gamma (VIP, ordered a week ago) and Alpha (lapsing); Vector not
    audited yet."""
    found = [
        ('ООО "Гамма"', ClientStatus.VIP, 82, 7),
        ('АО "Альфа"', ClientStatus.LAPSING, 35, 198),
        ('ООО "Бета"', ClientStatus.LOST, 5, 400),
        ('ООО "Дельта"', ClientStatus.NEW, 60, 28),
    ]
    for name, status, perspective, days in found:
        last_order = today - dt.timedelta(days=days)
        client = portfolio[name]
        ClientAudit.objects.create(
            client=client, as_of=today, computed_status=status, status_rule="rule",
            perspective=perspective, last_order_date=last_order,
        )  # fmt: skip
        client.status = status
        client.save(update_fields=["status"])
    return portfolio


def test_anonymous_is_sent_to_log_in(client):
    response = client.get("/clients/")

    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/clients/"


def test_a_manager_lists_only_its_own_clients(client, manager_anna, portfolio):
    client.force_login(manager_anna)

    response = client.get("/clients/")

    assert response.status_code == 200
    assert listed(response) == ['АО "Альфа"', 'ИП "Вектор"', 'ООО "Гамма"']
    assert "Бета" not in response.content.decode()
    assert "Дельта" not in response.content.decode()


def test_an_assistant_lists_only_the_spontaneous_clients_it_serves(
    client, assistant_vera, manager_anna, portfolio
):
    ClientFactory.create(
        name='ООО "Разовый"', manager=manager_anna, assistant=assistant_vera,
        status=ClientStatus.ONE_TIME,
    )  # fmt: skip
    client.force_login(assistant_vera)

    response = client.get("/clients/")

    # Гамма names Vera too, but plans a purchase budget: a motivated client is its manager's.
    assert listed(response) == ['ООО "Разовый"']
    assert client.get(f"/clients/{portfolio['ООО "Гамма"'].pk}/").status_code == 404


@pytest.mark.parametrize("persona", ["head_of_sales", "top_manager"])
def test_sales_wide_roles_list_every_client(client, request, persona, portfolio):
    client.force_login(request.getfixturevalue(persona))

    response = client.get("/clients/")

    assert listed(response) == [
        'АО "Альфа"', 'ИП "Вектор"', 'ООО "Бета"', 'ООО "Гамма"', 'ООО "Дельта"',
    ]  # fmt: skip


def test_an_administrator_lists_no_clients(client, admin_adam, portfolio):
    client.force_login(admin_adam)

    response = client.get("/clients/")

    assert response.status_code == 200
    assert listed(response) == []


def test_the_manager_filter_is_offered_only_to_who_sees_several_managers(
    client, manager_anna, head_of_sales, portfolio
):
    client.force_login(manager_anna)
    assert 'name="manager"' not in client.get("/clients/").content.decode()

    client.force_login(head_of_sales)
    assert options(client.get("/clients/"), "manager") == [
        ("", "All"),
        (str(manager_anna.pk), "Иванова Анна"),
        (str(portfolio['ООО "Бета"'].manager_id), "Петров Борис"),
    ]


def test_search_matches_the_name_or_the_start_of_the_tax_id(client, head_of_sales, portfolio):
    client.force_login(head_of_sales)

    assert listed(client.get("/clients/", {"q": "Бета"})) == ['ООО "Бета"']
    assert listed(client.get("/clients/", {"q": "77070"})) == ['ООО "Бета"', 'ООО "Гамма"']
    assert listed(client.get("/clients/", {"q": "нет такого"})) == []


def test_filters_combine_and_stay_in_the_form(client, head_of_sales, manager_anna, portfolio):
    client.force_login(head_of_sales)

    response = client.get(
        "/clients/", {"manager": manager_anna.pk, "segment": "Розница", "region": "Москва"}
    )

    assert listed(response) == ['ИП "Вектор"']
    html = response.content.decode()
    assert f'<option value="{manager_anna.pk}" selected>' in html
    assert '<option value="Розница" selected>Розница</option>' in html
    assert '<option value="Москва" selected>Москва</option>' in html


def test_a_value_that_does_not_fit_is_dropped_not_refused(client, manager_anna, portfolio):
    client.force_login(manager_anna)

    response = client.get("/clients/", {"manager": "anna", "sort": "password", "page": "x"})

    assert response.status_code == 200
    assert listed(response) == ['АО "Альфа"', 'ИП "Вектор"', 'ООО "Гамма"']


def test_a_manager_cannot_see_another_managers_clients_through_the_manager_filter(
    client, manager_anna, manager_boris, portfolio
):
    client.force_login(manager_anna)

    response = client.get("/clients/", {"manager": manager_boris.pk})

    assert listed(response) == []


def test_clicking_a_header_sorts_and_a_second_click_reverses(client, manager_anna, portfolio):
    client.force_login(manager_anna)

    by_region = client.get("/clients/", {"sort": "region"})
    reversed_region = client.get("/clients/", {"sort": "-region"})

    assert listed(by_region) == ['ИП "Вектор"', 'ООО "Гамма"', 'АО "Альфа"']
    assert listed(reversed_region) == ['АО "Альфа"', 'ООО "Гамма"', 'ИП "Вектор"']
    header = by_region.content.decode().split('aria-sort="ascending"')[1].split("</th>")[0]
    assert 'href="?sort=-region"' in header


def test_the_sort_links_keep_the_filters_and_go_back_to_the_first_page(
    client, manager_anna, portfolio
):
    client.force_login(manager_anna)

    html = client.get("/clients/", {"segment": "Розница", "page": "1"}).content.decode()

    assert 'href="?segment=%D0%A0%D0%BE%D0%B7%D0%BD%D0%B8%D1%86%D0%B0&amp;sort=tax_id"' in html


def test_pages_hold_fifty_clients(client, manager_anna):
    ClientFactory.create_batch(51, manager=manager_anna)
    client.force_login(manager_anna)

    first = client.get("/clients/")
    second = client.get("/clients/", {"page": 2})

    assert len(listed(first)) == 50
    assert len(listed(second)) == 1
    assert "51 clients · showing 1–50" in first.content.decode()
    assert "51 clients · showing 51–51" in second.content.decode()


def test_htmx_gets_only_the_table_and_the_clean_address_to_show(client, manager_anna, portfolio):
    client.force_login(manager_anna)

    response = client.get(
        "/clients/", {"q": "", "segment": "Розница", "sort": "name"}, headers=HTMX_ROWS
    )

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="rows"')
    assert "<html" not in html
    assert listed(response) == ['АО "Альфа"', 'ИП "Вектор"']
    assert (
        response["HX-Push-Url"]
        == "/clients/?segment=%D0%A0%D0%BE%D0%B7%D0%BD%D0%B8%D1%86%D0%B0&sort=name"
    )
    assert "HX-Request" in response["Vary"]


def test_a_history_restore_gets_the_whole_page(client, manager_anna, portfolio):
    client.force_login(manager_anna)

    response = client.get("/clients/", headers={**HTMX_ROWS, "HX-History-Restore-Request": "true"})

    assert "<html" in response.content.decode()


def test_the_list_page_runs_a_fixed_number_of_queries(
    client, head_of_sales, manager_anna, manager_boris, django_assert_num_queries
):
    ClientFactory.create_batch(30, manager=manager_anna, assistant=None)
    ClientFactory.create_batch(30, manager=manager_boris, segment="Опт")
    client.force_login(head_of_sales)

    # session, user, count, page of clients with their manager and assistant, segments,
    # regions, managers
    with django_assert_num_queries(7):
        response = client.get("/clients/")
    # the table alone: session, user, count, page
    with django_assert_num_queries(4):
        client.get("/clients/", {"page": 2}, headers=HTMX_ROWS)

    assert len(listed(response)) == 50


def test_amounts_and_flags_are_shown_in_the_readers_language(client, manager_anna, portfolio):
    client.force_login(manager_anna)

    english = client.get("/clients/").content.decode()
    russian = client.get("/clients/", headers={"Accept-Language": "ru"}).content.decode()

    assert '<td class="num">1,234,567.89</td>' in english
    assert '<td class="num">1\xa0234\xa0567,89</td>' in russian
    assert '<span class="badge info">Partner</span>' in english


@pytest.fixture
def export_rows(today):
    def ago(days):
        return dt.datetime.combine(today - dt.timedelta(days=days), dt.time())

    return [
        [
            "client", "tax_id", "region", "segment", "Status", "Perspective", "Last order",
            "Days since last order", "manager", "Assistant", "partner", "plans_budget",
            "annual_budget", "budget_year",
        ],
        ['АО "Альфа"', "5001000017", "Тверь", "Розница", "Lapsing", 35, ago(198),
         198, "Иванова Анна", None, "No", "No", None, None],
        ['ИП "Вектор"', "7802000063", "Москва", "Розница", None, None, None, None,
         "Иванова Анна", None, "Yes", "No", None, None],
        [
            'ООО "Гамма"', "7707083893", "Москва", "Опт", "VIP", 82, ago(7), 7,
            "Иванова Анна", "Смирнова Вера", "No", "Yes", Decimal("1234567.89"), 2026,
        ],
    ]  # fmt: skip


def test_the_xlsx_export_holds_exactly_the_visible_clients(
    client, manager_anna, portfolio, audited, export_rows
):
    client.force_login(manager_anna)

    response = client.get("/clients/export.xlsx")

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].startswith('attachment; filename="clients-')
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    rows = [
        [Decimal(str(value)) if isinstance(value, float) else value for value in row]
        for row in sheet.iter_rows(values_only=True)
    ]
    assert rows == export_rows


def test_the_export_follows_the_filters_and_the_sort(client, head_of_sales, portfolio):
    client.force_login(head_of_sales)

    response = client.get("/clients/export.xlsx", {"segment": "Опт", "sort": "-name"})

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        'ООО "Гамма"',
        'ООО "Бета"',
    ]


def test_the_csv_export_is_utf8_with_a_bom_and_semicolons(client, manager_anna, portfolio):
    client.force_login(manager_anna)

    response = client.get("/clients/export.csv", {"q": "Гамма"}, headers={"Accept-Language": "ru"})

    body = b"".join(response.streaming_content)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert body.startswith(b"\xef\xbb\xbf")
    assert list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";")) == [
        [
            "Контрагент", "ИНН", "Регион", "Сегмент", "Статус", "Перспективность",
            "Последний заказ", "Дней с последнего заказа", "Менеджер", "Ассистент", "Партнёр",
            "Бюджетирование", "Годовой бюджет", "Год бюджета",
        ],
        [
            'ООО "Гамма"', "7707083893", "Москва", "Опт", "", "", "", "", "Иванова Анна",
            "Смирнова Вера", "Нет", "Да", "1234567,89", "2026",
        ],
    ]  # fmt: skip


def test_an_export_never_holds_another_managers_clients(client, manager_boris, portfolio):
    client.force_login(manager_boris)

    body = b"".join(client.get("/clients/export.csv").streaming_content).decode("utf-8-sig")

    assert [row[0] for row in csv.reader(io.StringIO(body), delimiter=";")][1:] == [
        'ООО "Бета"',
        'ООО "Дельта"',
    ]


def test_an_unknown_export_format_is_not_found(client, manager_anna):
    client.force_login(manager_anna)

    assert client.get("/clients/export.pdf").status_code == 404


def test_the_new_client_button_is_shown_to_who_may_create(client, portfolio):
    creators = [Role.MANAGER, Role.HEAD_OF_SALES]
    for role in Role:
        user = UserFactory.create(role=role)
        client.force_login(user)
        html = client.get("/clients/").content.decode()
        assert ('href="/clients/new/"' in html) == (role in creators), role


def test_an_administrator_exports_an_empty_list(client, admin_adam, portfolio):
    client.force_login(admin_adam)

    body = b"".join(client.get("/clients/export.csv").streaming_content).decode("utf-8-sig")

    assert len(body.splitlines()) == 1  # the header alone


def test_anonymous_cannot_export(client, portfolio):
    response = client.get("/clients/export.xlsx")

    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/clients/export.xlsx"


def test_the_list_shows_the_status_perspective_last_order_and_days_since(
    client, manager_anna, audited, today
):
    client.force_login(manager_anna)

    html = client.get("/clients/", headers={"Accept-Language": "ru"}).content.decode()

    rows = re.findall(r"<tr>\s*<td class=\"primary-cell\">(.*?)</tr>", html, flags=re.S)
    cells = [
        [
            unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", "<td>" + row, flags=re.S)
        ]
        for row in rows
    ]
    assert [row[0:1] + row[4:8] for row in cells] == [
        ['АО "Альфа"', "Уходящий", "35", f"{today - dt.timedelta(days=198):%d.%m.%Y}", "198"],
        ['ИП "Вектор" Партнёр', "—", "—", "—", "—"],
        ['ООО "Гамма"', "VIP", "82", f"{today - dt.timedelta(days=7):%d.%m.%Y}", "7"],
    ]


def test_sorting_by_status_follows_the_methods_order_not_the_codes(client, head_of_sales, audited):
    client.force_login(head_of_sales)

    ascending = listed(client.get("/clients/", {"sort": "status"}))
    descending = listed(client.get("/clients/", {"sort": "-status"}))

    # New, VIP, Lapsing, Lost; the client the audit has not reached comes last either way.
    assert ascending == ['ООО "Дельта"', 'ООО "Гамма"', 'АО "Альфа"', 'ООО "Бета"', 'ИП "Вектор"']
    assert descending == ['ООО "Бета"', 'АО "Альфа"', 'ООО "Гамма"', 'ООО "Дельта"', 'ИП "Вектор"']


def test_sorting_by_the_last_order_puts_the_longest_silent_first(client, head_of_sales, audited):
    client.force_login(head_of_sales)

    assert listed(client.get("/clients/", {"sort": "last_order"})) == [
        'ООО "Бета"', 'АО "Альфа"', 'ООО "Дельта"', 'ООО "Гамма"', 'ИП "Вектор"',
    ]  # fmt: skip
