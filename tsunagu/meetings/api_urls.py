from django.urls import path

from tsunagu.meetings import api
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
    *(path(route, view.as_view(), name=name) for route, view, name in information.API_URLS),
]
