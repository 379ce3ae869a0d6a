from django.urls import path

from upsell.exchange import views

app_name = "exchange"
urlpatterns = [
    path("1c/", views.exchange_1c, name="1c"),
]
