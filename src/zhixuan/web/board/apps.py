from django.apps import AppConfig


class BoardConfig(AppConfig):
    name = "zhixuan.web.board"
    label = "board"
    verbose_name = "公开栏"
