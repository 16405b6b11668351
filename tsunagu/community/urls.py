from django.urls import path

from tsunagu.community import views

app_name = "community"

urlpatterns = [
    path("", views.index, name="index"),
    path("programs/<int:pk>/", views.program_detail, name="program-detail"),
    path("places/", views.place_list, name="place-list"),
    path("places/new/", views.place_create, name="place-create"),
    path("places/<int:pk>/", views.place_detail, name="place-detail"),
    path("places/<int:pk>/sessions/new/", views.session_create, name="session-create"),
    path("sessions/<int:pk>/", views.session_detail, name="session-detail"),
    path("sessions/<int:pk>/participants/", views.participation_add, name="participation-add"),
    path("participations/<int:pk>/", views.participation_detail, name="participation-detail"),
    path("platform/", views.platform, name="platform"),
    path("platform/partners/new/", views.partner_create, name="partner-create"),
    path("log/", views.log_list, name="log-list"),
    path("log/new/", views.log_create, name="log-create"),
]
