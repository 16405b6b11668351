from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "tsunagu.access"
    label = "access"
    verbose_name = "閲覧権限・本人同意"
