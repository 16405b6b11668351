from django.urls import path

from tsunagu.participation import views

app_name = "participation"

urlpatterns = [
    path("", views.index, name="index"),
    path("resources/", views.resource_list, name="resource-list"),
    path("resources/new/", views.resource_create, name="resource-create"),
    path("resources/<int:pk>/", views.resource_detail, name="resource-detail"),
    path("resources/<int:pk>/edit/", views.resource_edit, name="resource-edit"),
    path("resources/<int:pk>/close/", views.resource_close, name="resource-close"),
    path("hosts/new/", views.host_create, name="host-create"),
    path("hosts/<int:pk>/edit/", views.host_edit, name="host-edit"),
    path("development/", views.development_list, name="development-list"),
    path("supports/", views.support_list, name="support-list"),
    path("supports/<int:pk>/", views.support_detail, name="support-detail"),
    path("supports/<int:pk>/propose/", views.support_propose, name="support-propose"),
    path("supports/<int:pk>/close/", views.support_close, name="support-close"),
    path("people/<int:pk>/new/", views.person_support_create, name="person-support-create"),
    path("matches/<int:pk>/", views.match_detail, name="match-detail"),
    path("matches/<int:pk>/state/", views.match_state, name="match-state"),
    path("matches/<int:pk>/follow-ups/", views.match_follow_up, name="match-follow-up"),
]
