from django.urls import path

from tsunagu.support_plans import prints, views

app_name = "support_plans"

urlpatterns = [
    path("roles/", views.action_list, name="action-list"),
    path("cases/<int:pk>/new/", views.case_plan_create, name="case-plan-create"),
    path("people/<int:pk>/new/", views.person_plan_create, name="person-plan-create"),
    path("households/<int:pk>/", views.household_plans, name="household-plans"),
    path("<int:pk>/", views.plan_detail, name="plan-detail"),
    path("<int:pk>/edit/", views.plan_edit, name="plan-edit"),
    path("<int:pk>/goals/", views.plan_goal_add, name="plan-goal-add"),
    path("<int:pk>/goals/remove/", views.plan_goal_remove, name="plan-goal-remove"),
    path("<int:pk>/actions/", views.plan_action_add, name="plan-action-add"),
    path("<int:pk>/actions/remove/", views.plan_action_remove, name="plan-action-remove"),
    path("<int:pk>/actions/acknowledge/", views.plan_action_acknowledge, name="plan-action-acknowledge"),
    path("<int:pk>/approve/", views.plan_approve, name="plan-approve"),
    path("<int:pk>/next-version/", views.plan_next_version, name="plan-next-version"),
    path("<int:pk>/progress/", views.plan_progress_add, name="plan-progress-add"),
    path("<int:pk>/evaluation/", views.plan_evaluate, name="plan-evaluate"),
    path("<int:pk>/print/", prints.plan_print, name="plan-print"),
    path("progress/<int:pk>/", views.progress_detail, name="progress-detail"),
    path("evaluations/<int:pk>/", views.evaluation_detail, name="evaluation-detail"),
    path("evaluations/<int:pk>/print/", prints.evaluation_print, name="evaluation-print"),
]
