"""Closing over the REST API: each area's router, mounted in this order under /deals (the
objections' fixed paths "/answers" and "/objections/…" before the deals' "/{deal_id}")."""

from upsell.deals.api.deals import router as deals_router
from upsell.deals.api.objections import router as objections_router

routers = (objections_router, deals_router)
