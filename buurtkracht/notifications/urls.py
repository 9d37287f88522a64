from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("mijn/meldingen/", views.notification_list, name="list"),
    path("mijn/meldingen/alles-gelezen/", views.mark_all_read, name="mark_all_read"),
    path("mijn/meldingen/instellingen/", views.preferences, name="preferences"),
    path("mijn/meldingen/<int:notification_id>/", views.open_notification, name="open"),
]
