"""The wijkdialoog's services (dialogues and their harvest) and the stories' (issue 20)."""

from .dialogues import (
    INVITE_AT_ONCE,
    QUOTE_ANSWERS,
    action_to_initiative,
    action_to_task,
    dialogue_cancel,
    dialogue_change,
    dialogue_invite,
    dialogue_invite_everyone,
    dialogue_join,
    dialogue_leave,
    dialogue_plan,
    harvest_add,
    harvest_remove,
    invite_members_batch,
    quote_answer,
)
from .reflections import reflection_delete, reflection_write
from .stories import story_answer, story_share, story_tell, story_withdraw

__all__ = [
    "INVITE_AT_ONCE",
    "QUOTE_ANSWERS",
    "action_to_initiative",
    "action_to_task",
    "dialogue_cancel",
    "dialogue_change",
    "dialogue_invite",
    "dialogue_invite_everyone",
    "dialogue_join",
    "dialogue_leave",
    "dialogue_plan",
    "harvest_add",
    "harvest_remove",
    "invite_members_batch",
    "quote_answer",
    "reflection_delete",
    "reflection_write",
    "story_answer",
    "story_share",
    "story_tell",
    "story_withdraw",
]
