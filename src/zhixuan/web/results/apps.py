from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "zhixuan.web.results"
    label = "results"
    verbose_name = "选举结果"
