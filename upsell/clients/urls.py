from django.urls import path

from upsell.clients import views

app_name = "clients"
urlpatterns = [
    path("", views.client_list, name="list"),
    path("export.<str:file_format>", views.client_export, name="export"),
    path("new/", views.client_create, name="create"),
    path("<int:client_id>/", views.client_detail, name="detail"),
    path("<int:client_id>/edit/", views.client_edit, name="edit"),
    path("<int:client_id>/budget/", views.client_budget_edit, name="budget_edit"),
    path(
        "<int:client_id>/shipments/<int:shipment_id>/",
        views.client_shipment,
        name="shipment",
    ),
]
