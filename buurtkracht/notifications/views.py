from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import selectors, services
from .forms import PreferenceForm


@require_GET
def notification_list(request):
    page = Paginator(selectors.notifications_of(viewer=request.user), 30).get_page(
        request.GET.get("pagina")
    )
    context = {"page": page, "unread": selectors.unread_count(request.user)}
    return render(request, "notifications/list.html", context)


@require_POST
def open_notification(request, notification_id):
    notification = selectors.notification_for(viewer=request.user, pk=notification_id)
    services.notification_mark_read(user=request.user, notification=notification)
    url = notification.url
    # Only our own pages: a stored URL must never send someone to another site.
    if url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=None):
        return redirect(url)
    return redirect("notifications:list")


@require_POST
def mark_all_read(request):
    count = services.notifications_mark_all_read(user=request.user)
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:list")


@require_http_methods(["GET", "POST"])
def preferences(request):
    preference = selectors.preference_of(user=request.user)
    form = PreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        services.preference_update(user=request.user, mail_mode=form.cleaned_data["mail_mode"])
        messages.success(request, _("Your choice is saved."))
        return redirect("notifications:preferences")
    context = {
        "form": form,
        "has_email": bool(request.user.email),
        "max_asks_per_month": selectors.max_asks_per_month(user=request.user),
    }
    return render(request, "notifications/preferences.html", context)
