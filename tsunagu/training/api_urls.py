from django.urls import path

from tsunagu.training import api

urlpatterns = [
    path("training/sessions/", api.SessionListApi.as_view(), name="training-session-list"),
    path("training/sessions/<int:pk>/", api.SessionDetailApi.as_view(), name="training-session-detail"),
    path("training/sessions/<int:pk>/materials/", api.SessionMaterialsApi.as_view(), name="training-material-add"),
    path("training/materials/<int:pk>/", api.MaterialDetailApi.as_view(), name="training-material-detail"),
    path("training/counts/", api.CountsApi.as_view(), name="training-counts"),
]
