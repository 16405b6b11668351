from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "tsunagu.meetings"
    label = "meetings"
    verbose_name = "支援会議・重層的支援会議"

    def ready(self) -> None:
        from tsunagu.meetings import law, records

        records.register()
        law.connect()
