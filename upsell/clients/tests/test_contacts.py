"""A client's contact persons on its card and over the API: whoever sees the client sees them,
whoever may change the client adds, edits and deactivates them, bad input names its field."""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client as HttpClient
from django.urls import reverse

from upsell.accounts.tokens import api_token_create
from upsell.clients.contacts import (
    ContactDetails,
    contact_active_set,
    contact_create,
    contact_update,
    contacts_of,
)
from upsell.clients.models import Contact, ContactDecision


def _api(user):
    _, token = api_token_create(user=user)
    return HttpClient(headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def director(annas_client):
    return Contact.objects.create(
        client=annas_client,
        name="Соколов Игорь Петрович",
        position="Генеральный директор",
        phones="+7 495 123-45-67",
        decision=ContactDecision.DECIDES,
    )


def test_the_manager_adds_a_contact_with_its_spaces_tidied(manager_anna, annas_client):
    contact = contact_create(
        client=annas_client,
        details=ContactDetails(
            name="  Ким   Ольга ",
            position="Закупщик",
            phones="+7 916 000-00-01",
            email="kim@alfa.ru",
            messenger="Telegram @kim",
            decision=ContactDecision.BUYS,
        ),
        by=manager_anna,
    )

    assert Contact.objects.filter(client=annas_client).values_list(
        "name", "position", "email", "decision", "active"
    ).get() == ("Ким Ольга", "Закупщик", "kim@alfa.ru", "buys", True)
    assert str(contact) == "Ким Ольга, Закупщик"


@pytest.mark.parametrize(
    ("details", "expected"),
    [
        ({"name": "  "}, {"name": ["Give the contact person's name."]}),
        ({"email": "не почта"}, {"email": ["не почта is not an e-mail address."]}),
        (
            {"decision": "boss"},
            {
                "decision": [
                    "boss is not a part in the decision: one of decides, influences, buys, "
                    "pays, uses, other."
                ]
            },
        ),
        ({"position": "Д" * 201}, {"position": ["At most 200 characters."]}),
    ],
)
def test_bad_details_are_refused_naming_the_field(manager_anna, annas_client, details, expected):
    with pytest.raises(ValidationError) as refused:
        contact_create(
            client=annas_client,
            details=ContactDetails(**({"name": "Ким Ольга"} | details)),
            by=manager_anna,
        )

    assert refused.value.message_dict == expected
    assert Contact.objects.count() == 0


@pytest.mark.parametrize("persona", ["manager_boris", "assistant_vera", "top_manager"])
def test_who_may_not_change_the_client_changes_no_contact(request, annas_client, director, persona):
    user = request.getfixturevalue(persona)

    with pytest.raises(PermissionDenied):
        contact_create(client=annas_client, details=ContactDetails(name="Чужой"), by=user)
    with pytest.raises(PermissionDenied):
        contact_update(contact=director, details=ContactDetails(name="Чужой"), by=user)
    with pytest.raises(PermissionDenied):
        contact_active_set(contact=director, active=False, by=user)

    assert list(Contact.objects.values_list("name", "active")) == [("Соколов Игорь Петрович", True)]


def test_a_deactivated_contact_stays_for_the_record(head_of_sales, annas_client, director):
    contact_active_set(contact=director, active=False, by=head_of_sales)

    assert list(contacts_of(client=annas_client)) == []
    assert list(contacts_of(client=annas_client, inactive=True)) == [director]


def test_the_card_section_adds_a_contact_over_htmx(client, manager_anna, annas_client):
    client.force_login(manager_anna)
    url = reverse("clients:contacts", args=[annas_client.pk])

    refused = client.post(
        url, {"name": "Ким Ольга", "email": "kim@"}, headers={"HX-Request": "true"}
    )
    added = client.post(url, {"name": "Ким Ольга", "email": "kim@alfa.ru", "decision": "buys"})

    assert refused.status_code == 200
    assert refused.context["form"].errors == {"email": ["Enter a valid email address."]}
    assert added.status_code == 200
    assert added.context["form"].is_bound is False
    assert [str(contact) for contact in added.context["contacts"]] == ["Ким Ольга"]
    assert 'href="mailto:kim@alfa.ru"' in added.content.decode()


def test_the_card_section_is_read_only_to_who_may_not_change_the_client(
    client, top_manager, assistant_vera, annas_client, director
):
    for user in (top_manager, assistant_vera):
        client.force_login(user)
        section = client.get(reverse("clients:contacts", args=[annas_client.pk]))
        refused = client.post(reverse("clients:contacts", args=[annas_client.pk]), {"name": "X"})

        assert section.status_code == 200
        assert "Соколов Игорь Петрович" in section.content.decode()
        assert section.context["form"] is None
        assert refused.status_code == 403
    assert Contact.objects.count() == 1


def test_editing_and_deactivating_on_the_card(client, manager_anna, annas_client, director):
    client.force_login(manager_anna)

    saved = client.post(
        reverse("clients:contact_edit", args=[annas_client.pk, director.pk]),
        {"name": "Соколов Игорь", "position": "Директор", "decision": "decides"},
    )
    deactivated = client.post(
        reverse("clients:contact_active", args=[annas_client.pk, director.pk]), {"active": "0"}
    )

    assert saved.status_code == 302
    assert deactivated.status_code == 200
    director.refresh_from_db()
    assert (director.name, director.position, director.phones, director.active) == (
        "Соколов Игорь",
        "Директор",
        "",
        False,
    )


def test_another_managers_client_contacts_are_not_found(
    client, manager_boris, annas_client, director
):
    client.force_login(manager_boris)

    assert client.get(reverse("clients:contacts", args=[annas_client.pk])).status_code == 404
    assert (
        client.post(
            reverse("clients:contact_edit", args=[annas_client.pk, director.pk]), {"name": "X"}
        ).status_code
        == 404
    )


def test_a_contact_of_another_client_is_not_found_under_this_one(
    client, head_of_sales, boris_client, director
):
    client.force_login(head_of_sales)

    response = client.get(reverse("clients:contact_edit", args=[boris_client.pk, director.pk]))

    assert response.status_code == 404


def test_the_api_lists_creates_and_updates_contacts(manager_anna, annas_client, director):
    api = _api(manager_anna)
    path = f"/api/clients/{annas_client.pk}/contacts"

    created = api.post(
        path,
        json.dumps({"name": "Ким Ольга", "phones": "+7 916 000-00-01", "decision": "pays"}),
        content_type="application/json",
    )
    updated = api.put(
        f"{path}/{director.pk}",
        json.dumps({"name": "Соколов Игорь", "active": False}),
        content_type="application/json",
    )
    listed = api.get(path)

    assert created.status_code == 201
    assert updated.status_code == 200
    assert (updated.json()["name"], updated.json()["active"], updated.json()["decision"]) == (
        "Соколов Игорь",
        False,
        "",
    )
    assert [(c["name"], c["decision"], c["active"]) for c in listed.json()] == [
        ("Ким Ольга", "pays", True),
        ("Соколов Игорь", "", False),
    ]


def test_the_api_refuses_a_bad_email_and_another_managers_client(
    manager_anna, manager_boris, annas_client
):
    bad = _api(manager_anna).post(
        f"/api/clients/{annas_client.pk}/contacts",
        json.dumps({"name": "Ким Ольга", "email": "kim"}),
        content_type="application/json",
    )
    foreign = _api(manager_boris).post(
        f"/api/clients/{annas_client.pk}/contacts",
        json.dumps({"name": "Ким Ольга"}),
        content_type="application/json",
    )

    assert bad.status_code == 422
    assert bad.json()["detail"] == [
        {"loc": ["body", "email"], "msg": "kim is not an e-mail address.", "type": "invalid"}
    ]
    assert foreign.status_code == 404
    assert Contact.objects.count() == 0
