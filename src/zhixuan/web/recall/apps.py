from django.apps import AppConfig


class RecallConfig(AppConfig):
    name = "zhixuan.web.recall"
    label = "recall"
