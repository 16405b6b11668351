"""Which state of a match may follow which (the one place): 提案 → 見学・体験 → 参加中 → 定着, one step at a
time, a trial may be skipped (the person joins straight away), and 終了 from any open state with a reason.
An ended match does not change. Each state's date is kept on the match (``DATE_FIELD``)."""

from __future__ import annotations

from tsunagu.participation.models import MatchState

ORDER = (MatchState.PROPOSED, MatchState.TRIAL, MatchState.PARTICIPATING, MatchState.SETTLED)
NEXT: dict[str, tuple[MatchState, ...]] = {
    MatchState.PROPOSED: (MatchState.TRIAL, MatchState.PARTICIPATING, MatchState.ENDED),
    MatchState.TRIAL: (MatchState.PARTICIPATING, MatchState.ENDED),
    MatchState.PARTICIPATING: (MatchState.SETTLED, MatchState.ENDED),
    MatchState.SETTLED: (MatchState.ENDED,),
    MatchState.ENDED: (),
}
DATE_FIELD = {
    MatchState.TRIAL: "trial_on", MatchState.PARTICIPATING: "started_on", MatchState.SETTLED: "settled_on",
    MatchState.ENDED: "ended_on",
}  # fmt: skip
# The states in which the person takes one of the resource's places.
HOLDING = (MatchState.TRIAL, MatchState.PARTICIPATING, MatchState.SETTLED)


def targets(state: str) -> tuple[MatchState, ...]:
    return NEXT.get(state, ())
