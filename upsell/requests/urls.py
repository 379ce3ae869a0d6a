from django.urls import path

from upsell.requests import views

app_name = "requests"
urlpatterns = [
    path("", views.request_queues, name="queues"),
    path("requests.xlsx", views.request_export, name="export"),
    path("new/clients/", views.client_search, name="client_search"),
    path("new/", views.request_create, name="create"),
    path("rules/", views.complex_rules, name="rules"),
    path("clients/<int:client_id>/", views.client_requests, name="client_requests"),
    path("<int:request_id>/", views.request_detail, name="detail"),
    path("<int:request_id>/reassign/", views.request_reassign, name="reassign"),
    path("<int:request_id>/status/", views.request_status, name="status"),
]
