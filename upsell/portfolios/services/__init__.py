"""Use-cases of portfolios: who serves each client and everything that goes with it.

- ``handover``: the one service that writes a client's manager and assistant, and its
  followers; a new client and the card's hand-over are written with it;
- ``routing``: after an audit, each client to its manager or an assistant by its status;
- ``rebalancing``: the moves of the workload board's proposal the head of sales keeps;
- ``workload``: the capacity and pool settings.
"""

from upsell.portfolios.services.handover import (
    KEEP,
    ClientChange,
    ClientHandedOver,
    HandOver,
    HandOverOutcome,
    NewClient,
    client_create,
    client_hand_over,
    clients_hand_over,
    hand_over_people_check,
)
from upsell.portfolios.services.rebalancing import portfolio_rebalance_apply
from upsell.portfolios.services.routing import RoutingOutcome, portfolio_routing_apply
from upsell.portfolios.services.workload import workload_settings_update

__all__ = [
    "KEEP",
    "ClientChange",
    "ClientHandedOver",
    "HandOver",
    "HandOverOutcome",
    "NewClient",
    "RoutingOutcome",
    "client_create",
    "client_hand_over",
    "clients_hand_over",
    "hand_over_people_check",
    "portfolio_rebalance_apply",
    "portfolio_routing_apply",
    "workload_settings_update",
]
