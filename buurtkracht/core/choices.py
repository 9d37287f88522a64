"""Choices shared by every app: roles in a neighbourhood and visibility of personal data."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    RESIDENT = "resident", _("resident")
    CONNECTOR = "connector", _("connector")
    PROFESSIONAL = "professional", _("professional")
    FACILITATOR = "facilitator", _("municipality / facilitator")
    ADMIN = "admin", _("administrator")


class Visibility(models.TextChoices):
    """Who may see one piece of personal data. Ordered from narrow to wide."""

    PRIVATE = "private", _("Only me")
    CONTACTS = "contacts", _("People I am in contact with")
    NEIGHBOURHOOD = "neighbourhood", _("Members of my neighbourhood")
    PUBLIC = "public", _("Everyone")


# Roles whose reads of named personal data are written to the access log.
LOGGED_READER_ROLES = frozenset({Role.PROFESSIONAL, Role.FACILITATOR, Role.ADMIN})


class JoinPolicy(models.TextChoices):
    OPEN = "open", _("Open: anyone with an account can join")
    INVITE = "invite", _("By invitation: people join with a link or code")
