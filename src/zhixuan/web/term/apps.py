from django.apps import AppConfig


class TermConfig(AppConfig):
    name = "zhixuan.web.term"
    label = "term"
    verbose_name = "任期承诺与年度测评"
