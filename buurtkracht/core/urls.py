from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("taal/", views.set_language, name="set_language"),
    path("privacy/", views.privacy, name="privacy"),
]
