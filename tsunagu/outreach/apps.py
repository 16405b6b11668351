from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class OutreachConfig(AppConfig):
    name = "tsunagu.outreach"
    label = "outreach"
    verbose_name = gettext_lazy("アウトリーチ等を通じた継続的支援")

    def ready(self) -> None:
        from tsunagu.outreach import records

        records.register()
