"""Use-cases of a client's status set by hand: from the client card and the API.

Apart from ``services``, which runs the audit on the analytics engines: whatever sets a status
by hand reaches these without loading the analytics package.
"""

import datetime as dt

from django.db import transaction

from upsell.accounts.models import User
from upsell.clients.models import Client, ClientStatusOverride
from upsell.clients.services import client_status_override_lift, client_status_override_set
from upsell.portfolios.services import portfolio_routing_apply


def status_override_set(
    *,
    client: Client,
    status: str,
    reason: str,
    expires_on: dt.date | None,
    set_by: User,
    today: dt.date,
) -> ClientStatusOverride:
    """Set a client's status by hand and route it to whoever now serves it."""
    with transaction.atomic():
        override = client_status_override_set(
            client=client, status=status, reason=reason, expires_on=expires_on, set_by=set_by,
            today=today,
        )  # fmt: skip
        portfolio_routing_apply(changed_by=set_by)
    return override


def status_override_lift(*, client: Client, lifted_by: User, today: dt.date) -> int:
    """Return a client to its computed status and route it to whoever now serves it."""
    with transaction.atomic():
        lifted = client_status_override_lift(client=client, lifted_by=lifted_by, today=today)
        portfolio_routing_apply(changed_by=lifted_by)
    return lifted
