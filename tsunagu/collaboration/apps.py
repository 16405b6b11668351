from django.apps import AppConfig


class CollaborationConfig(AppConfig):
    name = "tsunagu.collaboration"
    label = "collaboration"
    verbose_name = "多機関協働（ケース・アセスメント）"

    def ready(self) -> None:
        from tsunagu.audit.services import register_master_data
        from tsunagu.collaboration import records

        records.register()
        # The 終結理由 list is an administrator's, with no person in it: the log keeps its changed values.
        register_master_data("collaboration.closurereason")
