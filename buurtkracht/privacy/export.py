"""Everything the platform keeps about one person (rule 14, AVG inzage): `personal_data`.

One dict, one section per app, each section a dict of parts; a part is one record (a dict)
or a list of records. The JSON download and the readable page (`privacy:my_data`) show
the same dict. Other people appear only by the name they let this person see (else "a
neighbour"), never with anything else of theirs.

`EXPORTED` names every field pointing to the user model that a part reads;
`NOT_EXPORTED` says why the others are left out. tests/test_privacy_export.py fails when a new
field pointing to the user model is in neither.
"""

from __future__ import annotations

import re
from datetime import datetime

from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buurtkracht.core import access
from buurtkracht.core.choices import Visibility
from buurtkracht.people.consents import SCOPES
from buurtkracht.people.models import ACCESSIBILITY_CHOICES, LANGUAGE_CHOICES, PROFILE_FIELDS

EXPORTED = {
    "account.EmailAddress.user",
    "mfa.Authenticator.user",
    "core.ActionLog.actor",
    "accounts.LoginCode.user",
    "accounts.GuidedAccount.user",
    "neighbourhoods.Membership.user",
    "neighbourhoods.Invitation.created_by",
    "people.Profile.user",
    "people.Contact.user_a",
    "people.Contact.user_b",
    "people.Consent.user",
    "people.AccessLog.subject",
    "gifts.TaxonomyItem.created_by",
    "gifts.Gift.owner",
    "gifts.Wish.owner",
    "gifts.Resource.owner",
    "gifts.TimeOffer.owner",
    "gifts.AvailabilitySlot.owner",
    "places.Place.created_by",
    "lending.Booking.borrower",
    "exchange.Post.author",
    "exchange.HelpInvitation.invited_by",
    "exchange.HelpInvitation.invitee",
    "exchange.Exchange.helper",
    "exchange.Exchange.helped",
    "exchange.Message.author",
    "notifications.Notification.user",
    "notifications.NotificationPreference.user",
    "timebank.Account.user",
    "timebank.ExchangeHours.proposed_by",
    "initiatives.Involvement.user",
    "initiatives.Task.carried_by",
    "initiatives.SignUp.user",
    "initiatives.Support.recorded_by",
    "initiatives.Update.author",
    "initiatives.TaskInvitation.invited_by",
    "initiatives.TaskInvitation.invitee",
    "network.Acquaintance.from_user",
    "network.Acquaintance.to_user",
    "network.Introduction.proposed_by",
    "network.Introduction.person_a",
    "network.Introduction.person_b",
    "network.TieImport.imported_by",
    "network.ImportedTie.user_a",
    "network.ImportedTie.user_b",
    "network.WatchGroup.members",
    "network.IntroductionMessage.author",
    "support.SafetyNetMessage.author",
    "support.DutyPause.user",
    "socialmap.Correction.author",
    "dialogue.Dialogue.organiser",
    "dialogue.Participant.user",
    "dialogue.Invited.user",
    "dialogue.HarvestItem.speaker",
    "dialogue.Story.teller",
    "dialogue.Reflection.author",
}

NOT_EXPORTED = {
    # Who made someone else's login card or guided account: that is the other
    # resident's data (their own export shows who registered them).
    "accounts.LoginCode.created_by": "another resident's login card",
    "accounts.GuidedAccount.registered_by": "another resident's guided account",
    # Consents a professional wrote down for another resident: that resident's data.
    "people.Consent.recorded_by": "another resident's consent",
    # Which residents a professional looked at: each of them sees it on their own
    # access-log page; here it would show other people's names.
    "people.AccessLog.viewer": "reads of other people's data",
    # A spreadsheet of places (never residents), deleted a day after the import.
    "inventory.ImportJob.created_by": "a short-lived import of places",
    # Safety-net cases a professional handled are the requesters' data.
    "support.SafetyNetCase.handled_by": "other residents' requests",
    # Another time bank's spreadsheet, full of other people's balances.
    "timebank.LedgerImport.created_by": "other people's balances",
    # Corrections to the social map a professional handled: the suggesters' data.
    "socialmap.Correction.handled_by": "other residents' suggestions",
    # A dialogue's harvest is what others said; whom someone invited are other people.
    "dialogue.Invited.invited_by": "other people invited",
    "dialogue.HarvestItem.created_by": "what others said in a dialogue",
    "dialogue.HarvestItem.consent_recorded_by": "other people's consent",
    "dialogue.Story.written_by": "other people's stories, written down for them",
}

