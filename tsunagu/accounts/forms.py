import re
import unicodedata

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("ユーザー名またはパスワードが正しくありません。大文字と小文字は区別されます。"),
        "inactive": _("このアカウントは利用停止中です。管理者に連絡してください。"),
    }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["username"].label = _("ユーザー名")
        self.fields["password"].label = _("パスワード")
        self.fields["username"].widget = forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"})


class TwoFactorTokenForm(forms.Form):
    """The six-digit code from the authenticator app. Checking it is the service's work, not the form's."""

    token = forms.CharField(
        label=_("確認コード（6桁）"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "one-time-code", "inputmode": "numeric", "size": 8}
        ),
    )

    def clean_token(self) -> str:
        # A Japanese IME may give full-width digits, and apps show the code as "123 456".
        value = "".join(unicodedata.normalize("NFKC", self.cleaned_data["token"]).split())
        if not re.fullmatch(r"[0-9]{6}", value):
            raise forms.ValidationError(_("確認コードは6桁の数字で入力してください。"))
        return value
