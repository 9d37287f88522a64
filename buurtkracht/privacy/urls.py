from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("mijn/gegevens/", views.my_data, name="my_data"),
    path("mijn/gegevens/download/", views.my_data_download, name="my_data_download"),
    path("mijn/account-verwijderen/", views.erase, name="erase"),
]