SECTION_TITLES = {
    "accounts": gettext_lazy("Your account"),
    "people": gettext_lazy("Your profile, contacts and permissions"),
    "neighbourhoods": gettext_lazy("Your neighbourhoods"),
    "gifts": gettext_lazy("What you bring"),
    "places": gettext_lazy("Places you added"),
    "lending": gettext_lazy("Borrowing and lending"),
    "exchange": gettext_lazy("Requests, offers and help"),
    "timebank": gettext_lazy("Time bank"),
    "initiatives": gettext_lazy("Initiatives"),
    "network": gettext_lazy("People you know"),
    "notifications": gettext_lazy("Notifications"),
    "support": gettext_lazy("Safety net"),
    "socialmap": gettext_lazy("Social map"),
    "dialogue": gettext_lazy("Neighbourhood dialogues"),
    "core": gettext_lazy("What you did on Buurtkracht"),
}

PART_TITLES = {
    "account": gettext_lazy("Account"),
    "email_addresses": gettext_lazy("E-mail addresses"),
    "two_step_login": gettext_lazy("Two-step login"),
    "login_cards": gettext_lazy("Login cards"),
    "guided_account": gettext_lazy("Guided account"),
    "profile": gettext_lazy("Profile"),
    "contacts": gettext_lazy("People you are in contact with"),
    "consents": gettext_lazy("Permissions"),
    "access_log": gettext_lazy("Who looked at your data"),
    "memberships": gettext_lazy("Memberships and roles"),
    "invitations_made": gettext_lazy("Invitations you made"),
    "gifts": gettext_lazy("Talents and interests"),
    "resources": gettext_lazy("What you share"),
    "wishes": gettext_lazy("Help you would like"),
    "time_offer": gettext_lazy("Your time"),
    "words_added": gettext_lazy("Words you added"),
    "places": gettext_lazy("Places"),
    "bookings": gettext_lazy("Your bookings"),
    "posts": gettext_lazy("Your requests and offers"),
    "invitations_received": gettext_lazy("Invitations you got"),
    "invitations_sent": gettext_lazy("Invitations you sent"),
    "exchanges": gettext_lazy("Exchanges"),
    "messages": gettext_lazy("Messages you wrote"),
    "time_proposals": gettext_lazy("Time you proposed for an exchange"),
    "accounts": gettext_lazy("Your time accounts"),
    "involvements": gettext_lazy("Initiatives you are part of"),
    "tasks": gettext_lazy("Tasks you carry"),
    "sign_ups": gettext_lazy("Activities you signed up for"),
    "task_invitations_received": gettext_lazy("Task invitations you got"),
    "task_invitations_sent": gettext_lazy("Task invitations you sent"),
    "updates": gettext_lazy("News you wrote"),
    "support_recorded": gettext_lazy("Support you recorded"),
    "acquaintances": gettext_lazy("People you said you know"),
    "introductions": gettext_lazy("Introductions"),
    "introductions_proposed": gettext_lazy("Introductions you proposed"),
    "imported_ties": gettext_lazy("Ties from a relationship map"),
    "map_imports": gettext_lazy("Relationship maps you imported"),
    "groups": gettext_lazy("Groups you are in"),
    "notifications": gettext_lazy("Notifications"),
    "preference": gettext_lazy("E-mail about notifications"),
    "cases": gettext_lazy("Your requests in the safety net"),
    "off_duty": gettext_lazy("When you were off safety-net duty"),
    "actions": gettext_lazy("What you did"),
    "corrections": gettext_lazy("Corrections you suggested to the social map"),
    "kept_entries": gettext_lazy("Entries of the social map you keep up to date"),
    "dialogues_planned": gettext_lazy("Dialogues you planned"),
    "dialogues_joined": gettext_lazy("Dialogues you signed up for"),
    "dialogues_invited": gettext_lazy("Dialogues you were invited to"),
    "quotes": gettext_lazy("Your words in a harvest"),
    "stories": gettext_lazy("Your stories"),
    "reflections": gettext_lazy("Your reflections"),
}

