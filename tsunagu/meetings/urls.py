from django.urls import path

from tsunagu.meetings import prints, views, views_calendar
from tsunagu.meetings.attachments import urls as attachments
from tsunagu.meetings.information import urls as information

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="meeting-list"),
    path("new/", views.meeting_create, name="meeting-create"),
    path("calendar/", views_calendar.calendar, name="calendar"),
    path("tasks/", views.my_tasks, name="my-tasks"),
    path("tasks/<int:pk>/done/", views.task_done, name="task-done"),
    path("<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("<int:pk>/acknowledge/", views.meeting_acknowledge, name="meeting-acknowledge"),
    path("<int:pk>/members/", views.member_add, name="member-add"),
    path("<int:pk>/agenda/", views.agenda_add, name="agenda-add"),
    path("<int:pk>/close/", views.meeting_close, name="meeting-close"),
    path("<int:pk>/print/agenda/", prints.agenda_print, name="meeting-agenda-print"),
    path("<int:pk>/print/minutes/", prints.minutes_print, name="meeting-minutes-print"),
    path("items/<int:pk>/", views.agenda_item_detail, name="agenda-item-detail"),
    path("items/<int:pk>/minutes/", views.agenda_minutes, name="agenda-minutes"),
    path("items/<int:pk>/decisions/", views.decision_add, name="decision-add"),
    *information.urlpatterns,
    *attachments.urlpatterns,
]
