"""After a yes: how two people reach each other.

Everyone can always write on the platform (the thread of an exchange or an
introduction). Besides that each person chooses one route in their profile
(`Profile.contact_route`): their phone, their e-mail, or — for guided accounts without
either — their buurtwerker, who is told about each message so they can pass it on.
Contact details are shown only to people in contact (`core.access.can_reach`).
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from buurtkracht.core import access

from .models import ContactRoute, Profile

_PHONE = re.compile(r"^\+?[0-9]{9,15}$")


def normalise_phone(raw: str) -> str:
    """'06 - 1234 5678' → '0612345678'; '+31 6 …' keeps its plus. Empty stays empty."""
    value = re.sub(r"[\s\-().]", "", raw or "")
    if value and not _PHONE.match(value):
        raise ValidationError(
            _("Enter a phone number with digits only, for example 06 12345678."),
            code="phone_invalid",
        )
    return value


@dataclass
class ContactCard:
    """What `viewer` may use to reach `other`: the route they chose and its detail."""

    name: str
    route: str
    phone: str = ""
    email: str = ""
    via_name: str = ""
    """The buurtwerker who passes messages on (route BUURTWERKER)."""

    @property
    def route_label(self) -> str:
        return str(ContactRoute(self.route).label)


def buurtwerker_of(user):
    """The professional who registered a guided account and still may help (None when
    there is none: then messages on the platform are the route)."""
    guidance = getattr(user, "guidance", None)
    helper = guidance.registered_by if guidance else None
    return helper if helper is not None and helper.is_active else None


def route_of(profile: Profile) -> str:
    """The route that works: a chosen phone or e-mail without a number or address, or a
    buurtwerker who is gone, falls back to messages here."""
    route = profile.contact_route
    if route == ContactRoute.PHONE and not profile.phone:
        return ContactRoute.MESSAGES
    if route == ContactRoute.EMAIL and not profile.user.email:
        return ContactRoute.MESSAGES
    if route == ContactRoute.BUURTWERKER and buurtwerker_of(profile.user) is None:
        return ContactRoute.MESSAGES
    return route


def card(*, viewer, other) -> ContactCard | None:
    """How `viewer` reaches `other`, or None when they are not in contact (no yes yet)."""
    if not access.can_reach(viewer, other_id=other.pk):
        return None
    return consented_card(other)


def consented_card(other) -> ContactCard:
    """How to reach `other`, for a reader the person allowed some other way: the
    professional handling their safety-net case (consent `safety_net`, checked by
    support.access before this is called)."""
    profile = Profile.objects.select_related("user__guidance__registered_by__profile").get(
        user=other
    )
    route = route_of(profile)
    found = ContactCard(name=profile.display_name, route=route)
    if route == ContactRoute.PHONE:
        found.phone = profile.phone
    elif route == ContactRoute.EMAIL:
        found.email = other.email
    elif route == ContactRoute.BUURTWERKER:
        found.via_name = buurtwerker_of(profile.user).name
    return found


def route_for(user) -> str:
    """The route that works for `user` (messages here when they have no profile)."""
    profile = Profile.objects.select_related("user").filter(user=user).first()
    return route_of(profile) if profile else ContactRoute.MESSAGES


def pass_on(*, recipient, author, text: str, url: str, neighbourhood) -> None:
    """Tell `recipient` that `author` wrote to them (the words stay in the thread); when
    they chose to be reached through their buurtwerker, tell the buurtwerker too, with the
    words, to pass on."""
    from buurtkracht.notifications.models import Kind
    from buurtkracht.notifications.services import notify

    params = {"name": author.name, "text": text[:200], "resident": recipient.name}
    notify(  # without the words: they stay in the thread, not in mails and lists
        user=recipient,
        kind=Kind.MESSAGE,
        title=_("%(name)s sent you a message"),
        url=url,
        neighbourhood=neighbourhood,
        params=params,
    )
    if route_for(recipient) != ContactRoute.BUURTWERKER:
        return
    notify(
        user=buurtwerker_of(recipient),
        kind=Kind.MESSAGE,
        title=_("Please pass on a message to %(resident)s"),
        body=_(
            "%(resident)s chose to get messages through you. %(name)s wrote: “%(text)s”. "
            "Please tell %(resident)s. They answer on the website, or you help them with it."
        ),
        neighbourhood=neighbourhood,
        params=params,
    )
