from django.urls import path

from . import views

app_name = "gifts"

urlpatterns = [
    path("mijn/meebrengen/", views.my_gifts, name="my_gifts"),
    path("mijn/meebrengen/delen/<int:resource_id>/", views.my_resource, name="my_resource"),
    path("mijn/meebrengen/item/<str:model>/<int:item_id>/", views.my_item, name="my_item"),
    path(
        "mijn/meebrengen/item/<str:model>/<int:item_id>/weghalen/",
        views.my_item_remove,
        name="my_item_remove",
    ),
    path("mijn/meebrengen/<str:step>/", views.my_step, name="my_step"),
    path(
        "<buurt:slug>/begeleid/<int:user_id>/meebrengen/", views.guided_gifts, name="guided_gifts"
    ),
    path(
        "<buurt:slug>/begeleid/<int:user_id>/meebrengen/<str:step>/",
        views.guided_step,
        name="guided_step",
    ),
    path("<buurt:slug>/beheer/woorden/", views.taxonomy_words, name="taxonomy_words"),
]
