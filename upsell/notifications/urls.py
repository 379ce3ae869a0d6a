from django.urls import path

from upsell.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
]
