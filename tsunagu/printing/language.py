"""Official prints are Japanese, whatever the language of the screen.

The 相談受付・申込票 and the 経過一覧 are the national forms (厚生労働省's 様式) that the person signs and
that a 支援会議 or another agency files: a print is read by people who never saw the screen, so it speaks
the forms' language. A caseworker who reads the pages in English still prints in Japanese. The rule lives
here, once: every print view is decorated with ``official_print``, which renders the whole response —
choice labels, dates, the fixed words of the form — with Japanese active (docs/i18n.md).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import translation

PRINT_LANGUAGE = "ja"


def official_print(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A print view whose PDF is rendered in Japanese; an error page raised from it (404) keeps the reader's
    language, because Django renders it outside the view."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        with translation.override(PRINT_LANGUAGE):
            return view(request, *args, **kwargs)

    return wrapped
