from django.urls import path

from . import views

app_name = "support"

urlpatterns = [
    path("<buurt:slug>/vangnet/", views.safety_net_queue, name="queue"),
    path("<buurt:slug>/vangnet/<int:case_id>/", views.safety_net_case, name="case"),
    path("<buurt:slug>/vangnet/<int:case_id>/bericht/", views.case_message, name="case_message"),
    path(
        "<buurt:slug>/vangnet/<int:case_id>/contact-gehad/",
        views.case_contacted,
        name="case_contacted",
    ),
    path("<buurt:slug>/vangnet/<int:case_id>/doorverwezen/", views.case_refer, name="case_refer"),
    path("<buurt:slug>/vangnet/<int:case_id>/afsluiten/", views.case_close, name="case_close"),
    path("<buurt:slug>/vangnet/mijn/<int:case_id>/", views.my_case, name="my_case"),
    path("<buurt:slug>/vangnet/dienst/", views.duty, name="duty"),
    path("<buurt:slug>/beheer/vangnet/", views.safety_net_settings, name="settings"),
    path("<buurt:slug>/gebundeld/", views.bundles, name="bundles"),
    path("<buurt:slug>/gebundeld.csv", views.bundles_csv, name="bundles_csv"),
]
