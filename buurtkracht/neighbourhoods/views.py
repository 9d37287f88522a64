from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from buurtkracht.core import access, paging
from buurtkracht.core.access import Action, requires
from buurtkracht.core.choices import Role
from buurtkracht.core.forms import add_service_errors

from . import selectors, services
from .forms import (
    InvitationForm,
    JoinCodeForm,
    MembershipForm,
    NeighbourhoodCreateForm,
    NeighbourhoodForm,
    OrganisationForm,
)
from .models import Invitation, Membership


@login_not_required
@requires(Action.VIEW)
def home(request, slug):
    neighbourhood = request.neighbourhood
    summary = selectors.neighbourhood_summary(neighbourhood=neighbourhood)
    context = {
        "summary": summary,
        "can_join": access.decide(
            request.user, Action.JOIN, neighbourhood=neighbourhood, membership=request.membership
        ),
    }
    return render(request, "neighbourhoods/home.html", context)


@require_http_methods(["GET", "POST"])
def join(request, slug):
    decision = access.decide(
        request.user,
        Action.JOIN,
        neighbourhood=request.neighbourhood,
        membership=request.membership,
    )
    if request.method == "POST":
        try:
            services.membership_join(user=request.user, neighbourhood=request.neighbourhood)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("neighbourhoods:home", slug=slug)
        messages.success(request, _("Welcome to %(name)s!") % {"name": request.neighbourhood.name})
        return redirect("neighbourhoods:home", slug=slug)
    return render(request, "neighbourhoods/join.html", {"decision": decision})


