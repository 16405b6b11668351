from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class CoreConfig(AppConfig):
    name = "tsunagu.core"
    label = "core"
    verbose_name = gettext_lazy("基盤（自治体・機関・利用者）")

    def ready(self) -> None:
        import tsunagu.core.checks  # noqa: F401  (registers the deployment checks)
        from tsunagu.core import lookups

        lookups.register()  # ``pk__in`` with an id no column holds matches nothing (not a 500)
