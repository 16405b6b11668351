"""変更履歴 of a person: the values of each change to their record and to the case records about them.

The audit log names only the fields that changed; the values are read here, by staff with a reading
basis on the person (``tsunagu.records.history``), with the fields the people selectors hide from this
user — a protected (DV) location, the 配慮事項 that give its reason — shown as 「（非表示）」.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tsunagu.core.models import User
from tsunagu.people import selectors
from tsunagu.records.history import change_history_for_user

# The fields that locate a person (as ``PersonView.location_hidden`` hides them on the person page).
LOCATION_FIELDS = ("postal_code", "address", "district")


def hidden_fields(view: selectors.PersonView) -> tuple[str, ...]:
    """What this user is not shown of the person, in their history as on their page."""
    hidden = LOCATION_FIELDS if view.location_hidden else ()
    return hidden if view.care_notes_visible else (*hidden, "care_notes")


@require_GET
def person_history(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    # 404 for anyone without a reading basis on the person (an auditor or administrator has none).
    view = selectors.person_check_for_user(user=user, pk=pk)
    merged = [m.merged_id for m in selectors.merges_into_person(person=view.person)]
    rows = change_history_for_user(
        user=user, person_id=pk, also_person_ids=merged, hidden_fields=hidden_fields(view), request=request
    )
    return render(request, "people/person_history.html", {"person": view.person, "rows": rows})
