from django.urls import path

from tsunagu.plans import api

urlpatterns = [
    path("plan/", api.PlanDetailApi.as_view(), name="plan-detail"),
    path("plan/programs/", api.ProgramListApi.as_view(), name="program-list"),
    path("plan/programs/<int:pk>/", api.ProgramDetailApi.as_view(), name="program-detail"),
    path("plan/organizations/", api.OrganizationListApi.as_view(), name="organization-list"),
]
