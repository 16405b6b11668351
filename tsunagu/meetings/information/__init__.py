"""資料・情報の提供の求め (社会福祉法第106条の6第2項; issue 13 item 5): a meeting asks an organisation for
information about an agenda item, and the organisation answers. The rule is ``meetings.law``; the writes are
``services``, the reads ``selectors``, then the pages and the API. See docs/meetings.md."""
