from django.urls import path

from . import views

app_name = "places"

urlpatterns = [
    path("<buurt:slug>/kaart/", views.asset_map, name="map"),
    path("<buurt:slug>/plekken/nieuw/", views.place_edit, name="create"),
    path("<buurt:slug>/plekken/<int:place_id>/", views.place_detail, name="detail"),
    path("<buurt:slug>/plekken/<int:place_id>/bewerken/", views.place_edit, name="edit"),
]
