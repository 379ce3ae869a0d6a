"""The measured effect of coaching: a coached manager's figures before and after the head of
sales worked beside it, against the managers not coached in the same months."""

from upsell.analytics.coaching.effect import coaching_effects
from upsell.analytics.coaching.figures import manager_months

__all__ = ["coaching_effects", "manager_months"]
