from django.urls import path

from . import views

app_name = "inventory"

urlpatterns = [
    path("<buurt:slug>/beheer/import-export/", views.start, name="start"),
    path("<buurt:slug>/beheer/import/", views.upload, name="upload"),
    path("<buurt:slug>/beheer/import/<int:job_id>/kolommen/", views.mapping, name="mapping"),
    path("<buurt:slug>/beheer/import/<int:job_id>/voorbeeld/", views.preview, name="preview"),
    path("<buurt:slug>/beheer/import/<int:job_id>/klaar/", views.result, name="result"),
    path("<buurt:slug>/beheer/export.csv", views.export_csv, name="export_csv"),
    path("<buurt:slug>/beheer/export.xlsx", views.export_xlsx, name="export_xlsx"),
]
