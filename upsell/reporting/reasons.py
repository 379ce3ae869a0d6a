"""Why a client has its status, in words, from the facts the audit stored.

The analytics package names the rule that decided and gives every number the rule used; the
words are written here so that they are translated like every other text of the interface.
"""

from collections.abc import Mapping
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def _orders(count: int) -> str:
    return ngettext("%(count)d order", "%(count)d orders", count) % {"count": count}


def _days(count: int) -> str:
    return ngettext("%(count)d day", "%(count)d days", count) % {"count": count}


def _ago(count: int) -> str:
    return ngettext("%(count)d day ago", "%(count)d days ago", count) % {"count": count}


def _int(metrics: Mapping[str, object], name: str) -> int:
    value = metrics.get(name)
    if value is None:
        return 0
    return round(float(value))  # type: ignore[arg-type]


def status_reason(
    *, rule: str, metrics: Mapping[str, object], thresholds: Mapping[str, object]
) -> str:
    """The sentence that explains ``rule`` for a client with these ``metrics``."""
    window = _int(thresholds, "regular_window_days") or 365
    facts = {
        "orders_window": _orders(_int(metrics, "regular_window_orders")),
        "orders_total": _orders(_int(metrics, "orders_total")),
        "window": _days(window),
        "interval": _days(_int(metrics, "typical_interval_days")),
        "last": _ago(_int(metrics, "days_since_last_order")),
        "first": _ago(_int(metrics, "days_since_first_order")),
        "gap": _days(_int(metrics, "recent_gap_days")),
        "lost": _days(_int(thresholds, "lost_days") or 180),
        # number_format cuts digits off rather than rounding them.
        "share": number_format(
            (Decimal(str(metrics.get("revenue_share_365") or 0)) * 100).quantize(Decimal("0.1")), 1
        )
        + " %",
    }
    sentences = {
        "partner_flag": _("Partner: a dealer or a client with a long-term agreement"),
        "no_orders": _("No orders yet"),
        "no_order_for_lost_days": _("Lost: last order %(last)s, no order for %(lost)s or more"),
        "order_after_long_gap": _("Reanimated: ordered again %(last)s after a gap of %(gap)s"),
        "first_order_recent": _("New: first order %(first)s, %(orders_total)s so far"),
        "last_order_overdue": _(
            "Lapsing: last order %(last)s, more than twice the typical interval of %(interval)s"
        ),
        "regular_in_abc_a": _(
            "VIP: %(orders_window)s in %(window)s, class A with %(share)s of revenue, "
            "typical interval %(interval)s, last order %(last)s"
        ),
        "enough_orders_in_window": _(
            "Regular: %(orders_window)s in %(window)s, typical interval %(interval)s, "
            "last order %(last)s"
        ),
        "repeat_orders": _(
            "Irregular: %(orders_total)s in all, %(orders_window)s in %(window)s, "
            "last order %(last)s"
        ),
        "single_order": _("One-time: a single order, %(first)s"),
    }
    sentence = sentences.get(rule)
    if sentence is None:
        return rule
    if rule == "partner_flag" and _int(metrics, "orders_total"):
        sentence += _("; %(orders_window)s in %(window)s, last order %(last)s")
    return sentence % facts
