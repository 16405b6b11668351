from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from tsunagu.accounts import urls as accounts_urls
from tsunagu.accounts.admin import site as admin_site
from tsunagu.collaboration import api_urls as collaboration_api
from tsunagu.community import api_urls as community_api
from tsunagu.consultations import api_urls as consultations_api
from tsunagu.core.views import favicon, healthz
from tsunagu.home import urls as home_urls
from tsunagu.meetings import api_urls as meetings_api
from tsunagu.outreach import api_urls as outreach_api
from tsunagu.participation import api_urls as participation_api
from tsunagu.people import api_urls as people_api
from tsunagu.plans import api_urls as plans_api
from tsunagu.support_plans import api_urls as support_plans_api
from tsunagu.training import api_urls as training_api

# The REST API: each app adds its endpoints in its own api_urls (docs/api.md), all under one namespace.
api_v1 = (
    [
        *people_api.urlpatterns,
        *consultations_api.urlpatterns,
        *collaboration_api.urlpatterns,
        *plans_api.urlpatterns,
        *support_plans_api.urlpatterns,
        *outreach_api.urlpatterns,
        *participation_api.urlpatterns,
        *meetings_api.urlpatterns,
        *community_api.urlpatterns,
        *training_api.urlpatterns,
    ],
    "api",
)
schema_view = login_not_required(SpectacularAPIView.as_view())
docs_view = login_not_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema"))
handler404 = "tsunagu.api.errors.not_found"  # an unknown URL under /api/ answers in the API error shape

# Signing in, the second factor and the password (accounts) and the home page (home) keep the "core"
# namespace their URL names had before they left core: `core:login`, `core:home` … stay as templates,
# the middleware, settings.LOGIN_URL and the tests name them.
core_pages = ([*accounts_urls.urlpatterns, *home_urls.urlpatterns], "core")

urlpatterns = [
    # Pages that do not link an icon (the administration's) still get one, instead of a 404 in the log.
    path("favicon.ico", favicon),
    path("admin/", admin_site.urls),
    path("healthz", healthz, name="healthz"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("plan/", include("tsunagu.plans.urls")),
    path("people/", include("tsunagu.people.urls")),
    path("access/", include("tsunagu.people.access_urls")),
    path("consultations/", include("tsunagu.consultations.urls")),
    path("collaboration/", include("tsunagu.collaboration.urls")),
    path("outreach/", include("tsunagu.outreach.urls")),
    path("participation/", include("tsunagu.participation.urls")),
    path("support-plans/", include("tsunagu.support_plans.urls")),
    path("meetings/", include("tsunagu.meetings.urls")),
    path("community/", include("tsunagu.community.urls")),
    path("training/", include("tsunagu.training.urls")),
    path("audit/", include("tsunagu.audit.urls")),
    path("notices/", include("tsunagu.notifications.urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", schema_view, name="api-schema"),
    path("api/docs/", docs_view, name="api-docs"),
    path("", include(core_pages)),
]
