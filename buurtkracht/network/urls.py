from django.urls import path

from . import views

app_name = "network"

urlpatterns = [
    path("<buurt:slug>/netwerk/", views.overview, name="overview"),
    path("<buurt:slug>/netwerk/mijn-buren/", views.mine, name="mine"),
    path("<buurt:slug>/netwerk/mijn-buren/ik-ken/", views.know, name="know"),
    path(
        "<buurt:slug>/netwerk/mijn-buren/ik-ken/<int:acquaintance_id>/antwoord/",
        views.know_answer,
        name="know_answer",
    ),
    path(
        "<buurt:slug>/netwerk/mijn-buren/groepen/<int:group_id>/verlaten/",
        views.group_leave,
        name="group_leave",
    ),
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
    path(
        "<buurt:slug>/netwerk/groepen/<int:group_id>/naam/", views.group_rename, name="group_rename"
    ),
    path(
        "<buurt:slug>/netwerk/groepen/<int:group_id>/toevoegen/", views.group_add, name="group_add"
    ),
    path(
        "<buurt:slug>/netwerk/groepen/<int:group_id>/weghalen/",
        views.group_remove,
        name="group_remove",
    ),
    path(
        "<buurt:slug>/netwerk/groepen/<int:group_id>/opheffen/",
        views.group_delete,
        name="group_delete",
    ),
]
