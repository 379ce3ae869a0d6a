from django.urls import path

from upsell.review import views

app_name = "review"
urlpatterns = [
    path("", views.monday_review_page, name="monday"),
    path("company/", views.company_view_page, name="company"),
]
