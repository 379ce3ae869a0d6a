"""The REST API: one NinjaAPI instance, each app's router mounted under its noun."""

from ninja import NinjaAPI

api = NinjaAPI(title="Upsell API", version="1", urls_namespace="api")
