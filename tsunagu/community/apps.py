from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class CommunityConfig(AppConfig):
    name = "tsunagu.community"
    label = "community"
    verbose_name = gettext_lazy("地域づくり事業")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from tsunagu.audit.services import register_master_data
        from tsunagu.community import records
        from tsunagu.community.templatetags.community import remember_on_login

        records.register()
        # Lists that name no person: their changes keep their values in the log.
        register_master_data("community.platformsector", "community.partner", "community.place")
        # The menu's 地域づくり link, worked out at sign-in (templatetags/community.py).
        user_logged_in.connect(remember_on_login, dispatch_uid="community_nav")
