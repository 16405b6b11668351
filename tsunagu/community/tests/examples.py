"""How to make a known person's participation in a state of the generated access matrix
(``tsunagu.records.tests.matrix``): the arrangement's holder runs the care-prevention programme, opens a
place, records a session and links the arrangement's person to it."""

from __future__ import annotations

from datetime import date

from tsunagu.access.services import acting_organization
from tsunagu.community import services
from tsunagu.community.tests.factories import place, runs_program, session


def community_participation(arrangement) -> int:
    if "community_participation" not in arrangement.made:
        holder = arrangement.holder
        runs_program(acting_organization(holder))
        at = place(holder, name=f"matrix-salon-{arrangement.state}-{holder.municipality_id}")
        held = session(holder, at, date(2025, 6, 4), 12)
        record = services.participation_link(user=holder, session=held, person=arrangement.person)
        arrangement.made["community_participation"] = record.pk
    return arrangement.made["community_participation"]


EXAMPLES = {"community_participation": community_participation}
