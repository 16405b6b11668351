"""The door to scanned consent forms: who may open one (``access.policy.consent_document_grounds``, and
never where the person's location is hidden from the reader), the file itself, and the audited read.

A consent is the access core's record, but the form is read as a page about the person: the person is
fetched through ``people.selectors`` first, so a stranger, an auditor or an administrator gets 404 as for
the person, and the access core stays free of the people app.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO

from django.http import Http404, HttpRequest

from tsunagu.access.disclosure import disclosure_audit
from tsunagu.access.models import Consent
from tsunagu.access.policy import consent_document_grounds
from tsunagu.access.selectors import consent_in_municipality, consents_of_person
from tsunagu.core import scans
from tsunagu.core.models import User
from tsunagu.people.selectors import PersonView, person_check_for_user


@dataclass(frozen=True)
class ConsentDocument:
    consent: Consent
    file: IO[bytes]
    scan_type: scans.ScanType

    @property
    def filename(self) -> str:
        # Never the uploaded name: it may carry the person's name. The consent's id says what it is.
        return f"consent-{self.consent.pk}{self.scan_type.extension}"


def _may_open(view: PersonView, consent: Consent) -> bool:
    # A signed form usually carries the address: where the reader may not see the location, not the form.
    return consent_document_grounds(view.decision, consent) is not None and not view.location_hidden


def readable_consent_documents(*, view: PersonView, consents: Iterable[Consent]) -> set[int]:
    """The ids of the consents whose scanned form the user may open (the person's page links those only)."""
    return {c.pk for c in consents if c.document and _may_open(view, c)}


def consent_document_get_for_user(*, user: User, pk: int, request: HttpRequest | None = None) -> ConsentDocument:
    """A consent's scanned form, opened for reading; 404 unless the user may see the person and open the form
    (``consent_document_grounds``; not where the person's location is hidden from them), and 404 when there is
    no form or it is not a file this system accepts. Writes the read entry, with its grounds, before returning."""
    consent = consent_in_municipality(user=user, pk=pk)
    view = person_check_for_user(user=user, pk=consent.person_id)
    consent = consents_of_person(person_id=view.person.pk).get(pk=pk)
    grounds = consent_document_grounds(view.decision, consent)
    if grounds is None or view.location_hidden or not consent.document:
        raise Http404
    opened = scans.open_stored(consent.document, what=f"consent {pk}")
    if opened is None:
        raise Http404
    file, scan_type = opened
    disclosure_audit(
        user=user, grounds=grounds, obj=consent, person_id=view.person.pk, summary="同意書（スキャン）を閲覧",
        request=request,
    )  # fmt: skip
    return ConsentDocument(consent=consent, file=file, scan_type=scan_type)
