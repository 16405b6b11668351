from django.urls import path

from tsunagu.people import api

urlpatterns = [
    path("people/", api.PersonListApi.as_view(), name="person-list"),
    path("people/<int:pk>/", api.PersonDetailApi.as_view(), name="person-detail"),
    path("people/<int:pk>/timeline/", api.PersonTimelineApi.as_view(), name="person-timeline"),
    path("people/<int:pk>/consents/", api.PersonConsentsApi.as_view(), name="person-consents"),
    path("consents/<int:pk>/withdraw/", api.ConsentWithdrawApi.as_view(), name="consent-withdraw"),
    path("households/<int:pk>/", api.HouseholdDetailApi.as_view(), name="household-detail"),
    path("residents/import/", api.ResidentImportApi.as_view(), name="residents-import"),
    path("households/<int:pk>/timeline/", api.HouseholdTimelineApi.as_view(), name="household-timeline"),
]
