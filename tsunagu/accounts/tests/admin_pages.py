"""Posting the administration's change forms back as a browser would, for the tests."""

from __future__ import annotations

from django.forms import CheckboxInput


def form_data(form) -> dict[str, object]:
    """What a browser would post back for ``form`` as the page showed it."""
    data: dict[str, object] = {}
    for bound in form:
        if bound.field.disabled:
            continue
        value = bound.value()
        if isinstance(bound.field.widget, CheckboxInput):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [str(v) for v in value]
        elif value is not None:
            data[bound.html_name] = str(value)
    return data


def page_data(response, *, with_inline_rows: bool = True) -> dict[str, object]:
    """The whole change form as shown: the main form and each inline's existing rows."""
    data = form_data(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        rows = formset.initial_forms if with_inline_rows else []
        data[f"{formset.prefix}-TOTAL_FORMS"] = str(len(rows))
        data[f"{formset.prefix}-INITIAL_FORMS"] = str(len(rows))
        for row in rows:
            data.update(form_data(row))
    return data


def errors(response) -> object:
    """The form errors of a page that did not save, for the assertion message."""
    context = response.context
    if context is None or "adminform" not in context:
        return response.status_code
    return [context["adminform"].form.errors] + [i.formset.errors for i in context["inline_admin_formsets"]]
