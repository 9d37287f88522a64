from django.urls import path

from . import views

app_name = "wijkinfo"

urlpatterns = [
    path("<buurt:slug>/beheer/buurtcode/", views.find_buurt, name="find_buurt"),
    path("<buurt:slug>/beheer/buurtcode/gebruiken/", views.use_buurt, name="use_buurt"),
    path("<buurt:slug>/wie-nog-niet/", views.not_yet_here, name="not_yet_here"),
]
