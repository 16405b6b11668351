"""The home page. No ``app_name``: config/urls.py mounts it as ``core:home`` (see accounts/urls.py)."""

from django.urls import path

from tsunagu.home import views

urlpatterns = [
    path("", views.home, name="home"),
]
