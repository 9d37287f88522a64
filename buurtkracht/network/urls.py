from django.urls import path

from . import views

app_name = "network"

urlpatterns = [
    path("<buurt:slug>/netwerk/", views.overview, name="overview"),
    path("<buurt:slug>/netwerk/mijn-buren/", views.mine, name="mine"),
    path("<buurt:slug>/netwerk/kennismaken/voorstellen/", views.propose, name="propose"),
    path(
        "<buurt:slug>/netwerk/kennismaken/<int:introduction_id>/",
        views.introduction,
        name="introduction",
    ),
    path(
        "<buurt:slug>/netwerk/kennismaken/<int:introduction_id>/bericht/",
        views.introduction_message,
        name="introduction_message",
    ),
    path("<buurt:slug>/netwerk/importeren/", views.import_map, name="import"),
    path("<buurt:slug>/netwerk/groepen/", views.groups, name="groups"),
    path("<buurt:slug>/netwerk/groepen/<int:group_id>/", views.group, name="group"),
]
