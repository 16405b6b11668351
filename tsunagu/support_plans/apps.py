from django.apps import AppConfig


class SupportPlansConfig(AppConfig):
    name = "tsunagu.support_plans"
    label = "support_plans"
    verbose_name = "支援プラン"

    def ready(self) -> None:
        from tsunagu.support_plans import jobs, records, signals  # noqa: F401  (jobs and receivers register)

        records.register()