A_NEIGHBOUR = gettext_lazy("a neighbour")
ISO_MOMENT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d[+-]\d\d:\d\d$")
"""How `_when` writes a moment in the data; the page shows it as "3 december 2026, 14:05"."""


def _when(value) -> str | None:
    return timezone.localtime(value).isoformat(timespec="minutes") if value else None


def _labels(codes, choices) -> list[str]:
    labels = dict(choices)
    return [str(labels.get(code, code)) for code in codes]


class _Names:
    """Other people's names as this person may see them (their display-name visibility):
    each section says whom it mentions (`want`), and those are asked together, once."""

    def __init__(self, user):
        self.user = user
        self._pending: set[int] = set()
        self._names: dict[int, str] = {}

    def want(self, *ids) -> None:
        self._pending.update(i for i in ids if i is not None and i not in self._names)

    def _resolve(self) -> None:
        from buurtkracht.people.models import Profile

        ids, self._pending = self._pending, set()
        levels = access.levels_of_many(self.user, owner_ids=ids)
        shown = {
            p.user_id: p.display_name
            for p in Profile.objects.filter(user_id__in=ids)
            if p.display_name_visibility in levels.get(p.user_id, ())
        }
        self._names.update({i: shown.get(i, str(A_NEIGHBOUR)) for i in ids})

    def __call__(self, user_id) -> str | None:
        if user_id is None:
            return None
        if user_id not in self._names:
            self.want(user_id)
            self._resolve()
        elif self._pending:
            self._resolve()
        return self._names[user_id]


def _accounts(user) -> dict:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    from buurtkracht.accounts.models import GuidedAccount, LoginCode

    guidance = GuidedAccount.objects.filter(user=user).select_related("neighbourhood").first()
    return {
        "account": {
            "login_name": user.username,
            "email": user.email,
            "language": user.language,
            "guided_account": user.is_guided,
            "joined": _when(user.date_joined),
            "last_login": _when(user.last_login),
        },
        # Never the password hash, the TOTP secret or a login code's digest.
        "email_addresses": [
            {"email": e.email, "verified": e.verified, "primary": e.primary}
            for e in EmailAddress.objects.filter(user=user)
        ],
        "two_step_login": [
            {
                "kind": a.get_type_display(),
                "made": _when(a.created_at),
                "last_used": _when(a.last_used_at),
            }
            for a in Authenticator.objects.filter(user=user)
        ],
        "login_cards": [
            {
                "made": _when(c.created_at),
                "valid_until": _when(c.expires_at),
                "used": _when(c.used_at),
                "stopped": _when(c.revoked_at),
            }
            for c in LoginCode.objects.filter(user=user)
        ],
        "guided_account": (
            {"neighbourhood": guidance.neighbourhood.name, "made": _when(guidance.created_at)}
            if guidance
            else {}
        ),
    }


def _people(user, names: _Names) -> dict:
    from buurtkracht.people.models import AccessLog, Consent, Contact, Profile

    profile = Profile.objects.filter(user=user).first()
    visibility = dict(Visibility.choices)
    part = {}
    if profile is not None:
        part = {
            "name": profile.display_name,
            "postcode": profile.postcode,
            "languages": _labels(profile.languages, LANGUAGE_CHOICES),
            "what_helps_me": _labels(profile.accessibility_needs, ACCESSIBILITY_CHOICES),
            "something_else_that_helps_me": profile.accessibility_note,
            "age_group": profile.get_age_group_display() if profile.age_group else "",
            "phone": profile.phone,
            "how_others_reach_you": profile.get_contact_route_display(),
            "photo": bool(profile.photo),
            "changed": _when(profile.updated_at),
        }
        for field, level_field in PROFILE_FIELDS.items():
            part[f"who_may_see_{field}"] = str(visibility[getattr(profile, level_field)])
    contacts = list(Contact.objects.filter(Q(user_a=user) | Q(user_b=user)))
    names.want(*(c.user_b_id if c.user_a_id == user.pk else c.user_a_id for c in contacts))
    return {
        "profile": part,
        "contacts": [
            {
                "person": names(c.user_b_id if c.user_a_id == user.pk else c.user_a_id),
                "since": _when(c.since),
            }
            for c in contacts
        ],
        "consents": [
            {
                "neighbourhood": c.neighbourhood.name,
                "what": str(SCOPES[c.scope].title) if c.scope in SCOPES else c.scope,
                "given": _when(c.granted_at),
                "withdrawn": _when(c.withdrawn_at),
                "how": c.get_method_display(),
            }
            for c in Consent.objects.filter(user=user).select_related("neighbourhood")
        ],
        "access_log": [
            {
                "when": _when(e.at),
                "who": e.viewer_name,
                "role": e.viewer_role_label,
                "organisation": e.viewer_organisation,
                "neighbourhood": e.neighbourhood.name,
                "what": e.get_what_display(),
            }
            for e in AccessLog.objects.filter(subject=user).select_related("neighbourhood")
        ],
    }


