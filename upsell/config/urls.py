from django.contrib import admin
from django.urls import include, path

from upsell.config.api import api
from upsell.worker.health import healthz

urlpatterns = [
    path("", include("upsell.accounts.urls")),
    path("clients/", include("upsell.clients.urls")),
    path("imports/", include("upsell.imports.urls")),
    path("exchange/", include("upsell.exchange.urls")),
    path("audit/", include("upsell.reporting.urls")),
    path("forecasts/", include("upsell.forecasts.urls")),
    path("requests/", include("upsell.requests.urls")),
    path("programs/", include("upsell.programs.urls")),
    path("deals/", include("upsell.deals.urls")),
    path("offers/", include("upsell.offers.urls")),
    path("notifications/", include("upsell.notifications.urls")),
    path("workload/", include("upsell.portfolios.urls")),
    path("today/", include("upsell.today.urls")),
    path("review/", include("upsell.review.urls")),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]

admin.site.site_header = "Upsell"
admin.site.site_title = "Upsell"
