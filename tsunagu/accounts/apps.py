from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class AccountsConfig(AppConfig):
    """Staff accounts and their security: signing in and out, two factors, sessions, administration.

    The models it works on (User, Membership, Organization …) stay in core, which every app imports;
    this app writes the audit entries about them, which core, below audit, cannot.
    """

    name = "tsunagu.accounts"
    label = "accounts"
    verbose_name = gettext_lazy("利用者アカウントとセキュリティ")
