"""The pages of people, households and the consent register that take an id, registered for the generated
access matrix and the audit walk (``tsunagu.records.registry``)."""

from tsunagu.records.registry import ListRoute, Route, register_routes


def register() -> None:
    register_routes(
        Route("people:person-detail", "person"),
        Route("people:person-edit", "person", needs="edit"),
        Route("people:person-name-add", "person", needs="edit", method="POST"),
        # Any reader gets the page back with a refusal unless they supervise the protecting agency.
        Route("people:person-address-viewer-add", "person", method="POST"),
        Route("people:person-address-viewer-revoke", "person", method="POST"),
        Route("people:household-create", "person", needs="edit"),
        Route("people:person-merge", "person", needs="supervise"),
        Route("people:person-timeline", "person"),
        Route("people:person-timeline-print", "person"),
        Route("people:person-history", "person"),
        Route("people:person-unmerge", "merge", needs="supervise", method="POST"),
        Route("people:household-detail", "household"),
        Route("people:household-member-add", "household", needs="edit", method="POST"),
        Route("people:household-timeline", "household"),
        Route("people:household-timeline-print", "household"),
        Route("access:consent-create", "person", needs="edit"),
        Route("access:consent-withdraw", "consent", needs="edit"),
        # A consent's scanned form: the taker's and named agencies' staff only (access.policy).
        Route("access:consent-document", "consent_document", needs="holder"),
        # A grant's reviewers (tsunagu.access.reviews) read it and decide, whoever the person is.
        Route("access:emergency-review", "emergency_grant", needs="review"),
        Route("api:person-detail", "person"),
        Route("api:person-timeline", "person"),
        Route("api:person-consents", "person"),
        Route("api:consent-withdraw", "consent", needs="edit", method="POST"),
        Route("api:household-detail", "household"),
        Route("api:household-timeline", "household"),
        ListRoute("people:person-search", query={"name": "ことうら"}),
        ListRoute("api:person-list", query={"name": "ことうら"}),
        ListRoute("access:emergency-review-list"),
        ListRoute("access:emergency-unreviewed"),
    )
