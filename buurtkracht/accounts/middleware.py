from django.shortcuts import redirect
from django.urls import reverse

from .selectors import needs_mfa_setup

# Pages a person can still reach before finishing their account (logging out, language,
# the pages that finish it, static files).
OPEN_PREFIXES = (
    "/static/",
    "/taal/",
    "/account/logout/",
    "/account/2fa/",
    "/account/reauthenticate/",
    "/health/",
)


class AccountGateMiddleware:
    """Finish the account before anything else:
    - a guided account that logged in with a one-time code first sets a PIN or password;
    - professionals, facilitators and admins first switch on two-factor authentication."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not request.path.startswith(OPEN_PREFIXES):
            secret_url = reverse("accounts:set_secret")
            if user.must_set_secret and request.path != secret_url:
                return redirect(secret_url)
            if not user.must_set_secret and needs_mfa_setup(user):
                return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
