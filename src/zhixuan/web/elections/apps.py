from django.apps import AppConfig


class ElectionsConfig(AppConfig):
    name = "zhixuan.web.elections"
    label = "elections"
    verbose_name = "选举"
