"""The rules that put a request where it is, and those that make it complex."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RoutingRule(models.TextChoices):
    """The rule that put a request (or a client) where it is."""

    MOTIVATED = "motivated", _("Motivated client: its manager")
    SPONTANEOUS = "spontaneous", _("Spontaneous client: its assistant")
    NO_ASSISTANT = "no_assistant", _("Spontaneous client without an assistant: its manager")
    NO_MANAGER = "no_manager", _("Client without a manager: the head of sales decides")
    AMOUNT = "amount", _("Complex: amount above the threshold")
    LINES = "lines", _("Complex: too many lines")
    PRODUCT_GROUPS = "product_groups", _("Complex: products from chosen groups")
    DISCOUNT = "discount", _("Complex: discount beyond the standard")
    PAYMENT_DELAY = "payment_delay", _("Complex: payment delay beyond the standard")
    OVERDUE_DEBT = "overdue_debt", _("Complex: the client has overdue debt")
    CREDIT_LIMIT = "credit_limit", _("Complex: above the credit line's available credit")
    CREDIT_DELAY = "credit_delay", _("Complex: the client is past its credit line's delay")
    MANUAL = "manual", _("Reassigned by hand")
    REBALANCING = "rebalancing", _("Moved with its client by the rebalancing")


COMPLEX_RULES = frozenset(
    {
        RoutingRule.AMOUNT,
        RoutingRule.LINES,
        RoutingRule.PRODUCT_GROUPS,
        RoutingRule.DISCOUNT,
        RoutingRule.PAYMENT_DELAY,
        RoutingRule.OVERDUE_DEBT,
        RoutingRule.CREDIT_LIMIT,
        RoutingRule.CREDIT_DELAY,
    }
)
