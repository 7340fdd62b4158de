from django.urls import URLPattern, URLResolver

app_name = "tally"
urlpatterns: list[URLPattern | URLResolver] = []
