from django.urls import path

from . import views

app_name = "timebank"

urlpatterns = [
    path("<buurt:slug>/tijdbank/", views.home, name="home"),
    path("<buurt:slug>/tijdbank/geven/", views.give, name="give"),
    path("<buurt:slug>/tijdbank/geven/bevestigen/", views.give_confirmed, name="give_confirmed"),
    path("<buurt:slug>/tijdbank/doneren/", views.donate, name="donate"),
    path("<buurt:slug>/tijdbank/beheer/", views.manage, name="manage"),
    path("<buurt:slug>/tijdbank/toekennen/", views.grant, name="grant"),
    path(
        "<buurt:slug>/tijdbank/toekennen/bevestigen/",
        views.grant_confirmed,
        name="grant_confirmed",
    ),
    path(
        "<buurt:slug>/tijdbank/overboekingen/<int:transfer_id>/terugdraaien/",
        views.reverse_transfer,
        name="reverse",
    ),
    path("<buurt:slug>/tijdbank/export.<str:fmt>", views.export, name="export"),
    path("<buurt:slug>/tijdbank/mijn.<str:fmt>", views.my_export, name="my_export"),
    path("<buurt:slug>/tijdbank/importeren/", views.import_start, name="import"),
    path(
        "<buurt:slug>/tijdbank/importeren/<int:job_id>/",
        views.import_preview,
        name="import_preview",
    ),
]
