from django.urls import path

from upsell.deals.views import field

app_name = "deals"
urlpatterns = [
    path("calendar/", field.calendar_page, name="calendar"),
    path("calendar/feed/", field.calendar_feed_renew_page, name="calendar_feed_renew"),
    path("calendar/<str:secret>.ics", field.calendar_feed, name="calendar_feed"),
    path("clients/<int:client_id>/activities/", field.client_activities, name="client_activities"),
    path("clients/<int:client_id>/activities/new/", field.activity_plan_page, name="activity_plan"),
    path("activities/<int:activity_id>/", field.activity_page, name="activity"),
    path("activities/<int:activity_id>/edit/", field.activity_edit_page, name="activity_edit"),
    path("activities/<int:activity_id>/hold/", field.activity_hold_page, name="activity_hold"),
    path(
        "activities/<int:activity_id>/cancel/", field.activity_cancel_page, name="activity_cancel"
    ),
]
