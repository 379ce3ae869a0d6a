"""Closing over the REST API: one router, each area's mounted on it."""

from ninja import Router

from upsell.deals.api.activities import router as activities_router

router = Router()
router.add_router("", activities_router)
