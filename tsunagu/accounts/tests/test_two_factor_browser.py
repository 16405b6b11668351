"""A caseworker sets up the authenticator app in a real browser; the strict CSP must let the QR code show."""

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tsunagu.accounts.services import municipality_two_factor_require
from tsunagu.conftest import PASSWORD, screenshot
from tsunagu.core.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_caseworker_scans_the_qr_code_and_confirms_a_code(page, personas):
    municipality_two_factor_require(municipality=personas.town, roles=[Role.CASEWORKER], by="test")
    page.goto(page.base_url + "/plan/programs/")
    page.get_by_label("ユーザー名").fill("cw_a")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()

    page.get_by_role("heading", name="二要素認証の設定").wait_for()
    qr = page.get_by_role("img", name="認証アプリに登録するためのQRコード")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    screenshot(page, "two-factor-setup")

    device = TOTPDevice.objects.get(user=personas.caseworker_a, confirmed=False)
    page.get_by_label("確認コード（6桁）").fill("000000")
    page.get_by_role("button", name="設定を完了する").click()
    page.get_by_text("確認コードが正しくありません").wait_for()

    page.wait_for_timeout(1100)  # django-otp's one-second wait after a wrong code
    page.get_by_label("確認コード（6桁）").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="設定を完了する").click()
    page.wait_for_url(re.compile("/plan/programs/$"))
    page.get_by_role("heading", name=re.compile("事業一覧")).wait_for()
