from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class ConsultationsConfig(AppConfig):
    name = "tsunagu.consultations"
    label = "consultations"
    verbose_name = gettext_lazy("包括的相談支援（相談受付・つなぎ・支援経過）")

    def ready(self) -> None:
        from tsunagu.audit.services import register_master_data
        from tsunagu.consultations import records

        records.register()
        # Lists an administrator keeps, with no person in them: the log keeps their changed values.
        register_master_data("consultations.routingrule", "consultations.consultationissue")
