"""Reads of gifts, resources, wishes and time; personal items always through core.access."""

from dataclasses import dataclass, field

from django.db.models import Count, Q

from buurtkracht.core import access
from buurtkracht.core.choices import Visibility
from buurtkracht.neighbourhoods.models import Membership

from .models import (
    AvailabilitySlot,
    Gift,
    Resource,
    TaxonomyCategory,
    TaxonomyItem,
    TimeOffer,
    Wish,
)
from .steps import STEPS, Step


def step_choices(*, step: Step, neighbourhood_ids: list[int]):
    """Categories with the taxonomy items this step offers (shared words plus the words of
    the subject's neighbourhoods), in category order."""
    items = (
        TaxonomyItem.objects.filter(
            Q(neighbourhood__isnull=True) | Q(neighbourhood_id__in=neighbourhood_ids)
        )
        .select_related("category")
        .order_by("category__position", "label_nl")
    )
    wanted = set(step.item_kinds)
    grouped: dict[int, tuple[TaxonomyCategory, list[TaxonomyItem]]] = {}
    for item in items:
        if wanted & set(item.kinds):
            grouped.setdefault(item.category_id, (item.category, []))[1].append(item)
    return list(grouped.values())


def step_current(*, subject, step: Step) -> dict:
    """What the subject chose in this step so far, for the form's initial values."""
    if step.model == "time":
        offer = TimeOffer.objects.filter(owner=subject).first()
        return {
            "slots": [
                f"{s.weekday}-{s.daypart}" for s in AvailabilitySlot.objects.filter(owner=subject)
            ],
            "max_asks_per_month": offer.max_asks_per_month if offer else None,
            "visibility": offer.visibility if offer else "neighbourhood",
        }
    models: dict[str, type[Gift | Resource | Wish]] = {
        "gift": Gift,
        "resource": Resource,
        "wish": Wish,
    }
    found = models[step.model].objects.filter(owner=subject)
    if step.model == "gift":
        found = found.filter(Q(kind=step.kind))  # Q: only gifts have a kind
    rows = list(found)
    return {
        "items": [r.item_id for r in rows if r.item_id],
        "texts": [r.text for r in rows if not r.item_id],
        "visibility": rows[-1].visibility
        if rows
        else ("private" if step.model == "wish" else "neighbourhood"),
    }


@dataclass
class MyOverview:
    sections: list[tuple[Step, list]] = field(default_factory=list)
    slots: list = field(default_factory=list)
    time_offer: TimeOffer | None = None

    @property
    def is_empty(self) -> bool:
        return not self.slots and not any(rows for _, rows in self.sections)


def my_overview(*, subject) -> MyOverview:
    overview = MyOverview(
        slots=list(AvailabilitySlot.objects.filter(owner=subject)),
        time_offer=TimeOffer.objects.filter(owner=subject).first(),
    )
    gifts = list(Gift.objects.filter(owner=subject).select_related("item"))
    resources = list(Resource.objects.filter(owner=subject).select_related("item"))
    wishes = list(Wish.objects.filter(owner=subject).select_related("item"))
    for step in STEPS:
        rows: list[Gift] | list[Resource] | list[Wish]
        if step.model == "gift":
            rows = [g for g in gifts if g.kind == step.kind]
        elif step.model == "resource":
            rows = resources
        elif step.model == "wish":
            rows = wishes
        else:
            continue
        overview.sections.append((step, rows))
    return overview


def _members(neighbourhood):
    return Membership.objects.filter(neighbourhood=neighbourhood).values("user_id")


@dataclass
class AssetRow:
    kind: str  # "gift" or "resource"
    obj: Gift | Resource
    owner_name: str | None  # None: the owner's name is not visible to the viewer


ASSETS_PAGE = 50


def _rows_with_names(*, viewer, membership, neighbourhood, found) -> list[AssetRow]:
    """(kind, object) pairs with the owner's name where the viewer may see it; a
    professional's look at named data is logged."""
    from buurtkracht.people.models import Profile

    names = dict(
        Profile.objects.filter(
            access.visible_q(
                viewer,
                owner_field="user_id",
                level_field="display_name_visibility",
                neighbourhood=neighbourhood,
                owners_are_members=True,
            ),
            user_id__in={obj.owner_id for _, obj in found},
        ).values_list("user_id", "display_name")
    )
    result = [
        AssetRow(kind=kind, obj=obj, owner_name=names.get(obj.owner_id)) for kind, obj in found
    ]
    access.note_reads(
        viewer=viewer,
        membership=membership,
        subject_ids=[r.obj.owner_id for r in result if r.owner_name and r.obj.owner_id],
        what="gifts",
    )
    return result


