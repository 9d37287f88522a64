"""The peer of the load benchmark: a bare Django view ("ok"), no database, no templates,
served the same way as Buurtkracht (gunicorn, the same number of sync workers), so the
ratio shows what the app adds to Django and gunicorn themselves.

    gunicorn --chdir benchmarks bare_site:application --workers 2 --bind 127.0.0.1:PORT
"""

import django
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY="bare-benchmark-peer-not-secret",  # noqa: S106
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[
        "django.middleware.security.SecurityMiddleware",
        "django.middleware.common.CommonMiddleware",
    ],
)
django.setup()


def bare(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("", bare)]
application = get_wsgi_application()
