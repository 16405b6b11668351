from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "tsunagu.audit"
    label = "audit"
    verbose_name = "監査ログ"

    def ready(self) -> None:
        from tsunagu.audit import keys  # noqa: F401  (registers the key's system check)
