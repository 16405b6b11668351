from django.urls import path

from tsunagu.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notice_list, name="list"),
    path("read/", views.notice_mark_read, name="mark-read"),
]
