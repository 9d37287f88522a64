"""Writes for neighbourhoods, memberships and invitations. Each runs in a transaction and
logs what it did; a refused change raises ValidationError with a Dutch message."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buurtkracht.core.choices import Role
from buurtkracht.core.codes import new_code, normalise
from buurtkracht.core.logging import log_action

from . import signals
from .models import (
    OFFERED_MODULES,
    Invitation,
    JoinPolicy,
    Membership,
    Neighbourhood,
    Organisation,
)

DEFAULT_MODULES = list(OFFERED_MODULES)


def _modules_after(*, chosen: list[str], current: list[str]) -> list[str]:
    """The modules after a choice: only offered ones can be switched on or off; one not
    offered yet stays as it was stored (decision 0043)."""
    offered = set(OFFERED_MODULES)
    kept = [m for m in current if m not in offered]
    return list(dict.fromkeys([*(m for m in chosen if m in offered), *kept]))


def neighbourhood_create(
    *,
    actor,
    name: str,
    slug: str,
    municipality: str,
    cbs_code: str = "",
    join_policy: str = JoinPolicy.OPEN,
    modules: list[str] | None = None,
    description: str = "",
) -> Neighbourhood:
    """Start a neighbourhood; the person who starts it becomes its first administrator."""
    with transaction.atomic():
        neighbourhood = Neighbourhood(
            name=name,
            slug=slug,
            municipality=municipality,
            cbs_code=cbs_code,
            join_policy=join_policy,
            modules=_modules_after(
                chosen=DEFAULT_MODULES if modules is None else modules, current=[]
            ),
            description=description,
        )
        neighbourhood.full_clean()
        neighbourhood.save()
        membership = Membership.objects.create(
            user=actor, neighbourhood=neighbourhood, role=Role.ADMIN
        )
        signals.member_joined.send(sender=Membership, membership=membership)
        log_action(actor=actor, action="neighbourhood.created", neighbourhood=neighbourhood)
    return neighbourhood


def neighbourhood_update(*, actor, neighbourhood: Neighbourhood, **fields) -> Neighbourhood:
    allowed = {"name", "municipality", "cbs_code", "join_policy", "modules", "description"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if "modules" in fields:
        fields["modules"] = _modules_after(chosen=fields["modules"], current=neighbourhood.modules)
    with transaction.atomic():
        changed = {k: v for k, v in fields.items() if getattr(neighbourhood, k) != v}
        for key, value in changed.items():
            setattr(neighbourhood, key, value)
        neighbourhood.full_clean()
        neighbourhood.save()
        log_action(
            actor=actor,
            action="neighbourhood.updated",
            neighbourhood=neighbourhood,
            data={"changed": sorted(changed)},
        )
    return neighbourhood


def _usable_invitation(neighbourhood: Neighbourhood, code: str) -> Invitation:
    invitation = Invitation.objects.filter(
        neighbourhood=neighbourhood, code=normalise(code)
    ).first()
    if invitation is None:
        raise ValidationError(
            _("This invitation code is not known. Check the code and try again."), code="unknown"
        )
    if invitation.revoked_at is not None:
        raise ValidationError(
            _("This invitation was withdrawn. Ask for a new one."), code="revoked"
        )
    if invitation.expires_at is not None and invitation.expires_at <= timezone.now():
        raise ValidationError(_("This invitation has expired. Ask for a new one."), code="expired")
    return invitation


def membership_join(*, user, neighbourhood: Neighbourhood, invitation_code: str = "") -> Membership:
    """Join an open neighbourhood, or any neighbourhood with a valid invitation code."""
    with transaction.atomic():
        if Membership.objects.filter(user=user, neighbourhood=neighbourhood).exists():
            raise ValidationError(
                _("You are already a member of this neighbourhood."), code="already_member"
            )
        invitation = None
        if invitation_code:
            invitation = _usable_invitation(neighbourhood, invitation_code)
            # The database counts the use, so two people cannot both take the last place.
            taken = Invitation.objects.filter(
                Q(max_uses__isnull=True) | Q(uses__lt=F("max_uses")), pk=invitation.pk
            ).update(uses=F("uses") + 1)
            if not taken:
                raise ValidationError(
                    _("This invitation has been used up. Ask for a new one."), code="used_up"
                )
        elif neighbourhood.join_policy != JoinPolicy.OPEN:
            raise ValidationError(
                _("You can only join this neighbourhood with an invitation link or code."),
                code="invite_only",
            )
        try:
            with transaction.atomic():
                membership = Membership.objects.create(user=user, neighbourhood=neighbourhood)
        except IntegrityError:
            raise ValidationError(
                _("You are already a member of this neighbourhood."), code="already_member"
            ) from None
        signals.member_joined.send(sender=Membership, membership=membership)
        log_action(
            actor=user,
            action="membership.joined",
            neighbourhood=neighbourhood,
            obj=membership,
            data={"invitation": invitation.pk if invitation else None},
        )
    return membership


def invitation_find(code: str) -> Invitation:
    """The neighbourhood behind a code typed on the general join page."""
    invitation = (
        Invitation.objects.select_related("neighbourhood").filter(code=normalise(code)).first()
    )
    if invitation is None:
        raise ValidationError(
            _("This invitation code is not known. Check the code and try again."), code="unknown"
        )
    return invitation


def _lock_admins(neighbourhood: Neighbourhood) -> int:
    """Lock the neighbourhood row (PostgreSQL) and count its administrators, so two
    administrators cannot demote each other at the same moment."""
    Neighbourhood.objects.select_for_update().filter(pk=neighbourhood.pk).first()
    return Membership.objects.filter(neighbourhood=neighbourhood, role=Role.ADMIN).count()


LAST_ADMIN = gettext_lazy(
    "A neighbourhood needs at least one administrator. Make someone else administrator first."
)


def acting_membership(actor, neighbourhood, membership: Membership | None) -> Membership:
    """The membership `actor` acts for in `neighbourhood`, as the caller has it (a view's
    `request.membership`; scripts and tests pass theirs): services never look it up again.
    None is a Dutch ValidationError ("join first"); someone else's membership, or one of
    another neighbourhood, is a programming error (ValueError)."""
    if membership is None:
        raise ValidationError(
            _("You are not a member of this neighbourhood. Join it first."), code="not_member"
        )
    if membership.user_id != actor.pk or membership.neighbourhood_id != neighbourhood.pk:
        raise ValueError("the membership of someone else, or of another neighbourhood")
    return membership


def membership_leave(*, user, neighbourhood: Neighbourhood) -> None:
    with transaction.atomic():
        membership = Membership.objects.filter(user=user, neighbourhood=neighbourhood).first()
        if membership is None:
            raise ValidationError(
                _("You are not a member of this neighbourhood."), code="not_member"
            )
        if membership.role == Role.ADMIN and _lock_admins(neighbourhood) <= 1:
            raise ValidationError(str(LAST_ADMIN), code="last_admin")
        membership.delete()
        signals.member_left.send(
            sender=Membership, actor=user, user=user, neighbourhood=neighbourhood
        )
        log_action(actor=user, action="membership.left", neighbourhood=neighbourhood)


def membership_change(
    *, actor, membership: Membership, role: str, organisation: Organisation | None
) -> Membership:
    with transaction.atomic():
        if role == Role.PROFESSIONAL and organisation is None:
            raise ValidationError(
                {
                    "organisation": ValidationError(
                        _("A professional belongs to an organisation. Choose one."),
                        code="no_organisation",
                    )
                }
            )
        if (
            membership.role == Role.ADMIN
            and role != Role.ADMIN
            and _lock_admins(membership.neighbourhood) <= 1
        ):
            raise ValidationError({"role": ValidationError(str(LAST_ADMIN), code="last_admin")})
        old_role = membership.role
        membership.role = role
        membership.organisation = organisation
        membership.save(update_fields=["role", "organisation"])
        log_action(
            actor=actor,
            action="membership.changed",
            neighbourhood=membership.neighbourhood,
            obj=membership,
            data={"from": old_role, "to": role},
        )
    return membership


def membership_remove(*, actor, membership: Membership) -> None:
    with transaction.atomic():
        if membership.role == Role.ADMIN and _lock_admins(membership.neighbourhood) <= 1:
            raise ValidationError(str(LAST_ADMIN), code="last_admin")
        log_action(
            actor=actor,
            action="membership.removed",
            neighbourhood=membership.neighbourhood,
            data={"user": membership.user_id},
        )
        membership.delete()
        signals.member_left.send(
            sender=Membership,
            actor=actor,
            user=membership.user,
            neighbourhood=membership.neighbourhood,
        )


def organisation_create(
    *, actor, neighbourhood: Neighbourhood, name: str, sector: str, website: str = ""
) -> Organisation:
    """Add an organisation so professionals of it can be given their role."""
    with transaction.atomic():
        if Organisation.objects.filter(name__iexact=name.strip()).exists():
            raise ValidationError(
                {
                    "name": ValidationError(
                        _("An organisation with this name already exists."), code="exists"
                    )
                }
            )
        organisation = Organisation(name=name.strip(), sector=sector, website=website)
        organisation.full_clean()
        organisation.save()
        log_action(
            actor=actor,
            action="organisation.created",
            neighbourhood=neighbourhood,
            obj=organisation,
        )
    return organisation


def invitation_create(
    *,
    actor,
    neighbourhood: Neighbourhood,
    note: str = "",
    expires_at: datetime | None = None,
    max_uses: int | None = None,
) -> Invitation:
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError(
            {"expires_at": ValidationError(_("Choose a date in the future."), code="past")}
        )
    with transaction.atomic():
        invitation = Invitation.objects.create(
            neighbourhood=neighbourhood,
            code=new_code(8),
            note=note,
            created_by=actor,
            expires_at=expires_at,
            max_uses=max_uses,
        )
        log_action(
            actor=actor, action="invitation.created", neighbourhood=neighbourhood, obj=invitation
        )
    return invitation


def invitation_revoke(*, actor, invitation: Invitation) -> Invitation:
    with transaction.atomic():
        if invitation.revoked_at is None:
            invitation.revoked_at = timezone.now()
            invitation.save(update_fields=["revoked_at"])
            log_action(
                actor=actor,
                action="invitation.revoked",
                neighbourhood=invitation.neighbourhood,
                obj=invitation,
            )
    return invitation
