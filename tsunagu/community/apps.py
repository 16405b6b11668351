from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class CommunityConfig(AppConfig):
    name = "tsunagu.community"
    label = "community"
    verbose_name = gettext_lazy("地域づくり事業")

    def ready(self) -> None:
        from tsunagu.audit.services import register_master_data
        from tsunagu.community import records

        records.register()
        # Lists that name no person: their changes keep their values in the log.
        register_master_data("community.platformsector", "community.partner", "community.place")
