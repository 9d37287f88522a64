"""Which stored results an action makes out of date (decision 0029).

Every service logs what it did with `core.logging.log_action`; that is the one place where
we learn that something changed, so it calls `after_action`, which maps the action to the
snapshots it touches and marks them out of date after commit (`jobs.services.changed`).
A new service that changes what a snapshot is made of only needs its action listed here.
What is not listed is caught by the nightly refresh.
"""

from __future__ import annotations

from django.apps import apps

# Action names, or prefixes ending in ".", per kind of snapshot.
TOPICS: dict[str, tuple[str, ...]] = {
    # Members per role, organisations, offered and asked per category.
    "stats": (
        "membership.",
        "guided_account.registered",
        "neighbourhood.created",
        "gift.step_saved",
        "resource.step_saved",
        "wish.step_saved",
        "item.",
        "inventory.imported",
        "taxonomy.item_added",
        # The neighbourhood page shows the initiatives and coming activities with the
        # figures, and the modules: one version for the part of the page everyone sees.
        "initiative.",
        "task.",
        "activity.",
        "neighbourhood.updated",
    ),
    # What the network is made of (network/ties.py), and who may be suggested.
    "network": (
        "membership.",
        "guided_account.registered",
        "exchange.marked_done",
        "network.imported",
        "network.introduction_yes",
        "network.know_yes",
        "task.taken",
        "task.released",
        "task.invitation_accepted",
        "activity.signed_up",
        "activity.sign_up_cancelled",
        "activity.cancelled",
        "initiative.accepted",
        "initiative.left",
        "initiative.closed",
        "consent.",
        "network.group_",
        # Who rests ("nu even niet", a monthly maximum reached) is not suggested.
        "time.saved",
        "network.introduced",
    ),
    # The time bank's monthly figures: every transfer.
    "timebank": ("timebank.",),
    # What the matching index reads: members' gifts and resources, and the vocabulary.
    "matching": (
        "membership.",
        "guided_account.registered",
        "gift.step_saved",
        "resource.step_saved",
        "item.",
        "resource.updated",
        "taxonomy.item_added",
        "inventory.imported",
    ),
}


# Bulk imports: the database's statistics are refreshed after them (ANALYZE, a job).
ANALYZE_AFTER = frozenset(
    {"inventory.imported", "network.imported", "timebank.imported", "postcode_areas.imported"}
)


def kinds_for(action: str) -> list[str]:
    return [
        kind
        for kind, names in TOPICS.items()
        if any(action == n or (n.endswith(".") and action.startswith(n)) for n in names)
    ]


def after_action_logged(sender, *, action: str, neighbourhood_id, person_id, **_kwargs) -> None:
    """`core.logging.action_logged`'s receiver."""
    after_action(action=action, neighbourhood_id=neighbourhood_id, person_id=person_id)


def after_action(*, action: str, neighbourhood_id: int | None, person_id: int | None) -> None:
    """Mark the snapshots `action` touches out of date, in its neighbourhood — or, for a
    person's own things (gifts belong to people, decision 0012), in each of theirs."""
    from . import services

    if action in ANALYZE_AFTER:
        from . import tasks

        services.enqueue(tasks.analyze)
    kinds = kinds_for(action)
    if not kinds:
        return

    if neighbourhood_id is not None:
        ids = [neighbourhood_id]
    elif person_id is not None:
        Membership = apps.get_model("neighbourhoods", "Membership")

        ids = list(
            Membership.objects.filter(user_id=person_id).values_list("neighbourhood_id", flat=True)
        )
    else:
        return
    for kind in kinds:
        services.changed(kind, ids)


# --- rows written without a service --------------------------------------------------------
# Services log their action (above). Rows saved or deleted one by one anywhere else (a
# shell, a data fix, a test's factory) are noticed through the model signals too, so a
# stored result never silently misses them; bulk writers (the demo, imports) bump all
# snapshots once when they are done (`jobs.services.bump_all`).


def _of_person(user_id):
    Membership = apps.get_model("neighbourhoods", "Membership")

    if user_id is None:
        return []
    return list(
        Membership.objects.filter(user_id=user_id).values_list("neighbourhood_id", flat=True)
    )


def _owned(instance):
    place = getattr(instance, "place_id", None)
    if place is not None:
        Place = apps.get_model("places", "Place")

        return list(Place.objects.filter(pk=place).values_list("neighbourhood_id", flat=True))
    return _of_person(getattr(instance, "owner_id", None))


def _own(instance):
    return [instance.neighbourhood_id]


def _via_initiative(instance):
    Initiative = apps.get_model("initiatives", "Initiative")

    return list(
        Initiative.objects.filter(pk=instance.initiative_id).values_list(
            "neighbourhood_id", flat=True
        )
    )


def _via_activity(instance):
    Activity = apps.get_model("initiatives", "Activity")

    return list(
        Activity.objects.filter(pk=instance.activity_id).values_list(
            "initiative__neighbourhood_id", flat=True
        )
    )


def _via_post(instance):
    Post = apps.get_model("exchange", "Post")

    return list(Post.objects.filter(pk=instance.post_id).values_list("neighbourhood_id", flat=True))


# model label -> (kinds, where its neighbourhoods are)
def _itself(instance):
    return [instance.pk]


MODEL_TOPICS = {
    "neighbourhoods.neighbourhood": (("stats",), _itself),
    "neighbourhoods.membership": (("stats", "network", "matching"), _own),
    "gifts.gift": (("stats", "matching"), _owned),
    "gifts.resource": (("stats", "matching"), _owned),
    "gifts.wish": (("stats",), _owned),
    "exchange.exchange": (("network",), _via_post),
    "network.introduction": (("network",), _own),
    "network.acquaintance": (("network",), _own),
    "initiatives.initiative": (("stats", "network"), _own),
    "initiatives.task": (("stats", "network"), _via_initiative),
    "initiatives.activity": (("stats",), _via_initiative),
    "initiatives.signup": (("stats", "network"), _via_activity),
    "people.consent": (("network",), _own),
}


def _on_row(sender, instance, **_kwargs):
    from . import services

    kinds, where = MODEL_TOPICS[sender._meta.label_lower]
    ids = [i for i in where(instance) if i is not None]
    for kind in kinds:
        services.changed(kind, ids)


def connect_model_signals() -> None:
    from django.db.models.signals import post_delete, post_save

    for label in MODEL_TOPICS:
        model = apps.get_model(label)
        uid = f"buurtkracht.jobs.topics:{label}"
        post_save.connect(_on_row, sender=model, dispatch_uid=f"{uid}:save")
        post_delete.connect(_on_row, sender=model, dispatch_uid=f"{uid}:delete")
