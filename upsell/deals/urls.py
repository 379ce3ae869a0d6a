from django.urls import path

from upsell.deals.views import conversion

app_name = "deals"
urlpatterns = [
    path("conversion/", conversion.conversion_page, name="conversion"),
    path("conversion.xlsx", conversion.conversion_export, name="conversion_export"),
    path("stuck/", conversion.stuck_page, name="stuck"),
    path("settings/", conversion.closing_settings_page, name="closing_settings"),
]
