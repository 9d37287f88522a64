from django.urls import path

from . import views

app_name = "exchange"

urlpatterns = [
    path("<buurt:slug>/vragen/", views.posts, name="posts"),
    path("<buurt:slug>/vragen/nieuw/", views.post_new, name="post_new"),
    path("<buurt:slug>/vragen/<int:post_id>/", views.post_detail, name="post"),
    path("<buurt:slug>/vragen/<int:post_id>/wijzigen/", views.post_edit, name="post_edit"),
    path("<buurt:slug>/vragen/<int:post_id>/sluiten/", views.post_close, name="post_close"),
    path("<buurt:slug>/vragen/<int:post_id>/weer-neerzetten/", views.post_renew, name="post_renew"),
    path(
        "<buurt:slug>/vragen/<int:post_id>/uitnodigen/<int:user_id>/", views.invite, name="invite"
    ),
    path("<buurt:slug>/uitnodigingen/<int:invitation_id>/", views.invitation, name="invitation"),
    path(
        "<buurt:slug>/vragen/<int:post_id>/voorstel/<int:invitation_id>/",
        views.requester_answer,
        name="requester_answer",
    ),
    path("<buurt:slug>/samen/<int:exchange_id>/", views.exchange, name="exchange"),
    path(
        "<buurt:slug>/samen/<int:exchange_id>/bericht/",
        views.exchange_message,
        name="exchange_message",
    ),
    path("<buurt:slug>/samen/<int:exchange_id>/tijd/", views.exchange_time, name="exchange_time"),
    path("<buurt:slug>/samen/<int:exchange_id>/klaar/", views.exchange_done, name="exchange_done"),
    path(
        "<buurt:slug>/samen/<int:exchange_id>/bedanken/",
        views.exchange_thanks,
        name="exchange_thanks",
    ),
    path(
        "<buurt:slug>/samen/<int:exchange_id>/uren/voorstellen/",
        views.exchange_hours_propose,
        name="exchange_hours_propose",
    ),
    path(
        "<buurt:slug>/samen/<int:exchange_id>/uren/bevestigen/",
        views.exchange_hours_confirm,
        name="exchange_hours_confirm",
    ),
]
