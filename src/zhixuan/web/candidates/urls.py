from django.urls import URLPattern, URLResolver

app_name = "candidates"
urlpatterns: list[URLPattern | URLResolver] = []
