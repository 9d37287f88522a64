"""Writes for resident initiatives, one module per section. Each runs in a transaction,
logs what it did, and refuses bad input with a Dutch ValidationError that carries a code
(`not_owner`, `closed`, `full`…) before anything is written.

Owners are residents (product rule 3: professionals back initiatives, they do not own
them; `core.access.may_own_initiative`), and an initiative always keeps at least one
owner. Seats at an activity are taken with a conditional UPDATE checked by the database
(see models). Services that act within the neighbourhood take the `membership` they act
for (views pass `request.membership`); without it they look it up.

Other apps and the tests import from here: `from buurtkracht.initiatives import services`.
"""

from buurtkracht.core.access import INITIATIVE_OWNER_ROLES as OWNER_ROLES
from buurtkracht.core.access import INITIATIVE_SUPPORTER_ROLES as SUPPORTER_ROLES

from ..selectors import role_of
from .activities import activity_add, activity_cancel, sign_up, sign_up_cancel
from .budget import MAX_LINES, budget_request, budget_status
from .initiatives import initiative_close, initiative_create, initiative_update
from .members import ask_to_join, decide, leave, set_role
from .news import update_post
from .reminders import REMINDER_BODY, REMINDER_TITLE, activities_send_reminders
from .support import support_record
from .tasks import task_add, task_invitation_answer, task_invite, task_release, task_take
from .time_account import time_donate

__all__ = [
    "MAX_LINES",
    "OWNER_ROLES",
    "REMINDER_BODY",
    "REMINDER_TITLE",
    "SUPPORTER_ROLES",
    "activities_send_reminders",
    "activity_add",
    "activity_cancel",
    "ask_to_join",
    "budget_request",
    "budget_status",
    "decide",
    "initiative_close",
    "initiative_create",
    "initiative_update",
    "leave",
    "role_of",
    "set_role",
    "sign_up",
    "sign_up_cancel",
    "support_record",
    "task_add",
    "task_invitation_answer",
    "task_invite",
    "task_release",
    "task_take",
    "time_donate",
    "update_post",
]
