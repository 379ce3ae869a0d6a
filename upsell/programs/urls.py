from django.urls import path

from upsell.programs import views

app_name = "programs"
urlpatterns = [
    path("", views.program_list_page, name="list"),
    path("new/", views.program_create_page, name="create"),
    path("<int:program_id>/", views.program_detail, name="detail"),
    path("<int:program_id>/report.xlsx", views.program_export, name="export"),
    path("<int:program_id>/edit/", views.program_edit, name="edit"),
    path("<int:program_id>/activate/", views.program_activate_page, name="activate"),
    path("<int:program_id>/settle/", views.program_settle_page, name="settle"),
    path("<int:program_id>/close/", views.program_close_page, name="close"),
    path("<int:program_id>/enrol/", views.program_enrol, name="enrol"),
    path("memberships/<int:membership_id>/end/", views.membership_end_page, name="membership_end"),
    path(
        "memberships/<int:membership_id>/stock/",
        views.membership_stock_page,
        name="membership_stock",
    ),
    path("clients/<int:client_id>/", views.client_section, name="client_section"),
    path("clients/<int:client_id>/propose/", views.membership_propose_page, name="propose"),
]
