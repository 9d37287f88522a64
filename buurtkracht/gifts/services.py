"""Writes for gifts, resources, wishes, time and the neighbourhood's own taxonomy words."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from buurtkracht.core.choices import Visibility
from buurtkracht.core.logging import log_action

from .models import (
    LENDABLE_KINDS,
    TEXT_MAX,
    AvailabilitySlot,
    Gift,
    Resource,
    ResourceKind,
    TaxonomyCategory,
    TaxonomyItem,
    TimeOffer,
    Wish,
)
from .steps import Step

MODELS: dict[str, type[Gift | Resource | Wish]] = {"gift": Gift, "resource": Resource, "wish": Wish}
MAX_TEXTS_PER_STEP = 10


def _clean_texts(texts: list[str]) -> list[str]:
    cleaned, seen = [], set()
    for raw in texts:
        text = " ".join(raw.split())
        if not text or text.lower() in seen:
            continue
        if len(text) > TEXT_MAX:
            raise ValidationError(
                _("Keep each text under %(max)d characters.") % {"max": TEXT_MAX}, code="too_long"
            )
        seen.add(text.lower())
        cleaned.append(text)
    if len(cleaned) > MAX_TEXTS_PER_STEP:
        raise ValidationError(
            _("Add at most %(max)d of your own words at a time.") % {"max": MAX_TEXTS_PER_STEP},
            code="too_many",
        )
    return cleaned


def _resource_kind(item: TaxonomyItem | None) -> str:
    """The kind a shared thing gets from its taxonomy item (a ladder is a thing)."""
    if item is not None:
        for kind in (ResourceKind.THING, ResourceKind.SPACE, ResourceKind.NETWORK):
            if kind in item.kinds:
                return kind
        return ResourceKind.KNOWLEDGE
    return ResourceKind.THING


def step_save(
    *,
    actor,
    subject,
    step: Step,
    item_ids: list[int],
    texts: list[str],
    visibility: str,
    text_kind: str = "",
) -> dict[str, int]:
    """Make the subject's items of this step exactly the chosen taxonomy items plus the
    free texts. Items still chosen keep their settings; new ones get `visibility`. All or
    nothing. `actor` differs from `subject` when a professional fills it in with a guided
    resident."""
    if visibility not in Visibility.values:
        raise ValidationError(_("Choose who may see this."), code="visibility")
    model = MODELS[step.model]
    texts = _clean_texts(texts)
    with transaction.atomic():
        items = {
            i.pk: i
            for i in TaxonomyItem.objects.filter(pk__in=set(item_ids)).select_related("category")
        }
        if set(item_ids) - set(items):
            raise ValidationError(
                _("One of the choices does not exist (any more). Try again."), code="unknown_item"
            )
        existing = model.objects.filter(owner=subject)
        if step.model == "gift":
            existing = existing.filter(Q(kind=step.kind))  # Q: only gifts have a kind
        kept_items = set(existing.filter(item_id__in=items).values_list("item_id", flat=True))
        kept_texts = set(
            existing.filter(item__isnull=True, text__in=texts).values_list("text", flat=True)
        )
        to_remove = existing.exclude(item_id__in=items).exclude(item__isnull=True, text__in=texts)
        if model is Resource:
            _refuse_if_lent(to_remove)
        removed, _detail = to_remove.delete()
        new = []
        for pk, item in items.items():
            if pk not in kept_items:
                new.append(_build(model, step, subject, visibility, item=item))
        for text in texts:
            if text not in kept_texts:
                new.append(_build(model, step, subject, visibility, text=text, text_kind=text_kind))
        for obj in new:
            obj.full_clean()
        model.objects.bulk_create(new)
        log_action(
            actor=actor,
            action=f"{step.model}.step_saved",
            data={"subject": subject.pk, "step": step.key, "added": len(new), "removed": removed},
        )
    return {"added": len(new), "removed": removed}


def _refuse_if_lent(resources) -> None:
    # Bookings are the lending app's, a layer above gifts: read by model name.
    from django.apps import apps

    Booking = apps.get_model("lending", "Booking")
    lent = (
        Booking.objects.filter(
            resource__in=resources, status__in=Booking.HOLDING, end_at__gt=timezone.now()
        )
        .select_related("resource__item")
        .first()
    )
    if lent is not None:
        raise ValidationError(
            _("%(thing)s is booked. Cancel its bookings first, then remove it.")
            % {"thing": lent.resource.label},
            code="booked",
        )


def _build(model, step, subject, visibility, *, item=None, text="", text_kind=""):
    fields = {"owner": subject, "item": item, "text": text, "visibility": visibility}
    if model is Gift:
        fields["kind"] = step.kind
    elif model is Resource:
        kind = text_kind if (text and text_kind in ResourceKind.values) else _resource_kind(item)
        fields["kind"] = kind
        fields["lendable"] = kind in LENDABLE_KINDS
    return model(**fields)


def time_save(
    *, actor, subject, slots: list[tuple[int, str]], max_asks_per_month: int | None, visibility: str
) -> TimeOffer:
    if visibility not in Visibility.values:
        raise ValidationError(_("Choose who may see this."), code="visibility")
    if max_asks_per_month is not None and not 0 <= max_asks_per_month <= 60:
        raise ValidationError(_("Choose a number between 0 and 60."), code="max_asks")
    with transaction.atomic():
        offer, _created = TimeOffer.objects.update_or_create(
            owner=subject,
            defaults={"max_asks_per_month": max_asks_per_month, "visibility": visibility},
        )
        AvailabilitySlot.objects.filter(owner=subject).delete()
        AvailabilitySlot.objects.bulk_create(
            [AvailabilitySlot(owner=subject, weekday=day, daypart=part) for day, part in set(slots)]
        )
        log_action(
            actor=actor, action="time.saved", data={"subject": subject.pk, "slots": len(slots)}
        )
    return offer


def item_visibility_set(*, actor, obj, visibility: str):
    """Change who may see one gift, resource or wish of the actor's own."""
    if visibility not in Visibility.values:
        raise ValidationError(_("Choose who may see this."), code="visibility")
    with transaction.atomic():
        obj.visibility = visibility
        obj.save(update_fields=["visibility"])
        log_action(actor=actor, action="item.visibility", obj=obj, data={"to": visibility})
    return obj


