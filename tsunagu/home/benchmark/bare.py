"""The bare view the throughput is compared with: the inbox's first page of consultations, rendered with the
same layout and table, without the access core's checks and without audit entries.

Never routed in production: only ``tsunagu.home.benchmark.urls`` mounts it, and only ``config.settings_bench``
(the gunicorn the bench starts) uses that URLconf.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tsunagu.consultations.models import Consultation
from tsunagu.core.models import Membership
from tsunagu.core.pages import page_of

PAGE_SIZE = 50  # the inbox's


def bare_consultation_list(request: HttpRequest) -> HttpResponse:
    # Ids as values, as the inbox gives them (casework_organization_ids): a subquery hides that there is one
    # organisation, and the database sorts all its consultations instead of reading the index in order.
    organizations = list(
        Membership.objects.filter(user_id=request.user.pk or 0).values_list("organization_id", flat=True)
    )
    rows = (
        # The inbox's own filter, so that both read its index (consultation_inbox).
        Consultation.objects.filter(
            municipality_id=getattr(request.user, "municipality_id", 0), organization_id__in=organizations
        )
        .select_related("organization", "program", "staff", "person", "main_issue")
        .order_by("-received_at", "-id")
    )
    page = page_of(request, rows, PAGE_SIZE)
    return render(request, "home/bench_bare_list.html", {"consultations": page.rows, "page": page})
