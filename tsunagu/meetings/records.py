"""The meetings' pages and API endpoints in the generated access matrix.

Agenda items are not a registered record kind (``models.AgendaItem``): the meeting's own rule (``law``:
members, acknowledged where required) is narrower than the one rule for case records. Every route is
``needs="holder"``: the matrix's example meeting (``tests/examples.py``) is convened by the arrangement's
holding agency with its staff as the members, so its staff — and nobody else — get in.
"""

from __future__ import annotations

from tsunagu.records.registry import ListRoute, Route, register_routes


def register() -> None:
    register_routes(
        Route("meetings:meeting-detail", "meeting", needs="holder"),
        Route("meetings:meeting-acknowledge", "meeting", needs="holder", method="POST"),
        Route("meetings:member-add", "meeting", needs="holder", method="POST"),
        Route("meetings:agenda-add", "meeting", needs="holder", method="POST"),
        Route("meetings:meeting-close", "meeting", needs="holder", method="POST"),
        Route("meetings:meeting-agenda-print", "meeting", needs="holder"),
        Route("meetings:meeting-minutes-print", "meeting", needs="holder"),
        Route("meetings:agenda-item-detail", "agenda_item", needs="holder"),
        Route("meetings:agenda-minutes", "agenda_item", needs="holder", method="POST"),
        Route("meetings:decision-add", "agenda_item", needs="holder", method="POST"),
        Route("meetings:task-done", "meeting_task", needs="holder", method="POST"),
        # 資料: the example is a PNG on the example item, uploaded by the holder (tests/test_attachments.py
        # has the other sides: before acknowledgement, the coordinator, after the follow-up closes).
        Route("meetings:meeting-attachment-add", "meeting", needs="holder", method="POST"),
        Route("meetings:item-attachment-add", "agenda_item", needs="holder", method="POST"),
        Route("meetings:attachment-download", "meeting_attachment", needs="holder"),
        # A second file for the removal: the holder takes it off, the colleague then gets the refusal (400).
        Route("meetings:attachment-remove", "meeting_attachment_spare", needs="holder", method="POST"),
        ListRoute("meetings:meeting-list"),
        ListRoute("meetings:my-tasks"),
        ListRoute("meetings:calendar"),
        Route("api:meeting-detail", "meeting", needs="holder"),
        Route("api:meeting-acknowledgements", "meeting", needs="holder", method="POST"),
        Route("api:meeting-agenda", "meeting", needs="holder", method="POST"),
        Route("api:agenda-item-detail", "agenda_item", needs="holder"),
        Route("api:agenda-item-decisions", "agenda_item", needs="holder", method="POST"),
        Route("api:meeting-task-done", "meeting_task", needs="holder", method="POST"),
        Route("api:meeting-members", "meeting", needs="holder", method="POST"),
        Route("api:meeting-close", "meeting", needs="holder", method="POST"),
        Route("api:meeting-attachments", "meeting", needs="holder"),
        Route("api:agenda-item-minutes", "agenda_item", needs="holder"),
        Route("api:agenda-item-attachments", "agenda_item", needs="holder"),
        ListRoute("api:meeting-list"),
        ListRoute("api:meeting-task-list"),
        # 資料・情報の提供の求め: the example asks the holding agency itself, so its staff are both the members
        # and the asked organisation; the other sides are tests/test_information.py.
        Route("meetings:information-request-create", "agenda_item", needs="holder"),
        Route("meetings:information-request-detail", "information_request", needs="holder"),
        Route("meetings:information-request-answer", "information_request", needs="holder", method="POST"),
        Route("meetings:information-request-withdraw", "information_request", needs="holder", method="POST"),
        ListRoute("meetings:information-requests"),
        Route("api:agenda-item-information-requests", "agenda_item", needs="holder"),
        Route("api:information-request-detail", "information_request", needs="holder"),
        Route("api:information-request-answer", "information_request", needs="holder", method="POST"),
        Route("api:information-request-withdraw", "information_request", needs="holder", method="POST"),
        ListRoute("api:information-request-list"),
    )
