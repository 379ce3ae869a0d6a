from django.urls import path

from upsell.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.import_list, name="list"),
    path("history.xlsx", views.import_history_export, name="export"),
    path("<int:run_id>/", views.import_detail, name="detail"),
    path("<int:run_id>/rejected/", views.import_rejected_rows, name="rejected"),
    path("<int:run_id>/columns/", views.import_columns, name="columns"),
]
