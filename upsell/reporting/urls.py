from django.urls import path

from upsell.reporting import views

app_name = "audit"
urlpatterns = [
    path("", views.audit_overview, name="overview"),
    path("export.xlsx", views.audit_overview_export, name="export"),
    path("statuses.xlsx", views.statuses_export, name="statuses_export"),
    path("accuracy.xlsx", views.accuracy_export, name="accuracy_export"),
    path("runs/", views.audit_start, name="start"),
    path("runs/<int:run_id>/", views.audit_run_detail, name="run"),
    path("rules/", views.audit_rules, name="rules"),
    path("forecast/", views.forecast_refresh, name="forecast_refresh"),
    path("clients/<int:client_id>/status/", views.client_status, name="client_status"),
    path(
        "clients/<int:client_id>/status/override/",
        views.client_status_override,
        name="client_status_override",
    ),
    path(
        "clients/<int:client_id>/status/lift/", views.client_status_lift, name="client_status_lift"
    ),
]
