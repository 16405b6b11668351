from django.urls import path

from tsunagu.consultations import api

urlpatterns = [
    path("consultations/", api.ConsultationListApi.as_view(), name="consultation-list"),
    path("consultations/<int:pk>/", api.ConsultationDetailApi.as_view(), name="consultation-detail"),
    path("consultations/<int:pk>/referrals/", api.ReferralSendApi.as_view(), name="consultation-referrals"),
    path("consultations/<int:pk>/notes/", api.ConsultationNotesApi.as_view(), name="consultation-notes"),
    path("referrals/open/", api.OpenReferralListApi.as_view(), name="referrals-open"),
    path("referrals/<int:pk>/", api.ReferralDetailApi.as_view(), name="referral-detail"),
    path("referrals/<int:pk>/accept/", api.ReferralAcceptApi.as_view(), name="referral-accept"),
    path("referrals/<int:pk>/decline/", api.ReferralDeclineApi.as_view(), name="referral-decline"),
    path("people/<int:pk>/notes/", api.PersonNoteAddApi.as_view(), name="person-notes"),
]
