from django.urls import include, path

# Everything under /<buurt:slug>/ belongs to one neighbourhood (the tenant); the
# NeighbourhoodMiddleware turns the slug into request.neighbourhood and request.membership.
urlpatterns = [
    path("", include("buurtkracht.core.urls")),
    path("account/", include("allauth.urls")),
    path("", include("buurtkracht.accounts.urls")),
    path("", include("buurtkracht.people.urls")),
    path("", include("buurtkracht.privacy.urls")),
    path("", include("buurtkracht.gifts.urls")),
    path("", include("buurtkracht.places.urls")),
    path("", include("buurtkracht.lending.urls")),
    path("", include("buurtkracht.inventory.urls")),
    path("", include("buurtkracht.exchange.urls")),
    path("", include("buurtkracht.timebank.urls")),
    path("", include("buurtkracht.initiatives.urls")),
    path("", include("buurtkracht.network.urls")),
    path("", include("buurtkracht.support.urls")),
    path("", include("buurtkracht.notifications.urls")),
    path("", include("buurtkracht.wijkinfo.urls")),
    path("", include("buurtkracht.socialmap.urls")),
    path("", include("buurtkracht.dialogue.urls")),
    path("", include("buurtkracht.jobs.urls")),
    path("", include("buurtkracht.neighbourhoods.urls")),
]

handler400 = "buurtkracht.core.views.error_400"
handler403 = "buurtkracht.core.views.error_403"
handler404 = "buurtkracht.core.views.error_404"
handler500 = "buurtkracht.core.views.error_500"