def of_members(model, viewer, neighbourhood):
    """Gifts or resources (`model`) of the members of `neighbourhood` that `viewer` may see."""
    return model.objects.filter(
        access.visible_q(
            viewer,
            owner_field="owner_id",
            level_field="visibility",
            neighbourhood=neighbourhood,
            owners_are_members=True,
        ),
        owner__memberships__neighbourhood=neighbourhood,
    )


def newest_assets(
    *, viewer, membership, neighbourhood, after: str = "", limit: int = ASSETS_PAGE
) -> tuple[list[AssetRow], str]:
    """One page of the gifts and resources of members that the viewer may see, newest
    first, and where the next page starts ("" on the last page: the smallest gift and
    resource ids shown, "g123-r45"). Each page reads at most `limit` + 1 rows per kind
    from the newest down, whatever the neighbourhood's size."""
    start = dict(part.split(":", 1) for part in after.split("-") if ":" in part)
    found: list[tuple[str, Gift | Resource]] = []
    for kind, model in (("gift", Gift), ("resource", Resource)):
        rows = of_members(model, viewer, neighbourhood).select_related("item__category")
        before = start.get(kind[0], "")
        if before.isdigit():
            rows = rows.filter(pk__lt=int(before))
        found += [(kind, obj) for obj in rows.order_by("-pk")[: limit + 1]]
    found.sort(key=lambda row: (row[1].created_at, row[0], row[1].pk), reverse=True)
    page, more = found[:limit], len(found) > limit
    cursor = ""
    if more:
        parts = []
        for kind in ("gift", "resource"):
            shown = [obj.pk for k, obj in page if k == kind]
            last = min(shown) if shown else start.get(kind[0], "")
            if last != "":
                parts.append(f"{kind[0]}:{last}")
        cursor = "-".join(parts)
    rows = _rows_with_names(
        viewer=viewer, membership=membership, neighbourhood=neighbourhood, found=page
    )
    return rows, cursor


def assets_by_ids(*, viewer, membership, neighbourhood, ids) -> list[AssetRow]:
    """The gifts and resources named by `ids` [(kind, id)], in that order, that the viewer
    may see now (the matching index can be a moment behind an edit)."""
    wanted: dict[str, list[int]] = {"gift": [], "resource": []}
    for kind, pk in ids:
        wanted[kind].append(pk)
    objects = {}
    for kind, model in (("gift", Gift), ("resource", Resource)):
        if wanted[kind]:
            for obj in (
                of_members(model, viewer, neighbourhood)
                .filter(pk__in=wanted[kind])
                .select_related("item__category")
            ):
                objects[(kind, obj.pk)] = obj
    found = [(kind, objects[(kind, pk)]) for kind, pk in ids if (kind, pk) in objects]
    return _rows_with_names(
        viewer=viewer, membership=membership, neighbourhood=neighbourhood, found=found
    )


BRINGS_SHOWN = 30


@dataclass
class Brings:
    """What one person brings, as far as one viewer may see it (rule 1: first on their page)."""

    gifts: dict[str, list[Gift]] = field(default_factory=dict)
    """Per kind label (head, hands, heart, what I like)."""
    resources: list[Resource] = field(default_factory=list)
    slots: list[AvailabilitySlot] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.gifts or self.resources or self.slots)


def brings_of(*, viewer, membership, neighbourhood, owner_id: int) -> Brings:
    """The gifts, resources and weekly time of `owner_id` that `viewer` may see (at most
    BRINGS_SHOWN of each); a professional's look is logged."""
    from .models import GiftKind

    found = Brings()
    gifts = of_members(Gift, viewer, neighbourhood).filter(owner_id=owner_id)
    for gift in gifts.select_related("item__category").order_by("kind", "id")[:BRINGS_SHOWN]:
        found.gifts.setdefault(str(GiftKind(gift.kind).label), []).append(gift)
    found.resources = list(
        of_members(Resource, viewer, neighbourhood)
        .filter(owner_id=owner_id)
        .select_related("item__category")
        .order_by("kind", "id")[:BRINGS_SHOWN]
    )
    offer = TimeOffer.objects.filter(owner_id=owner_id).first()
    if offer and access.can_see(
        viewer, owner_id=owner_id, level=offer.visibility, neighbourhood=neighbourhood
    ):
        found.slots = list(AvailabilitySlot.objects.filter(owner_id=owner_id)[:21])
    if found:
        access.note_reads(
            viewer=viewer, membership=membership, subject_ids=[owner_id], what="gifts"
        )
    return found