def _neighbourhoods(user) -> dict:
    from buurtkracht.neighbourhoods.models import Invitation, Membership

    return {
        "memberships": [
            {
                "neighbourhood": m.neighbourhood.name,
                "role": m.get_role_display(),
                "organisation": m.organisation.name if m.organisation is not None else "",
                "since": _when(m.joined_at),
            }
            for m in Membership.objects.filter(user=user).select_related(
                "neighbourhood", "organisation"
            )
        ],
        # Not the codes themselves: a working code in a file is a key to the neighbourhood.
        "invitations_made": [
            {
                "neighbourhood": i.neighbourhood.name,
                "note": i.note,
                "made": _when(i.created_at),
                "used": i.uses,
            }
            for i in Invitation.objects.filter(created_by=user).select_related("neighbourhood")
        ],
    }


def _gifts(user) -> dict:
    from buurtkracht.gifts.models import (
        AvailabilitySlot,
        Gift,
        Resource,
        TaxonomyItem,
        TimeOffer,
        Wish,
    )

    def item(obj, **extra):
        return {"what": obj.label, "who_may_see": obj.get_visibility_display(), **extra}

    offer = TimeOffer.objects.filter(owner=user).first()
    return {
        "gifts": [
            item(g, kind=g.get_kind_display())
            for g in Gift.objects.filter(owner=user).select_related("item")
        ],
        "resources": [
            item(
                r,
                kind=r.get_kind_display(),
                description=r.description,
                lendable=r.lendable,
                rules=r.lending_rules,
            )
            for r in Resource.objects.filter(owner=user).select_related("item")
        ],
        "wishes": [item(w) for w in Wish.objects.filter(owner=user).select_related("item")],
        "time_offer": {
            "at_most_asks_a_month": offer.max_asks_per_month if offer else None,
            "who_may_see": offer.get_visibility_display() if offer else None,
            "when": [str(slot) for slot in AvailabilitySlot.objects.filter(owner=user)],
        },
        "words_added": [
            {"word": t.label_nl, "neighbourhood": t.neighbourhood.name if t.neighbourhood else ""}
            for t in TaxonomyItem.objects.filter(created_by=user).select_related("neighbourhood")
        ],
    }


def _places(user) -> dict:
    from buurtkracht.places.models import Place

    return {
        "places": [
            {"name": p.name, "neighbourhood": p.neighbourhood.name}
            for p in Place.objects.filter(created_by=user).select_related("neighbourhood")
        ]
    }


def _lending(user) -> dict:
    from buurtkracht.lending.models import Booking

    return {
        "bookings": [
            {
                "what": b.resource.label,
                "neighbourhood": b.neighbourhood.name,
                "from": _when(b.start_at),
                "until": _when(b.end_at),
                "status": b.get_status_display(),
                "note": b.note,
            }
            for b in Booking.objects.filter(borrower=user).select_related(
                "resource__item", "neighbourhood"
            )
        ]
    }


