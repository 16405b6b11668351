from django.urls import path

from tsunagu.meetings import api, api_writes
from tsunagu.meetings.information import api as information

urlpatterns = [
    path("meetings/types/", api.MeetingTypeListApi.as_view(), name="meeting-type-list"),
    path("meetings/", api.MeetingListApi.as_view(), name="meeting-list"),
    path("meetings/tasks/", api.TaskListApi.as_view(), name="meeting-task-list"),
    path("meetings/tasks/<int:pk>/done/", api.TaskDoneApi.as_view(), name="meeting-task-done"),
    path("meetings/<int:pk>/", api.MeetingDetailApi.as_view(), name="meeting-detail"),
    path(
        "meetings/<int:pk>/acknowledgements/", api.MeetingAcknowledgementApi.as_view(), name="meeting-acknowledgements"
    ),
    path("meetings/<int:pk>/agenda/", api.MeetingAgendaApi.as_view(), name="meeting-agenda"),
    path("meetings/items/<int:pk>/", api.AgendaItemDetailApi.as_view(), name="agenda-item-detail"),
    path("meetings/items/<int:pk>/decisions/", api.AgendaItemDecisionsApi.as_view(), name="agenda-item-decisions"),
    path("meetings/<int:pk>/members/", api_writes.MeetingMembersApi.as_view(), name="meeting-members"),
    path("meetings/<int:pk>/close/", api_writes.MeetingCloseApi.as_view(), name="meeting-close"),
    path("meetings/<int:pk>/attachments/", api_writes.MeetingAttachmentsApi.as_view(), name="meeting-attachments"),
    path("meetings/items/<int:pk>/minutes/", api_writes.AgendaItemMinutesApi.as_view(), name="agenda-item-minutes"),
    path(
        "meetings/items/<int:pk>/attachments/",
        api_writes.AgendaItemAttachmentsApi.as_view(),
        name="agenda-item-attachments",
    ),
    *(path(route, view.as_view(), name=name) for route, view, name in information.API_URLS),
]
