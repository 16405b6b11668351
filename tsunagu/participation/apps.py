from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class ParticipationConfig(AppConfig):
    name = "tsunagu.participation"
    label = "participation"
    verbose_name = gettext_lazy("参加支援事業")

    def ready(self) -> None:
        from tsunagu.participation import records

        records.register()
