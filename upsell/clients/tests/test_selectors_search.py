from upsell.clients.selectors import ClientFilters, client_list
from upsell.clients.tests.factories import ClientFactory


def test_search_folds_the_case_of_cyrillic_names(head_of_sales):
    vector = ClientFactory.create(name='ООО "Вектор"', tax_id="7707083893")
    ClientFactory.create(name='АО "Альфа"')

    found = client_list(user=head_of_sales, filters=ClientFilters(search="вектор"))

    assert list(found) == [vector]


def test_search_of_digits_finds_the_tax_id_prefix(head_of_sales):
    vector = ClientFactory.create(name='ООО "Вектор"', tax_id="7707083893")
    ClientFactory.create(name='АО "Альфа"', tax_id="7830002293")

    found = client_list(user=head_of_sales, filters=ClientFilters(search="77070"))

    assert list(found) == [vector]
