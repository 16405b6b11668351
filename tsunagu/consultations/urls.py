from django.urls import path

from tsunagu.consultations import print_views, views

app_name = "consultations"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("new/", views.consultation_create, name="consultation-create"),
    path("new/suggestions/", views.suggestions_preview, name="suggestions-preview"),
    path("<int:pk>/", views.consultation_detail, name="consultation-detail"),
    path("<int:pk>/referrals/", views.referral_create, name="referral-create"),
    path("<int:pk>/referrals/organizations/", views.referral_organizations_field, name="referral-organizations"),
    path("<int:pk>/notes/", views.consultation_note_add, name="consultation-note-add"),
    path("<int:pk>/print.pdf", print_views.consultation_print, name="consultation-print"),
    path("referrals/open/", views.referrals_open, name="referrals-open"),
    path("referrals/<int:pk>/", views.referral_detail, name="referral-detail"),
    path("referrals/<int:pk>/respond/", views.referral_respond, name="referral-respond"),
    path("referrals/<int:pk>/notes/", views.referral_note_add, name="referral-note-add"),
    path("people/<int:pk>/notes/", views.person_note_add, name="person-note-add"),
    path("households/<int:pk>/notes/", views.household_note_add, name="household-note-add"),
]