def hidden_assets(*, viewer, neighbourhood) -> int:
    """How many of the members' gifts and resources the viewer may not see: the stored
    counts per visibility level less what this viewer may see — a few small queries,
    never a count over a city's gifts per view."""
    from buurtkracht.jobs.selectors import stored

    levels = stored("stats", neighbourhood).data.get("items", {})
    visible = levels.get(Visibility.PUBLIC, 0)
    if viewer.is_authenticated and access.is_member(viewer, neighbourhood):
        visible += levels.get(Visibility.NEIGHBOURHOOD, 0)
        contacts = sorted(access.contacts_of(viewer))
        for model in (Gift, Resource):
            members = model.objects.filter(owner__memberships__neighbourhood=neighbourhood)
            if contacts:
                visible += members.filter(
                    owner_id__in=contacts, visibility=Visibility.CONTACTS
                ).count()
            visible += members.filter(
                owner_id=viewer.pk, visibility__in=[Visibility.CONTACTS, Visibility.PRIVATE]
            ).count()
    return max(sum(levels.values()) - visible, 0)


def item_counts_by_level(neighbourhood) -> dict[str, int]:
    """Members' gifts and resources per visibility level (stored with the figures)."""
    counts: dict[str, int] = {}
    for model in (Gift, Resource):
        for level, n in (
            model.objects.filter(owner__memberships__neighbourhood=neighbourhood)
            .values_list("visibility")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            counts[level] = counts.get(level, 0) + n
    return counts


@dataclass
class CategoryBalance:
    key: str
    label: str
    offered: int
    asked: int

    @property
    def signal(self) -> str:
        """'abundant' (many offer, few ask), 'scarce' (asked, rarely offered) or ''."""
        if self.offered >= 3 and self.offered >= 3 * max(self.asked, 1):
            return "abundant"
        if self.asked >= 2 and self.asked >= 2 * self.offered:
            return "scarce"
        return ""


def _offering_people_per_category(neighbourhood) -> dict[int | None, int]:
    """Distinct people per category over gifts AND resources (someone with both in one
    category counts once), counted by the database: this runs on every view of the public
    neighbourhood page, so it must not pull every pair into Python."""
    from django.db import connection

    quote = connection.ops.quote_name
    item_table = quote(TaxonomyItem._meta.db_table)
    membership = quote(Membership._meta.db_table)
    parts = [
        f"SELECT i.{quote('category_id')} AS category_id, x.{quote('owner_id')} AS owner_id "  # noqa: S608
        f"FROM {quote(model._meta.db_table)} x "
        f"LEFT JOIN {item_table} i ON i.{quote('id')} = x.{quote('item_id')} "
        f"JOIN {membership} m ON m.{quote('user_id')} = x.{quote('owner_id')} "
        f"AND m.{quote('neighbourhood_id')} = %s"
        for model in (Gift, Resource)
    ]
    # Identifiers come from the models; the only value is a parameter.
    sql = (
        "SELECT category_id, COUNT(DISTINCT owner_id) FROM ("  # noqa: S608
        + " UNION ALL ".join(parts)
        + ") offers GROUP BY category_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [neighbourhood.pk] * len(parts))
        return dict(cursor.fetchall())


def abundance_counts(neighbourhood) -> list[tuple[str, int, int]]:
    """Per taxonomy category with any: (category key, how many members offer something —
    gifts and resources —, how many ask for it — wishes). Counts only, never names:
    everyone is counted, whatever their visibility choices. Stored with the
    neighbourhood's figures (`gifts.snapshot`), not run per page view."""
    members = _members(neighbourhood)
    offered = _offering_people_per_category(neighbourhood)
    asked = {
        row["item__category_id"]: row["n"]
        for row in Wish.objects.filter(owner_id__in=members)
        .values("item__category_id")
        .annotate(n=Count("owner_id", distinct=True))
    }
    rows = [
        (c.key, offered.get(c.pk, 0), asked.get(c.pk, 0))
        for c in TaxonomyCategory.objects.order_by("position", "id")
    ]
    return [row for row in rows if row[1] or row[2]]


def abundance(*, neighbourhood, counts=None) -> list[CategoryBalance]:
    """Offered and asked per category with its label in the viewer's language: from the
    stored `counts` when given (pages), else counted now."""
    if counts is None:
        counts = abundance_counts(neighbourhood)
    labels = {c.key: c.label for c in TaxonomyCategory.objects.all()}
    return [
        CategoryBalance(key=key, label=labels[key], offered=offered, asked=asked)
        for key, offered, asked in counts
        if key in labels
    ]
