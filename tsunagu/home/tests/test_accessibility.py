"""Accessibility (issue 11, finding 12): axe-core finds no WCAG 2.2 A/AA violation on the pages a caseworker
and a receiver use, in their ordinary states and with errors shown; the intake form can be filled in and
sent with the keyboard alone, in the order of the form, and every field it focuses has a label."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from tsunagu.conftest import axe_check
from tsunagu.consultations.models import Counterpart, Means
from tsunagu.consultations.services import CaseNoteInput, case_note_add
from tsunagu.consultations.tests.referrals import consent_for_anshin, referral_to_anshin
from tsunagu.people.models import Relationship
from tsunagu.people.tests.helpers import household_of, register
from tsunagu.plans.tests.test_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _mother_and_son(personas):
    """山田トメ (80) and her son 一郎 (53) in one household, registered at 地域包括支援センター; the mother's
    consent names 福祉あんしん課, and a consultation about her was passed there and awaits an answer."""
    cw = personas.caseworker_a
    today = timezone.localdate()
    mother = register(cw, family_name="山田", given_name="トメ", family_name_kana="ヤマダ", given_name_kana="トメ",
                      birth_date=date(today.year - 80, 1, 15))  # fmt: skip
    son = register(cw, family_name="山田", given_name="一郎", family_name_kana="ヤマダ", given_name_kana="イチロウ",
                   birth_date=date(today.year - 53, 4, 2))  # fmt: skip
    household = household_of(cw, (mother, Relationship.HEAD), (son, Relationship.CHILD))
    referral = referral_to_anshin(cw, mother, consent=consent_for_anshin(cw, mother))
    case_note_add(user=cw, person=mother, data=CaseNoteInput(
        occurred_at=timezone.now() - timedelta(minutes=5), means=Means.PHONE, counterpart=Counterpart.PERSON,
        content="電話で近況を確認"))  # fmt: skip
    return mother, household, referral


def _check_all(page, paths: list[tuple[str, str]]) -> list[str]:
    checked = []
    for name, path in paths:
        page.goto(page.base_url + path)
        rules = axe_check(page, f"{name} ({path})")
        checked.append(f"{name}: 0 violations, {rules} rules passed")
    return checked


def test_the_caseworkers_pages_have_no_wcag_violation(page, personas):
    mother, household, referral = _mother_and_son(personas)
    page.goto(page.base_url + "/login/")
    checked = [f"login: 0 violations, {axe_check(page, 'login')} rules passed"]
    sign_in(page, "cw_a")
    page.wait_for_url(page.base_url + "/")
    checked += _check_all(page, [
        ("home", "/"),
        ("inbox", "/consultations/"),
        ("open referrals", "/consultations/referrals/open/"),
        ("intake form", f"/consultations/new/?person={mother.pk}"),
        ("anonymous intake form", "/consultations/new/"),
        ("consultation", f"/consultations/{referral.consultation_id}/"),
        ("referral", f"/consultations/referrals/{referral.pk}/"),
        ("person", f"/people/{mother.pk}/"),
        ("timeline", f"/people/{mother.pk}/timeline/"),
        ("household", f"/people/households/{household.pk}/"),
        ("household timeline", f"/people/households/{household.pk}/timeline/"),
        ("search", "/people/"),
        ("search results", "/people/?name=ヤマダ"),
        ("registration", "/people/new/"),
        ("person edit", f"/people/{mother.pk}/edit/"),
        ("change history", f"/people/{mother.pk}/history/"),
        ("consent form", f"/access/people/{mother.pk}/consents/new/"),
        ("notices", "/notices/"),
        ("emergency access", "/access/emergency/"),
    ])  # fmt: skip
    print("\n".join(checked))


def test_the_receivers_pages_have_no_wcag_violation(page, personas):
    _mother, _household, referral = _mother_and_son(personas)
    sign_in(page, "coord")
    page.wait_for_url(page.base_url + "/")
    checked = _check_all(page, [
        ("home", "/"),
        ("inbox", "/consultations/"),
        ("notices", "/notices/"),
        ("referral to answer", f"/consultations/referrals/{referral.pk}/"),
    ])  # fmt: skip
    page.get_by_role("button", name="受理する").click()
    page.locator("#referral-status").wait_for()
    checked.append(f"referral accepted: 0 violations, {axe_check(page, 'accepted referral')} rules passed")
    checked += _check_all(page, [("plan", "/plan/"), ("catalogue", "/plan/programs/")])
    print("\n".join(checked))


def test_forms_showing_errors_have_no_wcag_violation(page, personas):
    """Errors are announced (role=alert) without breaking the lists that carry them."""
    mother, _household, _referral = _mother_and_son(personas)
    sign_in(page, "cw_a-typo")
    page.locator("[role=alert]").wait_for()
    axe_check(page, "login refused")
    sign_in(page, "cw_a")
    page.wait_for_url(page.base_url + "/")
    for name, path, button in [
        ("intake", f"/consultations/new/?person={mother.pk}", "受け付ける"),
        ("registration", "/people/new/", "登録する"),
        ("consent", f"/access/people/{mother.pk}/consents/new/", "記録する"),
    ]:
        page.goto(page.base_url + path)
        form = page.locator("main form").filter(has=page.get_by_role("button", name=re.compile(f"^{button}")))
        # Whatever the form presets (today's date, the taking agency …) is taken away, so it cannot pass.
        for field in form.locator("input:visible, textarea:visible").all():
            if field.get_attribute("type") == "checkbox":
                field.uncheck()
            elif field.get_attribute("type") not in ("radio", "file", "submit", "button"):
                field.fill("")
        form.get_by_role("button", name=re.compile(f"^{button}")).click()
        page.locator("main [role=alert]").first.wait_for()
        axe_check(page, f"{name} with errors")


# --- Keyboard only --------------------------------------------------------------------------------------
# What the element with focus is, read the way a screen reader would name it.
_FOCUSED = """() => {
  const el = document.activeElement;
  const clean = text => (text || '').replace(/[＊\\s]+/g, ' ').trim();
  const labelled = el.getAttribute('aria-labelledby');
  const label = el.labels && el.labels.length ? clean(el.labels[0].innerText)
    : clean(el.getAttribute('aria-label') || (labelled && document.getElementById(labelled)?.innerText));
  const fieldset = el.closest('fieldset.choices');
  return {
    tag: el.tagName.toLowerCase(), type: el.type || '', name: el.name || '', label,
    group: fieldset ? clean(fieldset.querySelector('legend')?.innerText) : '',
    text: clean(el.innerText), checked: !!el.checked,
    selected: el.tagName === 'SELECT' ? clean(el.selectedOptions[0]?.text) : null,
    in_form: !!el.closest('main form'),
    order: Array.prototype.indexOf.call(document.querySelectorAll('*'), el),
  };
}"""


def test_the_intake_form_is_filled_in_and_sent_by_keyboard_alone(page, personas):
    """Tab, arrows, Space and Enter only: the skip link, then each field in the order of the form."""
    mother, _household, _referral = _mother_and_son(personas)
    sign_in(page, "cw_a")
    page.wait_for_url(page.base_url + "/")
    page.goto(page.base_url + f"/consultations/new/?person={mother.pk}")

    # By field name: the option, the radio or the tick box to choose, or the text to type.
    selects = {"program": "地域包括支援センターの運営", "route": "来所", "outcome": "他機関につなぐ"}
    radios = {"consent_variant": "本人同意あり", "main_issue": "ひきこもり・不登校"}
    ticks = {"8050"}
    texts = {"words": "息子が50代で仕事を辞め、家にこもっている。年金だけでは暮らせない。"}

    page.keyboard.press("Tab")
    assert page.evaluate(_FOCUSED)["text"] == "本文へ移動"
    page.keyboard.press("Enter")  # the skip link: the next Tab starts in the main content
    focused_in_form: list[str] = []
    last_order = -1
    for _ in range(200):
        page.keyboard.press("Tab")
        el = page.evaluate(_FOCUSED)
        if not el["in_form"]:
            continue  # a link in the suggestions, between the issues and the next field
        if el["order"] == last_order:
            continue  # the next part (hour, minute) of a time field
        assert el["order"] > last_order, f"focus went back up the form: {focused_in_form[-3:]} → {el}"
        if el["tag"] == "button" and el["type"] == "submit":
            assert el["text"] == "受け付ける"
            break
        if el["tag"] == "button":
            continue  # a date field's calendar: the dates are today's already
        assert el["label"], f"a field without a label: {el}"
        focused_in_form.append(el["label"])
        name = el["name"]
        if el["tag"] == "select" and name in selects:
            for _ in range(40):
                if page.evaluate(_FOCUSED)["selected"] == selects[name]:
                    break
                page.keyboard.press("ArrowDown")
            assert page.evaluate(_FOCUSED)["selected"] == selects.pop(name)
        elif el["type"] == "radio" and name in radios:
            # One stop per group; the arrows move through it and choose.
            for _ in range(40):
                if radios[name] in page.evaluate(_FOCUSED)["label"]:
                    break
                page.keyboard.press("ArrowDown")
            page.keyboard.press("Space")
            now = page.evaluate(_FOCUSED)
            assert now["checked"] and radios.pop(name) in now["label"]
        elif el["type"] == "checkbox" and el["label"] in ticks:
            page.keyboard.press("Space")
            assert page.evaluate(_FOCUSED)["checked"]
            ticks.discard(el["label"])
        elif el["tag"] == "textarea" and name in texts:
            page.keyboard.type(texts.pop(name))
        last_order = page.evaluate(_FOCUSED)["order"]
    else:
        pytest.fail(f"Tab never reached the submit button; fields passed: {focused_in_form}")
    assert not (selects or radios or ticks or texts), f"not reached by Tab: {selects, radios, ticks, texts}"
    # The suggestions came while the form was being filled in; the page is still clean with them shown.
    page.locator("#suggestions [data-program]").first.wait_for()
    axe_check(page, "intake form with suggestions")

    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/consultations/\d+/"))
    main = page.locator("main").inner_text()
    assert "ひきこもり・不登校" in main and "8050" in main
    print(f"keyboard only: {len(focused_in_form)} stops in order: {' → '.join(focused_in_form)}")