def item_delete(*, actor, obj) -> None:
    with transaction.atomic():
        if isinstance(obj, Resource):
            _refuse_if_lent(Resource.objects.filter(pk=obj.pk))
        log_action(actor=actor, action="item.deleted", obj=obj)
        obj.delete()


def resource_update(*, actor, resource: Resource, **fields) -> Resource:
    """The owner sets the lending rules of a space or thing."""
    allowed = {
        "description",
        "lendable",
        "lending_rules",
        "max_days",
        "needs_approval",
        "visibility",
    }
    if set(fields) - allowed:
        raise ValueError(f"not editable: {sorted(set(fields) - allowed)}")
    with transaction.atomic():
        for key, value in fields.items():
            setattr(resource, key, value)
        if resource.lendable and resource.kind not in LENDABLE_KINDS:
            raise ValidationError(
                {"lendable": ValidationError(_("Only spaces and things can be lent."), code="kind")}
            )
        if resource.max_days is not None and not 1 <= resource.max_days <= 365:
            raise ValidationError(
                {"max_days": ValidationError(_("Choose between 1 and 365 days."), code="range")}
            )
        resource.full_clean()
        resource.save()
        log_action(
            actor=actor, action="resource.updated", obj=resource, data={"fields": sorted(fields)}
        )
    return resource


def taxonomy_item_add(
    *,
    actor,
    neighbourhood,
    category: TaxonomyCategory,
    label_nl: str,
    label_en: str,
    synonyms: list[str],
    kinds: list[str],
) -> TaxonomyItem:
    """An admin adds a word for their own neighbourhood; search uses it at once."""
    label_nl = " ".join(label_nl.split())
    if TaxonomyItem.objects.filter(
        Q(neighbourhood__isnull=True) | Q(neighbourhood=neighbourhood),
        label_nl__iexact=label_nl,
        category=category,
    ).exists():
        raise ValidationError(
            {
                "label_nl": ValidationError(
                    _("This word already exists in this category."), code="exists"
                )
            }
        )
    with transaction.atomic():
        base = f"{neighbourhood.slug}-{slugify(label_nl)}"[:70] or f"{neighbourhood.slug}-woord"
        key, n = base, 1
        while TaxonomyItem.objects.filter(key=key).exists():
            n += 1
            key = f"{base}-{n}"
        item = TaxonomyItem(
            key=key,
            category=category,
            label_nl=label_nl,
            label_en=" ".join(label_en.split()) or label_nl,
            synonyms=[s.strip().lower() for s in synonyms if s.strip()][:20],
            kinds=kinds,
            neighbourhood=neighbourhood,
            created_by=actor,
        )
        item.full_clean()
        item.save()
        log_action(actor=actor, action="taxonomy.item_added", neighbourhood=neighbourhood, obj=item)
    return item
