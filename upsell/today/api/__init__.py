"""Today over the REST API: the list and the decisions, mounted under ``/today``."""

from ninja import Router

from upsell.today.api.today import router as today_router

routers: tuple[tuple[str, Router], ...] = (("/today", today_router),)
