from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "tsunagu.training"
    label = "training"
    verbose_name = "研修"

    def ready(self) -> None:
        from tsunagu.audit.services import register_master_data

        # Sessions name staff and organisations, never a resident: the log keeps the values of a change.
        register_master_data("training.trainingsession", "training.trainingparticipation", "training.trainingmaterial")
