"""Japanese punctuation around values, in the reader's language. Load with ``{% load wording %}``.

    {{ value|paren }}          （値） in Japanese, " (value)" in English
    {{ values|listed }}        A、B、C — A, B, C
    {{ values|dotted }}        A・B — A, B
    {{ age|years_old }}        80歳 — 80 years
    {{ date_text|born }}       令和7年4月1日生 — born 1 April 2025 (R7)

A template writes （{{ x }}） or joins with 、 only where the page is Japanese-only; in a page that is
translated, these keep the English reading free of full-width brackets and Japanese commas.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext, pgettext

register = template.Library()


@register.filter
def paren(value: object) -> SafeString | str:
    if value in (None, ""):
        return ""
    return format_html(gettext("（{text}）"), text=value)


@register.filter
def listed(values: Iterable[object] | None) -> SafeString:
    return format_html_join(pgettext("list separator", "、"), "{}", ((v,) for v in values or ()))


@register.filter
def dotted(values: Iterable[object] | None) -> SafeString:
    return format_html_join(gettext("・"), "{}", ((v,) for v in values or ()))


@register.filter
def years_old(value: object) -> str:
    return "" if value in (None, "") else gettext("%(age)s歳") % {"age": value}


@register.filter
def born(value: object) -> str:
    return "" if value in (None, "") else gettext("%(date)s生") % {"date": value}
