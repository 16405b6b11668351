from django.urls import path

from tsunagu.outreach import views

app_name = "outreach"

urlpatterns = [
    path("", views.target_list, name="target-list"),
    path("new/", views.target_create, name="target-create"),
    path("<int:pk>/", views.target_detail, name="target-detail"),
    path("<int:pk>/contacts/", views.target_contact_add, name="target-contact-add"),
    path("<int:pk>/stage/", views.target_stage, name="target-stage"),
    path("<int:pk>/plan/", views.target_plan, name="target-plan"),
    path("<int:pk>/identify/", views.target_identify, name="target-identify"),
    path("<int:pk>/information/", views.target_attach, name="target-attach"),
    path("<int:pk>/connect/", views.target_connect, name="target-connect"),
    path("<int:pk>/case/", views.target_case_open, name="target-case-open"),
    path("information/", views.information_list, name="information-list"),
    path("information/new/", views.information_create, name="information-create"),
    path("information/<int:pk>/", views.information_detail, name="information-detail"),
]
