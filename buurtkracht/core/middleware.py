from django.conf import settings
from django.utils import translation

SUPPORTED = {code for code, _ in settings.LANGUAGES}


def language_for(request) -> str:
    """Dutch unless the person chose otherwise: their saved choice, else the cookie.

    The browser's Accept-Language is ignored on purpose (docs/decisions/0004-language.md).
    """
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.language in SUPPORTED:
        return user.language
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if cookie in SUPPORTED:
        return cookie
    return settings.LANGUAGE_CODE


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = language_for(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        try:
            response = self.get_response(request)
        finally:
            # The next request (or a command in the same thread) starts from the default.
            translation.deactivate()
        response.headers.setdefault("Content-Language", language)
        return response
