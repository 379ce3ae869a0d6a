from django.contrib.auth import views as auth_views
from django.urls import path

from upsell.accounts import people, views

app_name = "accounts"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("users/", people.user_list, name="users"),
    path("users/new/", people.user_create, name="user_create"),
    path("users/<int:user_id>/", people.user_edit, name="user_edit"),
    path("users/<int:user_id>/active/", people.user_active, name="user_active"),
]
