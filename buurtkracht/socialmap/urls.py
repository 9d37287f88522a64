from django.urls import path

from . import api, views

app_name = "socialmap"

urlpatterns = [
    path("<buurt:slug>/waar-kan-ik-terecht/", views.where_to_go, name="where_to_go"),
    path("<buurt:slug>/sociale-kaart/<int:service_id>/", views.service_detail, name="service"),
    path("<buurt:slug>/sociale-kaart/nieuw/", views.service_new, name="service_new"),
    path("<buurt:slug>/sociale-kaart/te-controleren/", views.to_check, name="to_check"),
    path("<buurt:slug>/sociale-kaart/importeren/", views.hsds_upload, name="import"),
    path(
        "<buurt:slug>/sociale-kaart/<int:service_id>/bewerken/",
        views.service_edit,
        name="service_edit",
    ),
    path(
        "<buurt:slug>/sociale-kaart/<int:service_id>/klopt/",
        views.service_checked,
        name="service_checked",
    ),
    path(
        "<buurt:slug>/sociale-kaart/<int:service_id>/correctie/",
        views.correction_suggest,
        name="correction_suggest",
    ),
    path(
        "<buurt:slug>/sociale-kaart/<int:service_id>/correctie/<int:correction_id>/klaar/",
        views.correction_handled,
        name="correction_handled",
    ),
    # HSDS 3.1 read API (the paths of HSDS's OpenAPI, under the neighbourhood).
    path("<buurt:slug>/hsds/services", api.services, name="api_services"),
    path("<buurt:slug>/hsds/services/<str:hsds_id>", api.service, name="api_service"),
    path("<buurt:slug>/hsds/organizations", api.organizations, name="api_organizations"),
    path(
        "<buurt:slug>/hsds/organizations/<str:hsds_id>", api.organization, name="api_organization"
    ),
]
