from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language_info
from django.views.decorators.http import require_http_methods


@login_not_required
def privacy(request):
    """What Buurtkracht keeps, why, who sees it, for how long, and your rights (rule 14)."""
    return render(request, "core/privacy.html")


def _safe_next(request, next_url: str) -> str:
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        return "/"
    return next_url


@login_not_required
@require_http_methods(["GET", "POST"])
def set_language(request):
    """Choose the language of the site, without an account: GET shows every language in
    its own name, POST remembers the choice in a cookie and, when logged in, on the
    account so e-mails come in the same language."""
    if request.method == "GET":
        languages = [(code, get_language_info(code)) for code, _name in settings.LANGUAGES]
        next_url = _safe_next(request, request.GET.get("next", "/"))
        return render(request, "core/language.html", {"languages": languages, "next": next_url})
    language = request.POST.get("language", "")
    response = HttpResponseRedirect(_safe_next(request, request.POST.get("next", "/")))
    if language in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax"
        )
        if request.user.is_authenticated and request.user.language != language:
            request.user.language = language
            request.user.save(update_fields=["language"])
    return response


def error_400(request, exception=None):
    return render(request, "400.html", status=400)


def error_403(request, exception=None):
    reason = str(exception) if exception and str(exception) else ""
    return render(request, "403.html", {"reason": reason}, status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    return render(request, "500.html", status=500)


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)
