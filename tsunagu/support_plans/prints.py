"""PDF prints of a plan version and of an evaluation: fetched through the access core as the pages are (404
outside it) and audited as an export, not as one more read."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from tsunagu.access.policy import casework_user
from tsunagu.audit.models import Action
from tsunagu.people.timeline_views import pdf_response
from tsunagu.printing.language import official_print
from tsunagu.support_plans import selectors
from tsunagu.support_plans.printing import evaluation_pdf, plan_pdf


@require_GET
@official_print
def plan_print(request: HttpRequest, pk: int) -> HttpResponse:
    user = casework_user(request)
    plan = selectors.plan_get_for_user(user=user, pk=pk, request=request, action=Action.EXPORT,
                                       summary="支援プランを印刷（PDF）").record  # fmt: skip
    return pdf_response(plan_pdf(plan, selectors.parts_of(plan)), f"support-plan-{plan.pk}.pdf")


@require_GET
@official_print
def evaluation_print(request: HttpRequest, pk: int) -> HttpResponse:
    user = casework_user(request)
    evaluation = selectors.evaluation_get_for_user(user=user, pk=pk, request=request, action=Action.EXPORT,
                                                   summary="支援プランの評価シートを印刷（PDF）").record  # fmt: skip
    return pdf_response(evaluation_pdf(evaluation, selectors.parts_of(evaluation.plan)),
                        f"plan-evaluation-{evaluation.pk}.pdf")  # fmt: skip
