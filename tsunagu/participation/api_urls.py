from django.urls import path

from tsunagu.participation import api

urlpatterns = [
    path("participation/resources/", api.ResourceListApi.as_view(), name="participation-resource-list"),
    path("participation/resources/<int:pk>/", api.ResourceDetailApi.as_view(), name="participation-resource-detail"),
    path(
        "participation/resources/<int:pk>/close/", api.ResourceCloseApi.as_view(), name="participation-resource-close"
    ),
    path("participation/hosts/", api.HostListApi.as_view(), name="participation-host-list"),
    path("participation/hosts/<int:pk>/", api.HostDetailApi.as_view(), name="participation-host-detail"),
    path("participation/development/", api.DevelopmentListApi.as_view(), name="participation-development-list"),
    path("participation/counts/", api.CountsApi.as_view(), name="participation-counts"),
    path("participation/supports/", api.SupportListApi.as_view(), name="participation-support-list"),
    path("participation/supports/<int:pk>/", api.SupportDetailApi.as_view(), name="participation-support-detail"),
    path(
        "participation/supports/<int:pk>/ranking/",
        api.SupportRankingApi.as_view(),
        name="participation-support-ranking",
    ),
    path(
        "participation/supports/<int:pk>/matches/",
        api.SupportMatchesApi.as_view(),
        name="participation-support-matches",
    ),
    path("participation/matches/<int:pk>/", api.MatchDetailApi.as_view(), name="participation-match-detail"),
    path("participation/matches/<int:pk>/state/", api.MatchStateApi.as_view(), name="participation-match-state"),
    path(
        "participation/matches/<int:pk>/follow-ups/",
        api.MatchFollowUpsApi.as_view(),
        name="participation-match-follow-ups",
    ),
]