def _invitations(rows, names: _Names, *, about) -> list[dict]:
    """Invitations to help or to take a task, sent or received: the other person by name."""
    return [
        {
            "from": names(i.invited_by_id),
            "to": names(i.invitee_id),
            "about": about(i),
            "message": i.message,
            "status": i.get_status_display(),
            "made": _when(i.created_at),
        }
        for i in rows
    ]


def _exchange(user, names: _Names) -> dict:
    from buurtkracht.exchange.models import Exchange, HelpInvitation, Message, Post

    received = list(HelpInvitation.objects.filter(invitee=user).select_related("post"))
    sent = list(HelpInvitation.objects.filter(invited_by=user).select_related("post"))
    exchanges = list(
        Exchange.objects.filter(Q(helper=user) | Q(helped=user)).select_related("post")
    )
    names.want(*(i.invited_by_id for i in received), *(i.invitee_id for i in sent))
    names.want(*(e.helped_id if e.helper_id == user.pk else e.helper_id for e in exchanges))
    return {
        "posts": [
            {
                "kind": p.get_kind_display(),
                "text": p.text,
                "status": p.get_status_display(),
                "neighbourhood": p.neighbourhood.name,
                "made": _when(p.created_at),
            }
            for p in Post.objects.filter(author=user).select_related("neighbourhood")
        ],
        "invitations_received": _invitations(received, names, about=lambda i: i.post.text[:80]),
        "invitations_sent": _invitations(sent, names, about=lambda i: i.post.text[:80]),
        "exchanges": [
            {
                "with": names(e.helped_id if e.helper_id == user.pk else e.helper_id),
                "you_helped": e.helper_id == user.pk,
                "about": e.post.text[:80],
                "agreed_time": _when(e.agreed_at),
                "thanks": e.thanks,
                "made": _when(e.created_at),
            }
            for e in exchanges
        ],
        "messages": [
            {"exchange": m.exchange_id, "text": m.text, "when": _when(m.created_at)}
            for m in Message.objects.filter(author=user)
        ],
    }


def _timebank(user) -> dict:
    from buurtkracht.timebank.models import Account, Entry, ExchangeHours

    accounts = list(Account.objects.filter(user=user).select_related("neighbourhood"))
    entries: dict[int, list] = {a.pk: [] for a in accounts}
    for e in Entry.objects.filter(account__in=accounts).select_related("transfer"):
        entries[e.account_id].append(
            {
                "when": _when(e.created_at),
                "minutes": e.amount,
                "kind": e.transfer.get_kind_display(),
                "reason": e.transfer.reason,
            }
        )
    return {
        "accounts": [
            {
                "neighbourhood": a.neighbourhood.name,
                "balance_minutes": a.balance,
                "open": a.is_open,
                "entries": entries[a.pk],
            }
            for a in accounts
        ],
        "time_proposals": [
            {"exchange": h.exchange_id, "minutes": h.minutes, "when": _when(h.proposed_at)}
            for h in ExchangeHours.objects.filter(proposed_by=user)
        ],
    }


def _initiatives(user, names: _Names) -> dict:
    from buurtkracht.initiatives.models import (
        Involvement,
        SignUp,
        Support,
        Task,
        TaskInvitation,
        Update,
    )

    received = list(TaskInvitation.objects.filter(invitee=user).select_related("task"))
    sent = list(TaskInvitation.objects.filter(invited_by=user).select_related("task"))
    names.want(*(i.invited_by_id for i in received), *(i.invitee_id for i in sent))
    return {
        "involvements": [
            {"initiative": i.initiative.name, "role": i.get_role_display(), "since": _when(i.since)}
            for i in Involvement.objects.filter(user=user).select_related("initiative")
        ],
        "tasks": [
            {
                "initiative": t.initiative.name,
                "task": t.title,
                "how_often": t.get_recurrence_display(),
            }
            for t in Task.objects.filter(carried_by=user).select_related("initiative")
        ],
        "sign_ups": [
            {
                "activity": s.activity.title,
                "when": _when(s.activity.starts_at),
                "status": s.get_status_display(),
            }
            for s in SignUp.objects.filter(user=user).select_related("activity")
        ],
        "task_invitations_received": _invitations(received, names, about=lambda i: i.task.title),
        "task_invitations_sent": _invitations(sent, names, about=lambda i: i.task.title),
        "updates": [
            {"initiative": u.initiative.name, "text": u.text, "when": _when(u.created_at)}
            for u in Update.objects.filter(author=user).select_related("initiative")
        ],
        "support_recorded": [
            {
                "initiative": s.initiative.name,
                "kind": s.get_kind_display(),
                "what": s.description,
                "when": s.given_on.isoformat(),
            }
            for s in Support.objects.filter(recorded_by=user).select_related("initiative")
        ],
    }


