from django.urls import path

from tsunagu.people import history_views, timeline_views, views

app_name = "people"

urlpatterns = [
    path("", views.person_search, name="person-search"),
    path("new/", views.person_register, name="person-register"),
    path("<int:pk>/", views.person_detail, name="person-detail"),
    path("<int:pk>/edit/", views.person_edit, name="person-edit"),
    path("<int:pk>/names/", views.person_name_add, name="person-name-add"),
    path("<int:pk>/address-viewers/", views.person_address_viewer_add, name="person-address-viewer-add"),
    path("<int:pk>/address-viewers/revoke/", views.person_address_viewer_revoke, name="person-address-viewer-revoke"),
    path("<int:pk>/household/new/", views.household_create, name="household-create"),
    path("<int:pk>/merge/", views.person_merge, name="person-merge"),
    path("<int:pk>/timeline/", timeline_views.person_timeline, name="person-timeline"),
    path("<int:pk>/timeline.pdf", timeline_views.person_timeline_print, name="person-timeline-print"),
    path("<int:pk>/history/", history_views.person_history, name="person-history"),
    path("merges/<int:pk>/undo/", views.person_unmerge, name="person-unmerge"),
    path("households/<int:pk>/", views.household_detail, name="household-detail"),
    path("households/<int:pk>/members/", views.household_member_add, name="household-member-add"),
    path("households/<int:pk>/timeline/", timeline_views.household_timeline, name="household-timeline"),
    path("households/<int:pk>/timeline.pdf", timeline_views.household_timeline_print, name="household-timeline-print"),
]