@login_not_required
@require_http_methods(["GET", "POST"])
def join_with_invitation(request, slug, code):
    """Public, so someone without an account first sees where the link leads."""
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            services.membership_join(
                user=request.user, neighbourhood=request.neighbourhood, invitation_code=code
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return render(
                request,
                "neighbourhoods/invitation.html",
                {"code": code, "refused": True},
                status=400,
            )
        messages.success(request, _("Welcome to %(name)s!") % {"name": request.neighbourhood.name})
        return redirect("neighbourhoods:home", slug=slug)
    return render(request, "neighbourhoods/invitation.html", {"code": code})


@require_http_methods(["GET", "POST"])
def join_by_code(request):
    form = JoinCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_find(form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error)
        else:
            return redirect(
                "neighbourhoods:invitation",
                slug=invitation.neighbourhood.slug,
                code=invitation.code,
            )
    return render(request, "neighbourhoods/join_by_code.html", {"form": form})


@require_http_methods(["GET", "POST"])
@requires(Action.LEAVE)
def leave(request, slug):
    if request.method == "POST":
        try:
            services.membership_leave(user=request.user, neighbourhood=request.neighbourhood)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("neighbourhoods:leave", slug=slug)
        messages.success(
            request, _("You have left %(name)s.") % {"name": request.neighbourhood.name}
        )
        return redirect("people:my_home")
    return render(request, "neighbourhoods/leave.html")


@require_http_methods(["GET", "POST"])
def create(request):
    form = NeighbourhoodCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            neighbourhood = services.neighbourhood_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your neighbourhood is ready. Invite your neighbours."))
            return redirect("neighbourhoods:home", slug=neighbourhood.slug)
    return render(request, "neighbourhoods/create.html", {"form": form})


@require_http_methods(["GET", "POST"])
@requires(Action.CONFIGURE)
def configure(request, slug):
    neighbourhood = request.neighbourhood
    initial = {"modules": neighbourhood.modules}
    form = NeighbourhoodForm(request.POST or None, instance=neighbourhood, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {key: form.cleaned_data[key] for key in NeighbourhoodForm.Meta.fields}
        neighbourhood.refresh_from_db()  # the form changed the instance; the service decides
        try:
            services.neighbourhood_update(actor=request.user, neighbourhood=neighbourhood, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The settings are saved."))
            return redirect("neighbourhoods:configure", slug=slug)
    return render(request, "neighbourhoods/configure.html", {"form": form})


@requires(Action.MANAGE_MEMBERS)
def members(request, slug):
    query = request.GET.get("zoek", "").strip()[:60]
    role = request.GET.get("rol", "")
    page = selectors.members_for_admin(
        neighbourhood=request.neighbourhood,
        viewer=request.user,
        membership=request.membership,
        query=query,
        role=role,
        after=paging.after_in(request),
    )
    # The organisations are read once for all the forms on the page, not once per form.
    organisations = list(MembershipForm.base_fields["organisation"].choices)
    rows = []
    for m in page.rows:
        form = MembershipForm(
            initial={"role": m.role, "organisation": m.organisation_id}, prefix=f"m{m.pk}"
        )
        form.fields["organisation"].choices = organisations
        rows.append((m, form))
    return render(
        request,
        "neighbourhoods/members.html",
        {
            "rows": rows,
            "next_after": page.next_after,
            "query": query,
            "role": role if role in Role.values else "",
            "roles": Role.choices,
        },
    )


def _membership_here(request, membership_id: int) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("neighbourhood"),
        pk=membership_id,
        neighbourhood=request.neighbourhood,
    )


@require_POST
@requires(Action.MANAGE_MEMBERS)
def member_change(request, slug, membership_id: int):
    membership = _membership_here(request, membership_id)
    form = MembershipForm(request.POST, prefix=f"m{membership.pk}")
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("neighbourhoods:members", slug=slug)
    try:
        services.membership_change(
            actor=request.user,
            membership=membership,
            role=form.cleaned_data["role"],
            organisation=form.cleaned_data["organisation"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The role is changed."))
    return redirect("neighbourhoods:members", slug=slug)


@require_POST
@requires(Action.MANAGE_MEMBERS)
def member_remove(request, slug, membership_id: int):
    membership = _membership_here(request, membership_id)
    try:
        services.membership_remove(actor=request.user, membership=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The member was removed from the neighbourhood."))
    return redirect("neighbourhoods:members", slug=slug)


INVITATIONS_PAGE = 30


@require_http_methods(["GET", "POST"])
@requires(Action.MANAGE_INVITATIONS)
def invitations(request, slug):
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                actor=request.user,
                neighbourhood=request.neighbourhood,
                note=form.cleaned_data["note"],
                expires_at=form.cleaned_data["valid_until"],
                max_uses=form.cleaned_data["max_uses"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Invitation %(code)s is ready to share.") % {"code": invitation.code}
            )
            return redirect("neighbourhoods:invitations", slug=slug)
    page = paging.newest(
        selectors.invitations_of(neighbourhood=request.neighbourhood),
        after=paging.after_in(request),
        limit=INVITATIONS_PAGE,
    )
    context = {"form": form, "invitations": page.rows, "next_after": page.next_after}
    return render(request, "neighbourhoods/invitations.html", context)


@require_POST
@requires(Action.MANAGE_INVITATIONS)
def invitation_revoke(request, slug, invitation_id: int):
    invitation = get_object_or_404(
        Invitation, pk=invitation_id, neighbourhood=request.neighbourhood
    )
    services.invitation_revoke(actor=request.user, invitation=invitation)
    messages.success(request, _("The invitation no longer works."))
    return redirect("neighbourhoods:invitations", slug=slug)


@require_http_methods(["GET", "POST"])
@requires(Action.MANAGE_MEMBERS)
def organisations(request, slug):
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_create(
                actor=request.user, neighbourhood=request.neighbourhood, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The organisation is added."))
            return redirect("neighbourhoods:organisations", slug=slug)
    context = {
        "form": form,
        "organisations": selectors.organisations_with_counts(neighbourhood=request.neighbourhood),
    }
    return render(request, "neighbourhoods/organisations.html", context)


@login_not_required
def index(request):
    """The site's front page: the neighbourhoods anyone may see."""
    return render(request, "core/home.html", {"neighbourhoods": selectors.neighbourhoods_public()})
