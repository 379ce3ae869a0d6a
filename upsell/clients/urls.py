from django.urls import path

from upsell.clients import views

app_name = "clients"
urlpatterns = [
    path("", views.client_list, name="list"),
    path("export.<str:file_format>", views.client_export, name="export"),
    path("new/", views.client_create, name="create"),
    path("<int:client_id>/", views.client_detail, name="detail"),
    path("<int:client_id>/edit/", views.client_edit, name="edit"),
    path("<int:client_id>/shipments.xlsx", views.client_shipments_export, name="shipments_export"),
    path("<int:client_id>/payments.xlsx", views.client_payments_export, name="payments_export"),
    path("<int:client_id>/budget/", views.client_budget_edit, name="budget_edit"),
    path("<int:client_id>/contacts/", views.client_contacts, name="contacts"),
    path(
        "<int:client_id>/contacts/<int:contact_id>/",
        views.client_contact_edit,
        name="contact_edit",
    ),
    path(
        "<int:client_id>/contacts/<int:contact_id>/active/",
        views.client_contact_active,
        name="contact_active",
    ),
    path(
        "<int:client_id>/shipments/<int:shipment_id>/",
        views.client_shipment,
        name="shipment",
    ),
]
