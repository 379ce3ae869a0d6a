"""Closing over the REST API: each area's router with the prefix it is mounted on, in this order
(the fixed paths — "/conversion", "/stuck", "/settings", "/coaching", "/activities", "/answers",
"/objections/…" — before the deals' "/{deal_id}")."""

from ninja import Router

from upsell.deals.api.activities import router as activities_router
from upsell.deals.api.coaching import router as coaching_router
from upsell.deals.api.conversion import router as conversion_router
from upsell.deals.api.deals import router as deals_router
from upsell.deals.api.objections import router as objections_router

routers: tuple[tuple[str, Router], ...] = (
    ("/deals", conversion_router),
    ("/deals/coaching", coaching_router),
    ("/deals", activities_router),
    ("/deals", objections_router),
    ("/deals", deals_router),
)
