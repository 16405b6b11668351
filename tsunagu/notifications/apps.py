from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class NotificationsConfig(AppConfig):
    """お知らせ and the schedule of background jobs (django-tasks): below consultations, which notifies
    through it, and above the access core and the case-record mechanism, whose rules decide what a notice shows.
    """

    name = "tsunagu.notifications"
    label = "notifications"
    verbose_name = gettext_lazy("お知らせ")

    def ready(self) -> None:
        # Each app's ``jobs`` module registers its scheduled jobs (tsunagu.notifications.schedule); the
        # scheduler and the worker both need the whole registry, whichever app a job belongs to.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("jobs")
