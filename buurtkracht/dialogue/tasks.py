from buurtkracht.jobs.queue import job


@job("dialogue.invite_members")
def invite_members(dialogue_id: int, invited_by_id: int, after_user_id: int) -> str:
    """One batch of invitations to every member; sends itself on for the next batch."""
    from buurtkracht.jobs.services import send_now

    from .services import invite_members_batch

    last = invite_members_batch(
        dialogue_id=dialogue_id, invited_by_id=invited_by_id, after_user_id=after_user_id
    )
    if last:
        send_now("dialogue.invite_members", dialogue_id, invited_by_id, last)
        return f"invited up to member {last}, going on"
    return "everyone invited"
