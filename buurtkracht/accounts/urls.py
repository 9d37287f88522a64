from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("inloggen/code/", views.code_login, name="code_login"),
    path("mijn/pincode/", views.set_secret, name="set_secret"),
    path("<buurt:slug>/begeleid/", views.guided_list, name="guided_list"),
    path("<buurt:slug>/begeleid/nieuw/", views.guided_new, name="guided_new"),
    path("<buurt:slug>/begeleid/<int:user_id>/kaart/", views.guided_card, name="guided_card"),
]
