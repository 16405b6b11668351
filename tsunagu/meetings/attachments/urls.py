"""URL lines of a meeting's 資料, included in ``meetings.urls`` (namespace ``meetings``)."""

from django.urls import path

from tsunagu.meetings.attachments import views

urlpatterns = [
    path("<int:pk>/attachments/", views.meeting_attachment_add, name="meeting-attachment-add"),
    path("items/<int:pk>/attachments/", views.item_attachment_add, name="item-attachment-add"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment-download"),
    path("attachments/<int:pk>/remove/", views.attachment_remove, name="attachment-remove"),
]
