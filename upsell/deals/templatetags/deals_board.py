import datetime as dt

from django import template

from upsell.deals.models import Deal
from upsell.deals.selectors.deals import days_without_activity

register = template.Library()


@register.filter
def idle_days(deal: Deal, now: dt.datetime) -> int:
    """Whole days since anything was done on ``deal``."""
    return days_without_activity(deal, now=now)
