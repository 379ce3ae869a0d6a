from django.urls import path

from upsell.today import views

app_name = "today"
urlpatterns = [
    path("", views.today_page, name="list"),
    path("clients/<int:client_id>/decide/", views.decide_page, name="decide"),
    path("weights/", views.weights_page, name="weights"),
]
