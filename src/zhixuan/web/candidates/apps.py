from django.apps import AppConfig


class CandidatesConfig(AppConfig):
    name = "zhixuan.web.candidates"
    label = "candidates"
    verbose_name = "候选人"
