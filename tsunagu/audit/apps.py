from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class AuditConfig(AppConfig):
    name = "tsunagu.audit"
    label = "audit"
    verbose_name = gettext_lazy("監査ログ")

    def ready(self) -> None:
        from tsunagu.audit import keys  # noqa: F401  (registers the key's system check)
