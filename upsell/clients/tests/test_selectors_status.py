import datetime as dt

from django.urls import reverse

from upsell.clients.models import ClientAudit
from upsell.clients.selectors import ClientFilters, client_list
from upsell.clients.tests.factories import ClientFactory


def _audited(name, status, perspective):
    client = ClientFactory.create(name=name, status=status)
    ClientAudit.objects.create(
        client=client, as_of=dt.date(2026, 6, 15), computed_status=status,
        status_rule="enough_orders_in_window", perspective=perspective,
    )  # fmt: skip
    return client


def test_the_list_filters_by_status_and_sorts_by_perspective(head_of_sales):
    _audited("Альфа", "regular", 40)
    _audited("Бета", "regular", 85)
    _audited("Гамма", "lost", 10)
    ClientFactory.create(name="Дельта")

    regular = client_list(user=head_of_sales, filters=ClientFilters(status="regular"))
    best_first = client_list(user=head_of_sales, filters=ClientFilters(sort="-perspective"))

    perspectives = [(c.name, c.perspective) for c in regular]  # type: ignore[attr-defined]
    assert perspectives == [("Альфа", 40), ("Бета", 85)]
    assert [c.name for c in best_first] == ["Бета", "Альфа", "Гамма", "Дельта"]


def test_the_list_page_shows_status_and_perspective(client, head_of_sales):
    _audited("Альфа", "vip", 91)
    client.force_login(head_of_sales)

    response = client.get(reverse("clients:list"), {"status": "vip"})

    page = response.content.decode()
    assert response.status_code == 200
    assert [c.name for c in response.context["page"]] == ["Альфа"]
    assert 'class="badge status-vip">VIP<' in page
    assert '<td class="num">91</td>' in page