def _network(user, names: _Names) -> dict:
    from buurtkracht.network.models import (
        Acquaintance,
        ImportedTie,
        Introduction,
        IntroductionMessage,
        TieImport,
        WatchGroup,
    )

    known = list(Acquaintance.objects.filter(Q(from_user=user) | Q(to_user=user)))
    introductions = list(Introduction.objects.filter(Q(person_a=user) | Q(person_b=user)))
    proposed = list(Introduction.objects.filter(proposed_by=user))
    ties = list(ImportedTie.objects.filter(Q(user_a=user) | Q(user_b=user)))
    names.want(*(a.to_user_id if a.from_user_id == user.pk else a.from_user_id for a in known))
    names.want(
        *(i.person_b_id if i.person_a_id == user.pk else i.person_a_id for i in introductions)
    )
    names.want(*(i.person_a_id for i in proposed), *(i.person_b_id for i in proposed))
    names.want(*(t.user_b_id if t.user_a_id == user.pk else t.user_a_id for t in ties))

    def other(row, a, b):
        return names(getattr(row, b) if getattr(row, a) == user.pk else getattr(row, a))

    return {
        "acquaintances": [
            {
                "person": other(a, "from_user_id", "to_user_id"),
                "you_said_it": a.from_user_id == user.pk,
                "answer": a.get_answer_display(),
            }
            for a in known
        ],
        "introductions": [
            {
                "person": other(i, "person_a_id", "person_b_id"),
                "your_answer": (
                    i.get_answer_a_display()
                    if i.person_a_id == user.pk
                    else i.get_answer_b_display()
                ),
                "met": _when(i.accepted_at),
            }
            for i in introductions
        ],
        "introductions_proposed": [
            {"between": [names(i.person_a_id), names(i.person_b_id)], "message": i.message}
            for i in proposed
        ],
        "imported_ties": [{"person": other(t, "user_a_id", "user_b_id")} for t in ties],
        "map_imports": [
            {"file": t.file_name, "when": _when(t.created_at)}
            for t in TieImport.objects.filter(imported_by=user)
        ],
        "groups": [
            {"group": g.name, "neighbourhood": g.neighbourhood.name}
            for g in WatchGroup.objects.filter(members=user).select_related("neighbourhood")
        ],
        "messages": [
            {"text": m.text, "when": _when(m.created_at)}
            for m in IntroductionMessage.objects.filter(author=user)
        ],
    }


def _notifications(user) -> dict:
    from buurtkracht.notifications.models import Notification, NotificationPreference

    preference = NotificationPreference.objects.filter(user=user).first()
    return {
        "notifications": [
            {"title": n.title, "text": n.body, "when": _when(n.created_at), "read": n.is_read}
            for n in Notification.objects.filter(user=user)
        ],
        "preference": {"mail": preference.get_mail_mode_display()} if preference else {},
    }


def _support(user) -> dict:
    from buurtkracht.support.models import DutyPause, SafetyNetCase, SafetyNetMessage

    return {
        "messages": [
            {"text": m.text, "when": _when(m.created_at)}
            for m in SafetyNetMessage.objects.filter(author=user)
        ],
        "off_duty": [
            {"neighbourhood": p.neighbourhood.name, "since": _when(p.since)}
            for p in DutyPause.objects.filter(user=user).select_related("neighbourhood")
        ],
        "cases": [
            {
                "about": c.post.text[:80],
                "why": c.get_reason_display(),
                "status": c.get_status_display(),
                "since": _when(c.opened_at),
                "note": c.note,
            }
            for c in SafetyNetCase.objects.filter(post__author=user).select_related("post")
        ],
    }


