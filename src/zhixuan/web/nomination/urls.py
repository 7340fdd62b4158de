from django.urls import URLPattern, URLResolver

app_name = "nomination"
urlpatterns: list[URLPattern | URLResolver] = []
