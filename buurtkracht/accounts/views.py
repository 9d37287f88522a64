import time

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from buurtkracht.core import access, paging
from buurtkracht.core.access import Action
from buurtkracht.core.codes import group
from buurtkracht.core.qr import qr_svg
from buurtkracht.core.ratelimit import client_ip, hit

from . import selectors as account_selectors
from . import services
from .forms import CodeLoginForm, GuidedAccountForm, SetSecretForm
from .models import GuidedAccount

CARD_SESSION_KEY = "buurtkracht.card"
CARD_SHOW_SECONDS = 3600


@login_not_required
@require_http_methods(["GET", "POST"])
def code_login(request):
    """Log in once with the code from a printed card; GET never uses the code up, so a QR
    scanner or link preview cannot spend it."""
    form = CodeLoginForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    if request.method == "POST" and form.is_valid():
        if not hit(f"code-login:{client_ip(request)}", limit=10, seconds=300):
            form.add_error("code", _("Too many tries. Wait five minutes and try again."))
        else:
            try:
                user = services.login_code_redeem(code=form.cleaned_data["code"])
                if is_mfa_enabled(user):
                    raise ValidationError(
                        _(
                            "A card code does not work for this account. "
                            "Log in with your password and the code from your app."
                        )
                    )
            except ValidationError as error:
                form.add_error("code", error)
            else:
                login(request, user, backend="buurtkracht.accounts.backends.ModelBackend")
                return redirect("accounts:set_secret")
    return render(request, "accounts/code_login.html", {"form": form})


@require_http_methods(["GET", "POST"])
def set_secret(request):
    form = SetSecretForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        is_pin = data["kind"] == SetSecretForm.KIND_PIN
        services.secret_set(
            user=request.user,
            pin=data["pin"] if is_pin else "",
            password="" if is_pin else data["password"],
            current=data.get("current", ""),
        )
        # Changing the password ends other sessions, not this one.
        update_session_auth_hash(request, request.user)
        messages.success(
            request,
            _(
                "Done. From now on you log in with your login name %(name)s "
                "and your new PIN or password."
            )
            % {"name": request.user.username},
        )
        return redirect("people:my_home")
    return render(request, "accounts/set_secret.html", {"form": form})


def guided_list(request, slug):
    access.require(request, Action.REGISTER_GUIDED)
    query = request.GET.get("zoek", "").strip()[:60]
    page = account_selectors.guided_accounts(
        neighbourhood=request.neighbourhood,
        viewer=request.user,
        membership=request.membership,
        query=query,
        after=paging.after_in(request),
    )
    return render(
        request,
        "accounts/guided_list.html",
        {"guided": page.rows, "next_after": page.next_after, "query": query},
    )


@require_http_methods(["GET", "POST"])
def guided_new(request, slug):
    access.require(request, Action.REGISTER_GUIDED)
    form = GuidedAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = services.guided_account_register(
            actor=request.user,
            membership=request.membership,
            display_name=data["display_name"],
            postcode=data["postcode"],
            languages=data["languages"],
            accessibility_needs=data["accessibility_needs"],
            phone=data["phone"],
            consent_scopes=data["consent_scopes"],
            consent_method=data["consent_method"],
        )
        messages.success(request, _("The account is ready. Print the login card now."))
        return _issue_card_and_redirect(request, slug, user)
    return render(request, "accounts/guided_new.html", {"form": form})


def _guided_or_404(request, user_id: int) -> GuidedAccount:
    guidance = account_selectors.guided_account(
        neighbourhood=request.neighbourhood, user_id=user_id
    )
    if guidance is None:
        raise Http404
    return guidance


def _issue_card_and_redirect(request, slug, user):
    issued = services.login_code_issue(
        actor=request.user, user=user, neighbourhood=request.neighbourhood
    )
    request.session[CARD_SESSION_KEY] = {
        "user": user.pk,
        "code": issued.code,
        "expires": issued.login_code.expires_at.isoformat(),
        "at": time.time(),
    }
    return redirect("accounts:guided_card", slug=slug, user_id=user.pk)


@require_http_methods(["GET", "POST"])
def guided_card(request, slug, user_id: int):
    """A one-page login card. POST makes a new code (earlier ones stop working); the code is
    shown for an hour in this browser session only, since only its digest is stored."""
    access.require(request, Action.GUIDED_CARD)
    guidance = _guided_or_404(request, user_id)
    if request.method == "POST":
        return _issue_card_and_redirect(request, slug, guidance.user)
    card = request.session.get(CARD_SESSION_KEY)
    fresh = (
        card and card["user"] == guidance.user_id and time.time() - card["at"] < CARD_SHOW_SECONDS
    )
    context = {
        "guidance": guidance,
        "resident": guidance.user,
        **account_selectors.card_helper(guidance=guidance, viewer=request.user),
    }
    if fresh:
        url = (
            settings.SITE_URL
            + reverse("accounts:code_login")
            + "?"
            + urlencode({"code": card["code"]})
        )
        context.update(
            code=group(card["code"]),
            expires=parse_datetime(card["expires"]),
            qr_svg=qr_svg(url),
            login_url=settings.SITE_URL + reverse("account_login"),
            code_url=settings.SITE_URL + reverse("accounts:code_login"),
        )
    access.note_reads(
        viewer=request.user,
        membership=request.membership,
        subject_ids=[guidance.user_id],
        what="login_card",
    )
    return render(request, "accounts/guided_card.html", context)
