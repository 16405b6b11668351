from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class ApiConfig(AppConfig):
    name = "tsunagu.api"
    label = "api"
    verbose_name = gettext_lazy("API（共通の仕組み）")

    def ready(self) -> None:
        from tsunagu.api import schema  # noqa: F401  (registers the schema extensions)
