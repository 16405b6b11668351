"""How to make 参加支援 records in a state of the generated access matrix (``tsunagu.records.tests.matrix``), each
held by the arrangement's holding agency: that agency is made an implementing body of the participation
programme, registers a resource, opens the person's support, proposes the resource, records the visit and a
follow-up with the host."""

from __future__ import annotations

from tsunagu.access.services import acting_organization
from tsunagu.participation import services
from tsunagu.participation.models import FollowUpAbout, MatchState, ParticipationMatch
from tsunagu.participation.tests.factories import advance, follow_up, host, resource, runs_participation, support


def _match(arrangement) -> ParticipationMatch:
    if "participation_match" not in arrangement.made:
        holder = arrangement.holder
        runs_participation(acting_organization(holder))
        place = resource(holder, of=host(holder, "matrix農園"), name="matrix農作業体験")
        opened = support(holder, arrangement.person, household=arrangement.household)
        match = services.match_propose(user=holder, support=opened, resource=place)
        match = advance(holder, match, MatchState.TRIAL)
        arrangement.made["participation_support"] = opened.pk
        arrangement.made["participation_match"] = match.pk
        arrangement.made["participation_follow_up"] = follow_up(
            holder, match, FollowUpAbout.HOST, "受け入れ先と面談"
        ).pk
    return ParticipationMatch.objects.get(pk=arrangement.made["participation_match"])


def participation_support(arrangement) -> int:
    _match(arrangement)
    return arrangement.made["participation_support"]


def participation_match(arrangement) -> int:
    return _match(arrangement).pk


def participation_follow_up(arrangement) -> int:
    _match(arrangement)
    return arrangement.made["participation_follow_up"]


EXAMPLES = {
    "participation_support": participation_support, "participation_match": participation_match,
    "participation_follow_up": participation_follow_up,
}  # fmt: skip
