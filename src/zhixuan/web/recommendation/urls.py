from django.urls import URLPattern, URLResolver

app_name = "recommendation"
urlpatterns: list[URLPattern | URLResolver] = []
