from django.urls import path

from tsunagu.people import access_views as views

app_name = "access"

urlpatterns = [
    path("people/<int:pk>/consents/new/", views.consent_create, name="consent-create"),
    path("consents/<int:pk>/withdraw/", views.consent_withdraw, name="consent-withdraw"),
    path("consents/<int:pk>/document/", views.consent_document, name="consent-document"),
    path("emergency/", views.emergency_access, name="emergency-access"),
    path("emergency/review/", views.emergency_review_list, name="emergency-review-list"),
    path("emergency/review/<int:pk>/", views.emergency_review, name="emergency-review"),
    path("emergency/unreviewed/", views.emergency_unreviewed, name="emergency-unreviewed"),
]
