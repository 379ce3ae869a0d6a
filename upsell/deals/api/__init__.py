"""Closing over the REST API: each area's router mounted on one."""

from ninja import Router

from upsell.deals.api import coaching

router = Router()
router.add_router("/coaching", coaching.router)