def _social_map(user) -> dict:
    from buurtkracht.socialmap.models import Correction, Service

    return {
        "kept_entries": [
            {"service": name, "neighbourhood": neighbourhood}
            for name, neighbourhood in Service.objects.filter(keeper__user=user).values_list(
                "name", "keeper__neighbourhood__name"
            )
        ],
        "corrections": [
            {
                "service": c.service.name,
                "text": c.text,
                "when": _when(c.created_at),
                "handled": c.handled_at is not None,
            }
            for c in Correction.objects.filter(author=user).select_related("service")
        ],
    }


def _dialogue(user) -> dict:
    from buurtkracht.dialogue.models import (
        Dialogue,
        HarvestItem,
        Invited,
        Participant,
        Reflection,
        Story,
    )

    def row(dialogue) -> dict:
        return {"theme": dialogue.title, "when": _when(dialogue.starts_at)}

    return {
        "dialogues_planned": [row(d) for d in Dialogue.objects.filter(organiser=user)],
        "dialogues_joined": [
            row(p.dialogue)
            for p in Participant.objects.filter(user=user).select_related("dialogue")
        ],
        "dialogues_invited": [
            row(i.dialogue) for i in Invited.objects.filter(user=user).select_related("dialogue")
        ],
        "quotes": [
            {
                "dialogue": q.dialogue.title,
                "text": q.text,
                "with_your_name": q.consent_at is not None,
            }
            for q in HarvestItem.objects.filter(speaker=user).select_related("dialogue")
        ],
        "stories": [
            {
                "title": s.title,
                "text": s.text,
                "who_may_read_it": s.get_visibility_display(),
                "when": _when(s.created_at),
                "photo": bool(s.photo),
            }
            for s in Story.objects.filter(teller=user)
        ],
        "reflections": [
            {"title": r.title, "answers": r.answers, "when": _when(r.created_at)}
            for r in Reflection.objects.filter(author=user)
        ],
    }


def _core(user) -> dict:
    from buurtkracht.core.models import ActionLog

    return {
        "actions": [
            {
                "when": _when(a.at),
                "what": a.action,
                "neighbourhood": a.neighbourhood.name if a.neighbourhood is not None else "",
                "about": f"{a.object_type} {a.object_id}".strip(),
            }
            for a in ActionLog.objects.filter(actor=user).select_related("neighbourhood")
        ]
    }


def personal_data(user) -> dict:
    """Everything kept about `user`, by app. Names of others are asked once, at the end."""
    names = _Names(user)
    return {
        "made": _when(timezone.now()),
        "accounts": _accounts(user),
        "people": _people(user, names),
        "neighbourhoods": _neighbourhoods(user),
        "gifts": _gifts(user),
        "places": _places(user),
        "lending": _lending(user),
        "exchange": _exchange(user, names),
        "timebank": _timebank(user),
        "initiatives": _initiatives(user, names),
        "network": _network(user, names),
        "notifications": _notifications(user),
        "support": _support(user),
        "socialmap": _social_map(user),
        "dialogue": _dialogue(user),
        "core": _core(user),
    }


def readable(data: dict) -> list[dict]:
    """The same dict in the shape the page shows: titled sections of titled parts."""
    sections = []
    for key, title in SECTION_TITLES.items():
        parts = []
        for part_key, value in data[key].items():
            rows = value if isinstance(value, list) else ([value] if value else [])
            parts.append(
                {
                    "key": part_key,
                    "title": PART_TITLES.get(part_key, part_key),
                    "rows": [_readable_row(row) for row in rows],
                }
            )
        sections.append({"key": key, "title": title, "parts": parts})
    return sections


def _readable_row(row: dict) -> list[tuple[str, object]]:
    return [
        (str(FIELD_LABELS.get(k, k.replace("_", " "))), _readable_value(v)) for k, v in row.items()
    ]


def _readable_value(value):
    if isinstance(value, str) and ISO_MOMENT.match(value):
        return formats.date_format(datetime.fromisoformat(value), "j F Y, H:i")
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return {"rows": [_readable_row(v) for v in value]}
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return value


