from django.urls import path

from tsunagu.plans import views

app_name = "plans"

urlpatterns = [
    path("", views.plan_detail, name="plan-detail"),
    path("programs/", views.program_catalogue, name="program-catalogue"),
    path("organizations/", views.organization_list, name="organization-list"),
    path("organizations/<int:pk>/", views.organization_detail, name="organization-detail"),
    path("divisions/<int:pk>/", views.division_detail, name="division-detail"),
]
