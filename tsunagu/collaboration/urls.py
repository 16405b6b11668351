from django.urls import path

from tsunagu.collaboration import print_views, views

app_name = "collaboration"

urlpatterns = [
    path("", views.case_list, name="case-list"),
    path("new/", views.case_create, name="case-create"),
    path("<int:pk>/", views.case_detail, name="case-detail"),
    path("<int:pk>/transition/", views.case_transition, name="case-transition"),
    path("<int:pk>/evaluation/", views.case_evaluate, name="case-evaluate"),
    path("<int:pk>/participants/", views.case_participant_add, name="case-participant-add"),
    path("<int:pk>/assessments/new/", views.assessment_create, name="assessment-create"),
    path("households/<int:pk>/ecomap/", views.household_ecomap, name="household-ecomap"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment-detail"),
    path("assessments/<int:pk>/print/", print_views.assessment_print, name="assessment-print"),
]
