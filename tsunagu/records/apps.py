from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class RecordsConfig(AppConfig):
    name = "tsunagu.records"
    label = "records"
    verbose_name = gettext_lazy("記録（共通の仕組み）")

    def ready(self) -> None:
        from tsunagu.audit.services import register_change_history
        from tsunagu.records.history import change_history_write

        # The values of every personal-data change land here, not in the audit log.
        register_change_history(change_history_write)
