from django.urls import path

from upsell.deals.views import coaching

app_name = "deals"
urlpatterns = [
    path("coaching/", coaching.coaching_list_page, name="coaching_list"),
    path("coaching/new/", coaching.coaching_create_page, name="coaching_create"),
    path("coaching/<int:period_id>/", coaching.coaching_detail_page, name="coaching_detail"),
    path("coaching/<int:period_id>/edit/", coaching.coaching_edit_page, name="coaching_edit"),
    path("coaching/<int:period_id>/notes/", coaching.coaching_note_page, name="coaching_note"),
    path("coaching/<int:period_id>/join/", coaching.coaching_join_page, name="coaching_join"),
]
