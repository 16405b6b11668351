from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class PeopleConfig(AppConfig):
    name = "tsunagu.people"
    label = "people"
    verbose_name = gettext_lazy("本人・世帯")

    def ready(self) -> None:
        from tsunagu.people import records

        records.register()
