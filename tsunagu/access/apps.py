from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class AccessConfig(AppConfig):
    name = "tsunagu.access"
    label = "access"
    verbose_name = gettext_lazy("閲覧権限・本人同意")
