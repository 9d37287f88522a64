from django.urls import path

from . import views

app_name = "socialmap"

urlpatterns = [
    path("<buurt:slug>/waar-kan-ik-terecht/", views.where_to_go, name="where_to_go"),
    path("<buurt:slug>/sociale-kaart/<int:service_id>/", views.service_detail, name="service"),
]
