from django.urls import path

from tsunagu.community import api

urlpatterns = [
    path("community/places/", api.PlaceListApi.as_view(), name="community-place-list"),
    path("community/places/<int:pk>/", api.PlaceDetailApi.as_view(), name="community-place-detail"),
    path("community/places/<int:pk>/sessions/", api.PlaceSessionsApi.as_view(), name="community-place-sessions"),
    path("community/sessions/<int:pk>/", api.SessionDetailApi.as_view(), name="community-session-detail"),
    path(
        "community/sessions/<int:pk>/participations/",
        api.SessionParticipationsApi.as_view(),
        name="community-session-participations",
    ),
    path(
        "community/participations/<int:pk>/",
        api.ParticipationDetailApi.as_view(),
        name="community-participation-detail",
    ),
    path("community/counts/", api.CountsApi.as_view(), name="community-counts"),
    path("community/platform/", api.PlatformApi.as_view(), name="community-platform"),
    path("community/partners/", api.PartnerListApi.as_view(), name="community-partner-list"),
    path("community/log/", api.LogListApi.as_view(), name="community-log-list"),
]
