"""The client-base audit: statuses with their reasons, history and perspective."""

from upsell.analytics.audit.clients import audit_clients
from upsell.analytics.audit.history import audit_history, status_changes, status_migration
from upsell.analytics.audit.statuses import PRECEDENCE, Status, StatusRule

__all__ = [
    "PRECEDENCE",
    "Status",
    "StatusRule",
    "audit_clients",
    "audit_history",
    "status_changes",
    "status_migration",
]
