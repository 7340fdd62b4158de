from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "zhixuan.web.core"
    label = "core"
