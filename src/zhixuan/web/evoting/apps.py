from django.apps import AppConfig


class EvotingConfig(AppConfig):
    name = "zhixuan.web.evoting"
    label = "evoting"
    verbose_name = "电子投票"
