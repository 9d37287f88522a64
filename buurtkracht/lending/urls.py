from django.urls import path

from . import views

app_name = "lending"

urlpatterns = [
    path("<buurt:slug>/delen/", views.resources, name="resources"),
    path("<buurt:slug>/delen/<int:resource_id>/", views.resource, name="resource"),
    path("<buurt:slug>/reserveringen/", views.bookings, name="bookings"),
    path(
        "<buurt:slug>/reserveringen/<int:booking_id>/ja/",
        views.booking_confirm,
        name="booking_confirm",
    ),
    path(
        "<buurt:slug>/reserveringen/<int:booking_id>/nee/",
        views.booking_decline,
        name="booking_decline",
    ),
    path(
        "<buurt:slug>/reserveringen/<int:booking_id>/annuleren/",
        views.booking_cancel,
        name="booking_cancel",
    ),
    path(
        "<buurt:slug>/reserveringen/<int:booking_id>/terug/",
        views.booking_returned,
        name="booking_returned",
    ),
]
