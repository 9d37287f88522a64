"""make_* helpers: one per model, real services where a service exists."""

import itertools

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value

from buurtkracht.accounts.models import User
from buurtkracht.core.choices import Role, Visibility
from buurtkracht.neighbourhoods.models import JoinPolicy, Membership, Neighbourhood, Organisation
from buurtkracht.people.models import Profile

PASSWORD = "een-lang-wachtwoord-42"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
_seq = itertools.count(1)


def make_neighbourhood(*, slug=None, name=None, join_policy=JoinPolicy.OPEN, **kw) -> Neighbourhood:
    n = next(_seq)
    return Neighbourhood.objects.create(
        name=name or f"Buurt {n}",
        slug=slug or f"buurt-{n}",
        municipality=kw.pop("municipality", "Haarlem"),
        join_policy=join_policy,
        modules=kw.pop("modules", ["gifts", "requests"]),
        **kw,
    )


def make_organisation(*, name=None, sector="welzijn") -> Organisation:
    return Organisation.objects.create(name=name or f"Organisatie {next(_seq)}", sector=sector)


def make_user(
    *, name=None, email=None, with_email=True, visibility=Visibility.NEIGHBOURHOOD, **profile
) -> User:
    n = next(_seq)
    email = email if email is not None else (f"persoon{n}@example.org" if with_email else "")
    user = User.objects.create_user(username=f"persoon{n}", email=email, password=PASSWORD)
    if email:
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    Profile.objects.create(
        user=user,
        display_name=name or f"Persoon {n}",
        display_name_visibility=visibility,
        **profile,
    )
    return user


def make_member(neighbourhood, *, role=Role.RESIDENT, organisation=None, user=None, **user_kw):
    user = user or make_user(**user_kw)
    if role == Role.PROFESSIONAL and organisation is None:
        organisation = make_organisation()
    Membership.objects.create(
        user=user, neighbourhood=neighbourhood, role=role, organisation=organisation
    )
    return user


def enable_totp(user) -> None:
    TOTP.activate(user, TOTP_SECRET)


def current_totp() -> str:
    import time

    return format_hotp_value(hotp_value(TOTP_SECRET, int(time.time()) // 30))


def membership_of(user, neighbourhood) -> Membership | None:
    """`user`'s membership of `neighbourhood`, or None: what a service acting for a member
    takes (a view passes `request.membership`)."""
    return Membership.objects.filter(user=user, neighbourhood=neighbourhood).first()
