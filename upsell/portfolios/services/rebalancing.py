"""The rebalancing the head of sales applies from the workload board."""

from collections.abc import Collection

from django.db import transaction

from upsell.accounts.models import User
from upsell.clients.models import AssignmentRole, HandOverRule
from upsell.portfolios.selectors import rebalance_propose
from upsell.portfolios.services.handover import ClientChange, clients_hand_over


def portfolio_rebalance_apply(*, keys: Collection[str], applied_by: User) -> int:
    """Apply the moves of the current proposal that the head of sales kept (by their keys).

    Each client goes with everything attached (``clients_hand_over``). A key no longer in the
    proposal (the portfolios changed since it was shown, or it was never offered) is ignored.
    The count applied.
    """
    kept = set(keys)
    with transaction.atomic():
        chosen = [move for move in rebalance_propose() if move.key in kept]
        clients_hand_over(
            changes=[
                ClientChange(client_id=move.client.pk, manager=move.new, reason=move.reason)
                if move.role == AssignmentRole.MANAGER
                else ClientChange(client_id=move.client.pk, assistant=move.new, reason=move.reason)
                for move in chosen
            ],
            rule=HandOverRule.REBALANCING,
            by=applied_by,
        )
    return len(chosen)
