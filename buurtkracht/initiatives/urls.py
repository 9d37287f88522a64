from django.urls import path

from . import views

app_name = "initiatives"

urlpatterns = [
    path("<buurt:slug>/initiatieven/", views.initiatives, name="list"),
    path("<buurt:slug>/initiatieven/nieuw/", views.initiative_new, name="new"),
    path(
        "<buurt:slug>/initiatieven/<int:initiative_id>/",
        views.initiative_detail,
        name="detail",
    ),
    path(
        "<buurt:slug>/initiatieven/<int:initiative_id>/agenda.ics",
        views.calendar_initiative,
        name="calendar",
    ),
    path("<buurt:slug>/agenda.ics", views.calendar_neighbourhood, name="calendar_all"),
    path(
        "<buurt:slug>/initiatieven/<int:initiative_id>/foto/",
        views.initiative_photo,
        name="initiative_photo",
    ),
    path(
        "<buurt:slug>/initiatieven/<int:initiative_id>/fotos/<int:update_id>/",
        views.update_photo,
        name="photo",
    ),
    path(
        "<buurt:slug>/initiatieven/<int:initiative_id>/taken/<int:task_id>/wie/",
        views.task_helpers,
        name="task_helpers",
    ),
    path(
        "<buurt:slug>/taak-uitnodigingen/<int:invitation_id>/",
        views.task_invitation,
        name="invitation",
    ),
    path(
        "<buurt:slug>/activiteiten/<int:activity_id>/aanmelden/",
        views.activity_sign_up,
        name="sign_up",
    ),
]
