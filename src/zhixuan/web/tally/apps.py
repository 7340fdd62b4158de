from django.apps import AppConfig


class TallyConfig(AppConfig):
    name = "zhixuan.web.tally"
    label = "tally"
    verbose_name = "计票"
