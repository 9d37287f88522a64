from django.urls import path

from . import views

app_name = "neighbourhoods"

urlpatterns = [
    path("", views.index, name="index"),
    path("meedoen/", views.join_by_code, name="join_by_code"),
    path("buurt-starten/", views.create, name="create"),
    path("<buurt:slug>/", views.home, name="home"),
    path("<buurt:slug>/meedoen/", views.join, name="join"),
    path("<buurt:slug>/uitnodiging/<str:code>/", views.join_with_invitation, name="invitation"),
    path("<buurt:slug>/verlaten/", views.leave, name="leave"),
    path("<buurt:slug>/beheer/", views.configure, name="configure"),
    path("<buurt:slug>/beheer/leden/", views.members, name="members"),
    path(
        "<buurt:slug>/beheer/leden/<int:membership_id>/", views.member_change, name="member_change"
    ),
    path(
        "<buurt:slug>/beheer/leden/<int:membership_id>/verwijderen/",
        views.member_remove,
        name="member_remove",
    ),
    path("<buurt:slug>/beheer/organisaties/", views.organisations, name="organisations"),
    path("<buurt:slug>/beheer/uitnodigingen/", views.invitations, name="invitations"),
    path(
        "<buurt:slug>/beheer/uitnodigingen/<int:invitation_id>/intrekken/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
]
