from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("mijn/", views.my_home, name="my_home"),
    path("mijn/profiel/", views.my_profile, name="my_profile"),
    path("mijn/foto/", views.my_photo, name="my_photo"),
    path("mijn/toestemmingen/", views.my_consents, name="my_consents"),
    path("mijn/toestemmingen/wijzigen/", views.my_consent_change, name="my_consent_change"),
    path("mijn/inzage/", views.my_access_log, name="my_access_log"),
    path("<buurt:slug>/mensen/", views.directory, name="directory"),
    path("<buurt:slug>/mensen/<int:user_id>/", views.person, name="person"),
    path("<buurt:slug>/mensen/<int:user_id>/foto/", views.person_photo, name="person_photo"),
]
