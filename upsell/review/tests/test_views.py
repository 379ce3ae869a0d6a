"""The Monday review and the company view as their readers open them, and nobody else."""

import html
from decimal import Decimal

import pytest
import time_machine

from upsell.review.tests.conftest import NOW


@pytest.fixture(autouse=True)
def monday():
    with time_machine.travel(NOW, tick=False):
        yield


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def test_the_head_of_sales_reads_the_week_on_one_page(client, company, head_of_sales):
    client.force_login(head_of_sales)

    response = client.get("/review/")

    text = page_text(response)
    assert response.status_code == 200
    # A week back from 17 June is 10 June: the statuses at the end of May against now.
    assert response.context["since"].isoformat() == "2026-06-10"
    assert [client.name for client in response.context["changed"]] == [
        'ООО "Альфа"', 'ООО "Бета"', 'ООО "Дельта"',
    ]  # fmt: skip
    assert f'href="/clients/{company["beta"].pk}/">ООО "Бета"</a>' in text
    assert "Петров Борис: shipments of the last 3 months 0.2 M, down from 0.3 M" in text
    assert 'href="/requests/' in text
    assert 'href="/workload/"' in text
    assert (
        "Иванова Анна: motivated clients 2 of 60 (3 %), spontaneous 0, requests waiting 1" in text
    )


def test_the_status_changes_narrow_to_one_change_and_manager(
    client, company, head_of_sales, manager_boris
):
    client.force_login(head_of_sales)

    by_change = client.get("/review/", {"change": "regular-lapsing"})
    by_manager = client.get("/review/", {"manager": manager_boris.pk, "since": "2026-06-01"})

    assert [c.name for c in by_change.context["changed"]] == ['ООО "Бета"']
    assert [c.name for c in by_manager.context["changed"]] == ['ООО "Бета"', 'ООО "Дельта"']


def test_the_date_field_shows_the_day_the_list_starts_from(client, company, head_of_sales):
    client.force_login(head_of_sales)

    week = client.get("/review/", headers={"Accept-Language": "ru"}).content.decode()
    chosen = client.get("/review/", {"since": "2026-06-01"}).content.decode()

    # ISO in the field whatever the language: the browser shows it in the reader's format.
    assert 'type="date" name="since" value="2026-06-10"' in week
    # A month after "end of" takes the genitive in Russian.
    assert "клиенты, конец мая 2025 → конец мая 2026" in html.unescape(week)
    assert 'type="date" name="since" value="2026-06-01"' in chosen


def test_a_date_out_of_range_is_named_and_the_week_shown(client, company, head_of_sales):
    client.force_login(head_of_sales)

    response = client.get("/review/", {"since": "2100-01-01", "change": "nonsense"})

    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"since", "change"}
    assert response.context["since"].isoformat() == "2026-06-10"
    assert len(response.context["changed"]) == 3


def test_top_management_is_shown_the_company_view(client, company, top_manager):
    client.force_login(top_manager)

    monday_review = client.get("/review/")
    company_view = client.get("/review/company/")

    assert monday_review.status_code == 302
    assert monday_review["Location"] == "/review/company/"
    assert company_view.status_code == 200
    text = page_text(company_view)
    assert "The company: shipments of the last 3 months 0.3 M, down from 0.4 M" in text
    assert [(group.name, group.clients) for group in company_view.context["view"].regions] == [
        ("Казань", 3), ("Москва", 1),
    ]  # fmt: skip


@pytest.mark.parametrize("persona", ["manager_anna", "assistant_vera", "admin_adam"])
@pytest.mark.parametrize("path", ["/review/", "/review/company/"])
def test_nobody_else_finds_the_reviews(client, request, programs_and_deals, persona, path):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(path).status_code == 404


def test_the_monday_review_shows_the_programs_and_the_deals_each_a_link(
    client, programs_and_deals, head_of_sales, manager_boris
):
    client.force_login(head_of_sales)

    text = page_text(client.get("/review/"))

    retro = programs_and_deals["retro"].pk
    assert f'<a href="/programs/{retro}/">Ретро-бонус 2026</a>' in text
    assert f'<a href="/programs/{retro}/#effect">12,000.00</a>' in text
    assert "2,000.00 … 22,000.00 against the control group; a first sign" in text
    assert '<td class="num" data-figure="accrued">10,000.50</td>' in text
    assert '<a href="/deals/#column-offer">Offer</a></td><td class="num">1</td>' in text
    assert '<td class="num" data-figure="pipeline-amount">650,000.00</td>' in text
    assert "Deals closed since 06/10/2026" in text
    assert '<tr data-reason="Дорого"><td class="indent">Дорого</td><td class="num">2</td>' in text
    assert (
        f'<a href="/deals/stuck/?manager={manager_boris.pk}">Петров Борис</a></td>'
        '<td class="num">2</td><td class="num">150,000.00</td>'
    ) in text


def test_the_company_view_shows_the_same_figures_for_the_company(
    client, programs_and_deals, top_manager
):
    client.force_login(top_manager)

    response = client.get("/review/company/", {"since": "2026-06-14"})

    text = page_text(response)
    assert response.status_code == 200
    assert '<td class="num" data-figure="within-reach">1</td>' in text
    assert '<td class="num" data-figure="pipeline-deals">4</td>' in text
    assert '<a href="/deals/stuck/">3 open deals are stuck</a>' in text
    assert response.context["closing"].closed.lost == 2
    assert "Петров Борис" not in text.split('id="stuck-deals"')[1].split("</section>")[0]


@pytest.mark.parametrize("outcome", ["won", "lost"])
def test_the_closed_deals_link_lists_exactly_the_deals_counted(
    client, programs_and_deals, head_of_sales, outcome
):
    client.force_login(head_of_sales)
    review = client.get("/review/", {"since": "2026-06-10"})
    row = page_text(review).split(f'<tr data-closed="{outcome}">')[1]
    link = row.split('href="')[1].split('"')[0]

    board = client.get(link.split("#")[0])

    counted = getattr(review.context["closing"].closed, outcome)
    [column] = [column for column in board.context["columns"] if column.stage == outcome]
    listed = sorted((deal.client.name, deal.amount) for deal in column.deals)
    assert link == f"/deals/?closed_since=2026-06-10#column-{outcome}"
    assert len(listed) == counted
    assert (
        listed
        == {
            "won": [('ООО "Альфа"', Decimal("150000.00"))],
            "lost": [
                ('ООО "Бета"', Decimal("120000.00")),
                ('ООО "Гамма"', Decimal("60000.00")),
                ('ООО "Дельта"', Decimal("40000.00")),
            ],
        }[outcome]
    )
