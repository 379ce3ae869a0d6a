from django.urls import path

from upsell.forecasts import views

app_name = "forecasts"
urlpatterns = [
    path("", views.forecast_grid_page, name="grid"),
    path("cells/<int:client_id>/<str:month>/", views.forecast_cell, name="cell"),
    path("plans/", views.sales_plan, name="plan"),
    path("baselines/accept/", views.baselines_accept, name="baselines_accept"),
    path("accuracy/", views.forecast_accuracy_page, name="accuracy"),
    path("export.xlsx", views.forecast_export, name="export"),
    path("import/", views.forecast_import, name="import"),
    path("clients/<int:client_id>/", views.client_forecast, name="client_forecast"),
    path(
        "clients/<int:client_id>/changes/",
        views.client_forecast_changes,
        name="client_forecast_changes",
    ),
]