FIELD_LABELS = {
    "login_name": gettext_lazy("Login name"),
    "email": gettext_lazy("E-mail"),
    "language": gettext_lazy("Language"),
    "guided_account": gettext_lazy("Guided account"),
    "joined": gettext_lazy("Joined"),
    "last_login": gettext_lazy("Last logged in"),
    "verified": gettext_lazy("Checked"),
    "primary": gettext_lazy("Main address"),
    "kind": gettext_lazy("Kind"),
    "made": gettext_lazy("Made"),
    "last_used": gettext_lazy("Last used"),
    "valid_until": gettext_lazy("Valid until"),
    "used": gettext_lazy("Used"),
    "stopped": gettext_lazy("Stopped"),
    "neighbourhood": gettext_lazy("Neighbourhood"),
    "name": gettext_lazy("Name"),
    "postcode": gettext_lazy("Postcode"),
    "languages": gettext_lazy("Languages"),
    "what_helps_me": gettext_lazy("What helps me"),
    "something_else_that_helps_me": gettext_lazy("Something else that helps me"),
    "phone": gettext_lazy("Phone number"),
    "how_others_reach_you": gettext_lazy("How others reach you after a yes"),
    "photo": gettext_lazy("Photo"),
    "changed": gettext_lazy("Changed"),
    "who_may_see_display_name": gettext_lazy("Who may see your name"),
    "who_may_see_postcode": gettext_lazy("Who may see your postcode"),
    "who_may_see_languages": gettext_lazy("Who may see your languages"),
    "who_may_see_accessibility": gettext_lazy("Who may see what helps you"),
    "who_may_see_photo": gettext_lazy("Who may see your photo"),
    "who_may_see": gettext_lazy("Who may see it"),
    "person": gettext_lazy("Person"),
    "since": gettext_lazy("Since"),
    "what": gettext_lazy("What"),
    "given": gettext_lazy("Given"),
    "withdrawn": gettext_lazy("Withdrawn"),
    "how": gettext_lazy("How"),
    "when": gettext_lazy("When"),
    "who": gettext_lazy("Who"),
    "role": gettext_lazy("Role"),
    "organisation": gettext_lazy("Organisation"),
    "note": gettext_lazy("Note"),
    "description": gettext_lazy("Description"),
    "lendable": gettext_lazy("Others may borrow it"),
    "rules": gettext_lazy("Rules for borrowing"),
    "at_most_asks_a_month": gettext_lazy("Ask me at most this many times a month"),
    "word": gettext_lazy("Word"),
    "from": gettext_lazy("From"),
    "until": gettext_lazy("Until"),
    "status": gettext_lazy("Status"),
    "text": gettext_lazy("Text"),
    "title": gettext_lazy("Title"),
    "about": gettext_lazy("About"),
    "message": gettext_lazy("Message"),
    "to": gettext_lazy("To"),
    "with": gettext_lazy("With"),
    "you_helped": gettext_lazy("You helped"),
    "agreed_time": gettext_lazy("Agreed time"),
    "thanks": gettext_lazy("Thank-you note"),
    "exchange": gettext_lazy("Exchange"),
    "minutes": gettext_lazy("Minutes"),
    "reason": gettext_lazy("Reason"),
    "balance_minutes": gettext_lazy("Balance (minutes)"),
    "open": gettext_lazy("Open"),
    "entries": gettext_lazy("Entries"),
    "initiative": gettext_lazy("Initiative"),
    "task": gettext_lazy("Task"),
    "how_often": gettext_lazy("How often"),
    "activity": gettext_lazy("Activity"),
    "you_said_it": gettext_lazy("You said it"),
    "answer": gettext_lazy("Answer"),
    "your_answer": gettext_lazy("Your answer"),
    "met": gettext_lazy("Introduced"),
    "between": gettext_lazy("Between"),
    "file": gettext_lazy("File"),
    "group": gettext_lazy("Group"),
    "read": gettext_lazy("Read"),
    "mail": gettext_lazy("E-mail"),
    "why": gettext_lazy("Why"),
    "theme": gettext_lazy("Theme"),
    "dialogue": gettext_lazy("Dialogue"),
    "with_your_name": gettext_lazy("With your name"),
    "who_may_read_it": gettext_lazy("Who may read it"),
}
