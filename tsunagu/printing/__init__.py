"""Printing the national forms as PDF: fonts, page furniture and the ruled form grid.

Paper is still how a consultation travels: the person signs the 申込票 at the counter, and the 経過一覧 is
what a 支援会議 reads from. So the layouts follow the national forms — boxed, ruled, section labels down
the left, ■/□ for the printed ticks (the glyphs survive photocopying and text extraction alike, where a
drawn tick would not be searchable), 和暦 dates and era boxes — so that staff used to the paper form find
each item where they expect it.

- ``fonts``: the BIZ UD faces embedded in every PDF, and the characters they can set;
- ``text``: paragraph styles, printable text, ticks and dates as printed;
- ``furniture``: the document, the footer with 「n / N ページ」 and the handling notice;
- ``grid``: the A4 form grid (section label | item | value | item | value) and its boxed tables;
- ``language``: ``official_print``, the decorator of every print view: prints are Japanese whatever the
  screen language (they are Japanese national forms; docs/i18n.md);
- one module per national form that needs no model: ``timeline`` (経過一覧). Forms of a capability's
  records live in that capability (``consultations/prints.py``: 相談受付・申込票) and use these helpers.

These modules only lay out what the caller hands them: fetching through the access core, the audit
entry and the decision whether a protected (DV) address may be printed are the caller's.
"""
