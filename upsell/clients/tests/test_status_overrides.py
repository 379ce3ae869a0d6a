import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from upsell.clients.models import ClientAudit, ClientStatusOverride
from upsell.clients.services import (
    client_status_override_lift,
    client_status_override_set,
    client_statuses_refresh,
)

TODAY = dt.date(2026, 6, 15)


@pytest.fixture
def audited_client(annas_client):
    ClientAudit.objects.create(
        client=annas_client, as_of=TODAY, computed_status="irregular", status_rule="repeat_orders"
    )
    client_statuses_refresh(today=TODAY)
    annas_client.refresh_from_db()
    return annas_client


def test_an_override_is_in_force_beside_the_computed_status(audited_client, head_of_sales):
    client_status_override_set(
        client=audited_client, status="partner", reason="Dealer agreement 2026",
        expires_on=dt.date(2026, 12, 31), set_by=head_of_sales, today=TODAY,
    )  # fmt: skip

    audited_client.refresh_from_db()
    assert (audited_client.status, audited_client.audit.computed_status) == ("partner", "irregular")


def test_an_expired_override_gives_way_to_the_computed_status(audited_client, head_of_sales):
    client_status_override_set(
        client=audited_client, status="vip", reason="Key account for the season",
        expires_on=dt.date(2026, 6, 30), set_by=head_of_sales, today=TODAY,
    )  # fmt: skip

    client_statuses_refresh(today=dt.date(2026, 7, 1))

    audited_client.refresh_from_db()
    assert audited_client.status == "irregular"


def test_lifting_an_override_restores_the_computed_status(audited_client, head_of_sales):
    client_status_override_set(
        client=audited_client, status="vip", reason="Key account", expires_on=None,
        set_by=head_of_sales, today=TODAY,
    )  # fmt: skip

    assert (
        client_status_override_lift(client=audited_client, lifted_by=head_of_sales, today=TODAY)
        == 1
    )

    audited_client.refresh_from_db()
    override = ClientStatusOverride.objects.get()
    assert (audited_client.status, override.lifted_by) == ("irregular", head_of_sales)


def test_a_new_override_ends_the_previous_one(audited_client, head_of_sales):
    for status in ("vip", "partner"):
        client_status_override_set(
            client=audited_client, status=status, reason="Agreement", expires_on=None,
            set_by=head_of_sales, today=TODAY,
        )  # fmt: skip

    overrides = ClientStatusOverride.objects.order_by("id")
    assert [(o.status, o.lifted_at is None) for o in overrides] == [
        ("vip", False),
        ("partner", True),
    ]


def test_an_override_needs_a_reason_and_a_future_end(audited_client, head_of_sales):
    with pytest.raises(ValidationError) as refused:
        client_status_override_set(
            client=audited_client, status="vip", reason=" ", expires_on=dt.date(2026, 6, 1),
            set_by=head_of_sales, today=TODAY,
        )  # fmt: skip

    assert refused.value.message_dict == {
        "reason": ["Say why the status is set by hand."],
        "expires_on": ["The end date has passed already."],
    }
    audited_client.refresh_from_db()
    assert (audited_client.status, ClientStatusOverride.objects.count()) == ("irregular", 0)
