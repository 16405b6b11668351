from django.apps import AppConfig


class HomeConfig(AppConfig):
    """The home page and the demo set-up: the top layer, free to use every app and imported by none."""

    name = "tsunagu.home"
    label = "home"
    verbose_name = "ホーム"
