from django.apps import AppConfig


class NominationConfig(AppConfig):
    name = "zhixuan.web.nomination"
    label = "nomination"
    verbose_name = "报名与提名"
