"""Why a request is where it is, in the reader's language.

A request keeps the rule that routed it and the figures that decided it (``facts``: the
amount and the threshold, the groups asked for…), never a sentence written in the language
of whoever happened to create it; the sentence is written when someone reads it. A person's
own words (a reason typed when reassigning by hand) are kept as they were typed.
"""

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from upsell.core.money import format_money
from upsell.requests.rules import RoutingRule

Facts = Mapping[str, Any]


def _money(facts: Facts, key: str) -> str:
    return format_money(Decimal(facts[key]))


def _sentence(rule: str, facts: Facts) -> str | None:
    match rule:
        case RoutingRule.AMOUNT:
            return _("Amount %(amount)s is above %(limit)s") % {
                "amount": _money(facts, "amount"),
                "limit": _money(facts, "limit"),
            }
        case RoutingRule.LINES:
            return _("%(lines)s lines, more than %(limit)s") % {
                "lines": facts["lines"],
                "limit": facts["limit"],
            }
        case RoutingRule.PRODUCT_GROUPS:
            return _("Products from groups the manager handles: %(groups)s") % {
                "groups": ", ".join(facts["groups"])
            }
        case RoutingRule.DISCOUNT:
            return _("Discount %(asked)s %% beyond the standard %(limit)s %%") % {
                "asked": facts["discount"],
                "limit": facts["limit"],
            }
        case RoutingRule.PAYMENT_DELAY:
            return _("Payment delay of %(asked)s days beyond the standard %(limit)s") % {
                "asked": facts["days"],
                "limit": facts["limit"],
            }
        case RoutingRule.OVERDUE_DEBT:
            return _("The client owes %(debt)s past its terms") % {"debt": _money(facts, "debt")}
        case RoutingRule.CREDIT_LIMIT:
            return _(
                "Amount %(amount)s is above the %(available)s of credit left on «%(program)s» "
                "(limit %(limit)s, owed %(exposure)s)"
            ) % {
                "amount": _money(facts, "amount"),
                "available": _money(facts, "available"),
                "program": facts["program"],
                "limit": _money(facts, "limit"),
                "exposure": _money(facts, "exposure"),
            }
        case RoutingRule.CREDIT_DELAY:
            return _(
                "A shipment of %(oldest)s is unpaid for %(days)s days, past the %(delay)s days "
                "of «%(program)s»"
            ) % {
                "oldest": date_format(dt.date.fromisoformat(facts["oldest"]), "SHORT_DATE_FORMAT"),
                "days": facts["days"],
                "delay": facts["delay"],
                "program": facts["program"],
            }
        case RoutingRule.MOTIVATED:
            return _("Motivated client: served by its manager")
        case RoutingRule.SPONTANEOUS:
            return _("Spontaneous client, simple order: its assistant")
        case RoutingRule.NO_ASSISTANT:
            return _("Spontaneous client with no assistant: its manager takes it")
        case RoutingRule.NO_MANAGER:
            return _("The client has no manager yet")
    return None


def rule_sentence(rule: str, facts: Facts) -> str:
    """``rule`` in words with its figures; the rule's name when the figures are missing (a
    request routed before they were kept)."""
    try:
        sentence = _sentence(rule, facts)
    except KeyError:
        sentence = None
    return sentence or str(RoutingRule(rule).label)


def routing_reason(rule: str, facts: Facts, note: str) -> str:
    """Why a request went where it is: a person's or a move's own words, else the rule's."""
    return note or rule_sentence(rule, facts)
