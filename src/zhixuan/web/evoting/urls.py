from django.urls import URLPattern, URLResolver

app_name = "evoting"
urlpatterns: list[URLPattern | URLResolver] = []
