from django.urls import URLPattern, URLResolver

app_name = "meeting"
urlpatterns: list[URLPattern | URLResolver] = []
