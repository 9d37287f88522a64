"""The site's URLs plus the collected static files (STATIC_ROOT) at /collected-static/, for
a browser test that serves hashed names as production does (tests/browser/test_map.py).

The live server answers /static/ itself from the finders, which know no hashed names; this
prefix is outside it, and the files come from STATIC_ROOT as collectstatic wrote them."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.urls import re_path
from django.views.static import serve

from buurtkracht.urls import handler400, handler403, handler404, handler500, urlpatterns

PREFIX = "/collected-static/"


@login_not_required
def collected(request, path):
    return serve(request, path, document_root=settings.STATIC_ROOT)


urlpatterns = [re_path(rf"^{PREFIX.strip('/')}/(?P<path>.+)$", collected), *urlpatterns]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
