from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class ParticipationConfig(AppConfig):
    name = "tsunagu.participation"
    label = "participation"
    verbose_name = gettext_lazy("参加支援事業")

    def ready(self) -> None:
        from tsunagu.participation import plan_links, records
        from tsunagu.support_plans import application_links
        from tsunagu.support_plans.models import Application

        records.register()
        application_links.register(Application.PARTICIPATION, plan_links.links)
