from django.urls import path

from tsunagu.outreach import api

urlpatterns = [
    path("outreach/information/", api.InformationListApi.as_view(), name="outreach-information-list"),
    path("outreach/information/<int:pk>/", api.InformationDetailApi.as_view(), name="outreach-information-detail"),
    path("outreach/districts/", api.DistrictCountsApi.as_view(), name="outreach-district-counts"),
    path("outreach/targets/", api.TargetListApi.as_view(), name="outreach-target-list"),
    path("outreach/targets/<int:pk>/", api.TargetDetailApi.as_view(), name="outreach-target-detail"),
    path("outreach/targets/<int:pk>/contacts/", api.TargetContactsApi.as_view(), name="outreach-target-contacts"),
    path("outreach/targets/<int:pk>/stage/", api.TargetStageApi.as_view(), name="outreach-target-stage"),
]
