from django.apps import AppConfig


class RosterConfig(AppConfig):
    name = "zhixuan.web.roster"
    label = "roster"
    verbose_name = "名册"
