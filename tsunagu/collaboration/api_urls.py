from django.urls import path

from tsunagu.collaboration import api

urlpatterns = [
    path("collaboration/cases/", api.CaseListApi.as_view(), name="collaboration-case-list"),
    path("collaboration/cases/<int:pk>/", api.CaseDetailApi.as_view(), name="collaboration-case-detail"),
    path(
        "collaboration/cases/<int:pk>/transitions/",
        api.CaseTransitionsApi.as_view(),
        name="collaboration-case-transitions",
    ),
    path(
        "collaboration/cases/<int:pk>/evaluation/",
        api.CaseEvaluationApi.as_view(),
        name="collaboration-case-evaluation",
    ),
    path(
        "collaboration/cases/<int:pk>/participants/",
        api.CaseParticipantsApi.as_view(),
        name="collaboration-case-participants",
    ),
    path(
        "collaboration/cases/<int:pk>/assessments/",
        api.CaseAssessmentsApi.as_view(),
        name="collaboration-case-assessments",
    ),
    path("collaboration/assessments/<int:pk>/", api.AssessmentDetailApi.as_view(), name="assessment-detail"),
    path("collaboration/assessment-forms/", api.AssessmentFormListApi.as_view(), name="assessment-form-list"),
]
