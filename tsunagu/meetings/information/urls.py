"""URL lines of information requests, included in ``meetings.urls`` (namespace ``meetings``)."""

from django.urls import path

from tsunagu.meetings.information import views

urlpatterns = [
    path("items/<int:pk>/information-requests/new/", views.request_create, name="information-request-create"),
    path("information-requests/", views.request_inbox, name="information-requests"),
    path("information-requests/<int:pk>/", views.request_detail, name="information-request-detail"),
    path("information-requests/<int:pk>/answer/", views.request_answer, name="information-request-answer"),
    path("information-requests/<int:pk>/withdraw/", views.request_withdraw, name="information-request-withdraw"),
]
