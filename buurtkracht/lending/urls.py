from django.urls import path

from . import views

app_name = "lending"

urlpatterns = [
    path("<buurt:slug>/delen/", views.resources, name="resources"),
    path("<buurt:slug>/delen/<int:resource_id>/", views.resource, name="resource"),
    path("<buurt:slug>/reserveringen/", views.bookings, name="bookings"),
    path(
        "<buurt:slug>/reserveringen/<int:booking_id>/<str:action>/",
        views.booking_action,
        name="booking_action",
    ),
]
