from django.urls import path

from upsell.offers import views

app_name = "offers"
urlpatterns = [
    path("clients/<int:client_id>/", views.client_section, name="client_section"),
]
