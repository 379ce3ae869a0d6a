"""Closing over the REST API: each area's router, mounted on one router under ``/deals``."""

from ninja import Router

from upsell.deals.api import coaching
from upsell.deals.api.conversion import router as conversion_router

router = Router(tags=["deals"])
# Fixed paths ("/conversion", "/stuck", "/settings", "/coaching") before any "/{deal_id}".
router.add_router("", conversion_router)
router.add_router("/coaching", coaching.router)
