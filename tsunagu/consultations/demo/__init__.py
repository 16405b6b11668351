"""A year of casework in the demo town: consultations, referrals (つなぎ) and progress records (支援経過).

``manage.py demo_town`` calls ``extend_demo_town`` through the extension hook of
``tsunagu.people.demo.generator`` once the people exist, inside the same transaction. The dependency runs
one way: this package reads people, people never import consultations.

What is made, so that every page has something true-looking to show:

- about 7.5% of the people (1,200 in ``town``) consult one of the plan's agencies in the twelve months
  before the reference date, in business hours: 地域包括 the most, then 福祉あんしん課 (生活困窮),
  子育て応援課, the three disability centres and 社協, each under the programme of the plan it runs
  (``SCENARIOS``). Issues fit the person's age and household (8050, ダブルケア and ヤングケアラー only
  where the household has that shape); 3% are anonymous, 20% are recorded without consent (the minimal
  form), the rest with a consent whose scope covers the receiving agency and where it is likely to refer;
- a quarter are referred to the routing suggestion's organisation (``routing.suggest``), about 5% that
  cross fields go to 多機関協働 / the 支援会議; most referrals are accepted, some declined with a reason,
  a few are still waiting — some past their due date, so that the inboxes show overdue referrals;
- one to six progress records for each named consultation, by the receiving agency and, after an
  accepted referral, by the receiver; a few next steps fall in the week after the reference date.

The records are in the shapes the services give (``consultation_record``, ``consent_record``,
``referral_send``, ``referral_accept``, ``case_note_add``), but written with ``bulk_create`` and one
audit entry for the whole run, as the town itself is: a per-record service call would write thousands
of audit entries and take minutes. The grants go through the access service's bulk variant,
``grants_create_bulk`` (one entry for the consultations' grants, one for the referrals').

Deterministic: every draw comes from the ``rng`` the hook seeds from the run's seed and this app's name,
in an order fixed by the people's insertion order, so the same seed and date give the same year.
Primary keys are never drawn from, so the result does not depend on the database's sequences.

The parts live in modules of their own, each building on the one before: ``scenarios`` (how much, and
whom each agency hears from about what), ``phrases`` (what is said and written), ``drafts`` (the records
before they are written), ``town`` (``Town``: the town read once, the business calendar and the draws),
``intake`` (who consults about what, the routing, the outcome and the consent), ``casework`` (writing
the consultations, consents, grants and referrals), ``progress`` (the progress records) and ``year``,
the entry point: ``extend_demo_town``, which this package exports for the hook.
"""

from tsunagu.consultations.demo.scenarios import SHARE_OF_PEOPLE
from tsunagu.consultations.demo.year import Year, extend_demo_town

__all__ = ["SHARE_OF_PEOPLE", "Year", "extend_demo_town"]
