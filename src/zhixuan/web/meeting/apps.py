from django.apps import AppConfig


class MeetingConfig(AppConfig):
    name = "zhixuan.web.meeting"
    label = "meeting"
    verbose_name = "党员大会"
