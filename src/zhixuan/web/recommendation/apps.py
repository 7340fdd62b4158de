from django.apps import AppConfig


class RecommendationConfig(AppConfig):
    name = "zhixuan.web.recommendation"
    label = "recommendation"
    verbose_name = "推荐"
