from django.urls import path

from upsell.deals.views import coaching, conversion

app_name = "deals"
urlpatterns = [
    path("conversion/", conversion.conversion_page, name="conversion"),
    path("conversion.xlsx", conversion.conversion_export, name="conversion_export"),
    path("stuck/", conversion.stuck_page, name="stuck"),
    path("settings/", conversion.closing_settings_page, name="closing_settings"),
    path("coaching/", coaching.coaching_list_page, name="coaching_list"),
    path("coaching/new/", coaching.coaching_create_page, name="coaching_create"),
    path("coaching/<int:period_id>/", coaching.coaching_detail_page, name="coaching_detail"),
    path("coaching/<int:period_id>/edit/", coaching.coaching_edit_page, name="coaching_edit"),
    path("coaching/<int:period_id>/notes/", coaching.coaching_note_page, name="coaching_note"),
    path("coaching/<int:period_id>/join/", coaching.coaching_join_page, name="coaching_join"),
]
