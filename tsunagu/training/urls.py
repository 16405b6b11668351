from django.urls import path

from tsunagu.training import views

app_name = "training"

urlpatterns = [
    path("", views.session_list, name="session-list"),
    path("new/", views.session_create, name="session-create"),
    path("<int:pk>/", views.session_detail, name="session-detail"),
    path("<int:pk>/edit/", views.session_edit, name="session-edit"),
    path("<int:pk>/materials/", views.material_add, name="material-add"),
    path("materials/<int:pk>/remove/", views.material_remove, name="material-remove"),
]
