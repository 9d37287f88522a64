from django.urls import path

from . import views

app_name = "jobs"

urlpatterns = [
    path("beheer/taken/", views.runs, name="runs"),
    path("health/", views.health, name="health"),
]
