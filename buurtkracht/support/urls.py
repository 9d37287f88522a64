from django.urls import path

from . import views

app_name = "support"

urlpatterns = [
    path("<buurt:slug>/vangnet/", views.safety_net_queue, name="queue"),
    path("<buurt:slug>/vangnet/<int:case_id>/", views.safety_net_case, name="case"),
    path("<buurt:slug>/beheer/vangnet/", views.safety_net_settings, name="settings"),
    path("<buurt:slug>/gebundeld/", views.bundles, name="bundles"),
    path("<buurt:slug>/gebundeld.csv", views.bundles_csv, name="bundles_csv"),
]
