from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "tsunagu.records"
    label = "records"
    verbose_name = "記録（共通の仕組み）"
