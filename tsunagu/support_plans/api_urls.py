from django.urls import path

from tsunagu.support_plans import api

urlpatterns = [
    path("support-plans/", api.PlanListApi.as_view(), name="support-plan-list"),
    path("support-plans/types/", api.PlanTypesApi.as_view(), name="support-plan-types"),
    path("support-plans/roles/", api.RoleListApi.as_view(), name="support-plan-roles"),
    path("support-plans/<int:pk>/", api.PlanDetailApi.as_view(), name="support-plan-detail"),
    path("support-plans/<int:pk>/versions/", api.PlanVersionsApi.as_view(), name="support-plan-versions"),
    path("support-plans/<int:pk>/goals/", api.PlanGoalsApi.as_view(), name="support-plan-goals"),
    path("support-plans/<int:pk>/actions/", api.PlanActionsApi.as_view(), name="support-plan-actions"),
    path("support-plans/<int:pk>/acknowledge/", api.PlanAcknowledgeApi.as_view(), name="support-plan-acknowledge"),
    path("support-plans/<int:pk>/approve/", api.PlanApproveApi.as_view(), name="support-plan-approve"),
    path("support-plans/<int:pk>/next-version/", api.PlanNextVersionApi.as_view(), name="support-plan-next-version"),
    path("support-plans/<int:pk>/progress/", api.PlanProgressApi.as_view(), name="support-plan-progress"),
    path("support-plans/<int:pk>/evaluations/", api.PlanEvaluationsApi.as_view(), name="support-plan-evaluations"),
    path("support-plans/progress/<int:pk>/", api.ProgressDetailApi.as_view(), name="plan-progress-detail"),
    path("support-plans/evaluations/<int:pk>/", api.EvaluationDetailApi.as_view(), name="plan-evaluation-detail"),
]
