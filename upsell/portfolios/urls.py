from django.urls import path

from upsell.portfolios import views

app_name = "portfolios"
urlpatterns = [
    path("", views.workload, name="workload"),
    path("export/", views.workload_export, name="export"),
    path("settings/", views.workload_settings, name="settings"),
    path("rebalance/", views.rebalance, name="rebalance"),
    path("clients/<int:client_id>/reassign/", views.client_reassign, name="client_reassign"),
]
