"""Checking the rows of an inventory spreadsheet, and planning what importing them does.

`Validator.run` reads every row once, says per row what it would create or change and
what is wrong (in the active language), and keeps the plan (the field values per row) for
the import. It reads the database but never writes; it builds no model instances, so a
dry run over 10,000 rows stays quick.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from buurtkracht.gifts.models import Resource, ResourceKind, TaxonomyItem
from buurtkracht.people.services import normalise_postcode
from buurtkracht.places.models import PLACE_DATA_FIELDS, Place, PlaceKind

from .columns import fold

# A word that is not a key or a label counts when the vocabulary's best match scores at
# least this (1.0 is an exact label or synonym; 0.8 an exact English label).
WORD_MIN_SCORE = 0.8
MAX_DAYS = 32767  # PositiveSmallIntegerField
COORDINATE_STEP = Decimal("0.00001")  # the model keeps 5 decimals

PLACE_ROWS = frozenset({"plek", "plaats", "place", "locatie", "organisatie"})
RESOURCE_ROWS = frozenset({"middel", "middelen", "resource", "ruimte", "spullen", "ding"})
RESOURCE_KINDS = {
    "ruimte": ResourceKind.SPACE,
    "ruimtes": ResourceKind.SPACE,
    "space": ResourceKind.SPACE,
    "lokaal": ResourceKind.SPACE,
    "zaal": ResourceKind.SPACE,
    "spullen": ResourceKind.THING,
    "spul": ResourceKind.THING,
    "ding": ResourceKind.THING,
    "dingen": ResourceKind.THING,
    "thing": ResourceKind.THING,
    "materiaal": ResourceKind.THING,
}
RESOURCE_KIND_NAMES: dict[str, str] = {ResourceKind.SPACE: "ruimte", ResourceKind.THING: "spullen"}
YES = frozenset({"ja", "j", "yes", "y", "1", "waar", "true", "x"})
NO = frozenset({"nee", "n", "no", "0", "onwaar", "false", ""})

# Column -> model field, for plain text.
PLACE_TEXT = {
    "adres": "address",
    "aanbod": "offers",
    "openingstijden": "opening_hours",
    "telefoon": "phone",
}
RESOURCE_TEXT = {"aanbod": "description", "regels": "lending_rules"}
# What an import can set.
PLACE_FIELDS = PLACE_DATA_FIELDS
RESOURCE_FIELDS = (
    "kind",
    "text",
    "item_id",
    "description",
    "lendable",
    "lending_rules",
    "max_days",
)

_validate_email = EmailValidator()
_validate_url = URLValidator(schemes=["http", "https"])


@dataclass
class RowResult:
    """One row of the file: what importing it does, or what is wrong with it."""

    number: int
    kind: str = ""  # "place" or "resource"
    action: str = ""  # "new", "updated" or "unchanged"
    name: str = ""
    place_name: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        values = {"name": self.name, "place": self.place_name}
        if self.kind == "place":
            messages = {
                "new": _("New place: %(name)s"),
                "updated": _("Update place: %(name)s"),
                "unchanged": _("No changes: %(name)s"),
            }
        elif self.kind == "resource":
            messages = {
                "new": _("New resource: %(name)s at %(place)s"),
                "updated": _("Update resource: %(name)s at %(place)s"),
                "unchanged": _("No changes: %(name)s at %(place)s"),
            }
        else:
            return ""
        return messages.get(self.action, messages["new"]) % values


@dataclass
class PlacePlan:
    """What importing one place row does. `values` holds the model fields of the mapped
    columns; `pk` is the place it updates (None: a new place; the write fills it in)."""

    row: RowResult
    values: dict
    existing: bool
    pk: int | None = None
    changed: set[str] = field(default_factory=set)
    items: set[int] | None = None
    items_changed: bool = False


@dataclass
class ResourcePlan:
    """What importing one middel row does: to a place of the file (`place`) or one already
    in the database (`place_id`)."""

    row: RowResult
    values: dict
    place: PlacePlan | None
    place_id: int | None
    pk: int | None = None
    changed: set[str] = field(default_factory=set)

    @property
    def existing(self) -> bool:
        return self.pk is not None


@dataclass
class _PendingResource:
    row: RowResult
    place_name: str
    values: dict
    identity: tuple


def name_key(name: str) -> str:
    return " ".join(name.split())


def _place_kinds() -> dict[str, str]:
    """Folded value or label (Dutch or English) -> PlaceKind value."""
    kinds: dict[str, str] = {}
    for value in PlaceKind.values:
        kinds[fold(value)] = value
    for language in ("nl", "en"):
        with translation.override(language):
            for value, label in PlaceKind.choices:
                kinds.setdefault(fold(str(label)), value)
    return kinds


class _Words:
    """Resolves a word of the spreadsheet to a taxonomy item: by key, then by Dutch label,
    then by the vocabulary's search (synonyms, English labels, other word forms)."""

    def __init__(self, neighbourhood):
        self.neighbourhood = neighbourhood
        self._loaded = False
        self._cache: dict[str, int | None] = {}
        self._index = None

    def _load(self) -> None:
        items = TaxonomyItem.objects.filter(
            Q(neighbourhood__isnull=True) | Q(neighbourhood=self.neighbourhood)
        ).values_list("id", "key", "label_nl")
        self.by_key: dict[str, int] = {}
        self.by_label: dict[str, int] = {}
        self.labels: dict[int, str] = {}
        for item_id, key, label in items:
            self.by_key[key.casefold()] = item_id
            self.by_label.setdefault(fold(label), item_id)
            self.labels[item_id] = label
        self._loaded = True

    def resolve(self, word: str) -> int | None:
        if not self._loaded:
            self._load()
        folded = fold(word)
        if folded not in self._cache:
            found = self.by_key.get(word.strip().casefold()) or self.by_label.get(folded)
            if found is None:
                found = self._search(word)
            self._cache[folded] = found
        return self._cache[folded]

    def _search(self, word: str) -> int | None:
        if self._index is None:
            from buurtkracht.gifts.taxonomy import taxonomy_index

            self._index = taxonomy_index(self.neighbourhood)
        matches = self._index.lookup(word, limit=1)
        if matches and matches[0].score >= WORD_MIN_SCORE and matches[0].entry.id in self.labels:
            return matches[0].entry.id
        return None

    def label(self, item_id: int) -> str:
        if not self._loaded:
            self._load()
        return self.labels.get(item_id, "")


class Validator:
    """Checks rows against the neighbourhood's places and the vocabulary; see module doc."""

    def __init__(self, *, neighbourhood, mapping: dict[str, int]):
        self.neighbourhood = neighbourhood
        self.mapping = {key: int(index) for key, index in mapping.items()}
        self.place_plans: list[PlacePlan] = []
        self.resource_plans: list[ResourcePlan] = []
        self.words = _Words(neighbourhood)
        self._kinds = _place_kinds()

    # --- reading cells -------------------------------------------------------------------

    def _cell(self, cells: list[str], key: str) -> str | None:
        """The cell's text; None when the column is not in the file."""
        index = self.mapping.get(key)
        if index is None:
            return None
        return cells[index] if index < len(cells) else ""

    @staticmethod
    def _text(row: RowResult, value: str, column: str, model, field_name: str) -> str:
        limit = model._meta.get_field(field_name).max_length
        if limit and len(value) > limit:
            row.errors.append(
                _(
                    "The text in column %(column)s is too long: %(length)s characters. "
                    "At most %(max)s are allowed."
                )
                % {"column": column, "length": len(value), "max": limit}
            )
        return value

    # --- the run ---------------------------------------------------------------------------

    def run(self, rows: list[tuple[int, list[str]]]) -> list[RowResult]:
        self._load_places()
        results: list[RowResult] = []
        pending: list[_PendingResource] = []
        self._file_exact: dict[str, PlacePlan] = {}
        self._file_folded: dict[str, list[PlacePlan]] = {}
        self._claimed: dict[int, int] = {}  # existing place pk -> row number
        for number, cells in rows:
            row = RowResult(number)
            results.append(row)
            kind = self._row_kind(row, cells)
            if kind == "place":
                self._place_row(row, cells)
            elif kind == "resource":
                pending.append(self._resource_row(row, cells))
        seen: dict[tuple, int] = {}
        for item in pending:
            self._resolve_resource(item, seen)
        return results

    def _load_places(self) -> None:
        places = list(
            Place.objects.filter(neighbourhood=self.neighbourhood).values("pk", *PLACE_FIELDS)
        )
        self._exact = {name_key(p["name"]): p for p in places}
        folded: dict[str, list[dict]] = {}
        for place in places:
            folded.setdefault(fold(place["name"]), []).append(place)
        self._folded = {key: found[0] for key, found in folded.items() if len(found) == 1}
        through = Place.items.through
        self._items: dict[int, set[int]] = {}
        for place_id, item_id in through.objects.filter(
            place__neighbourhood=self.neighbourhood
        ).values_list("place_id", "taxonomyitem_id"):
            self._items.setdefault(place_id, set()).add(item_id)
        self._resources: dict[tuple, dict] = {}
        # A resource with a place has no owner (constraint resource_owner_or_place). Not
        # filtering on owner too keeps PostgreSQL on the place index right after a big
        # import, before its statistics are updated.
        for resource in Resource.objects.filter(place__neighbourhood=self.neighbourhood).values(
            "pk", "place_id", *RESOURCE_FIELDS
        ):
            key = (resource["place_id"], self._identity(resource["text"], resource["item_id"]))
            self._resources.setdefault(key, resource)

    @staticmethod
    def _identity(text: str, item_id: int | None) -> tuple:
        return ("text", fold(text)) if text else ("item", item_id)

    def _row_kind(self, row: RowResult, cells: list[str]) -> str:
        value = self._cell(cells, "soort_rij") or ""
        if not value:
            # Without a row kind: a row that names a space or thing is a middel.
            return "resource" if self._cell(cells, "middel") else "place"
        folded = fold(value)
        if folded in PLACE_ROWS:
            return "place"
        if folded in RESOURCE_ROWS:
            return "resource"
        row.errors.append(
            _('The kind of row "%(value)s" is not known. Write plek or middel.') % {"value": value}
        )
        return ""

    # --- places ------------------------------------------------------------------------------

    def _place_row(self, row: RowResult, cells: list[str]) -> None:
        row.kind = "place"
        name = self._cell(cells, "naam") or ""
        row.name = name
        if not name:
            row.errors.append(_("The column naam is empty. Write the name of the place."))
        else:
            self._text(row, name, "naam", Place, "name")
        values: dict = {"name": name}
        kind = self._place_kind(row, self._cell(cells, "type") or "")
        if kind:
            values["kind"] = kind
        for column, field_name in PLACE_TEXT.items():
            value = self._cell(cells, column)
            if value is not None:
                values[field_name] = self._text(row, value, column, Place, field_name)
        self._place_contact(row, cells, values)
        items = self._words_of(row, self._cell(cells, "woorden"))
        existing = self._match_place(row, name)
        self._place_coordinates(row, cells, values, existing)
        self._plan_place(row, values, items, existing)

    def _place_kind(self, row: RowResult, value: str) -> str:
        if not value:
            row.errors.append(
                _("The column type is empty. Use one of: %(choices)s.")
                % {"choices": ", ".join(PlaceKind.values)}
            )
            return ""
        kind = self._kinds.get(fold(value))
        if kind is None:
            row.errors.append(
                _('The type "%(value)s" is not known. Use one of: %(choices)s.')
                % {"value": value, "choices": ", ".join(PlaceKind.values)}
            )
            return ""
        return kind

    def _place_contact(self, row: RowResult, cells: list[str], values: dict) -> None:
        postcode = self._cell(cells, "postcode")
        if postcode is not None:
            try:
                values["postcode"] = normalise_postcode(postcode)
            except ValidationError as error:
                row.errors.append(
                    _('Postcode "%(value)s": %(problem)s')
                    % {"value": postcode, "problem": " ".join(error.messages)}
                )
        email = self._cell(cells, "email")
        if email is not None:
            values["email"] = self._text(row, email, "email", Place, "email")
            if email:
                try:
                    _validate_email(email)
                except ValidationError:
                    row.errors.append(
                        _('The e-mail address "%(value)s" is not right.') % {"value": email}
                    )
        website = self._cell(cells, "website")
        if website is not None:
            if website and "://" not in website:
                website = "https://" + website
            values["website"] = self._text(row, website, "website", Place, "website")
            if website:
                try:
                    _validate_url(website)
                except ValidationError:
                    row.errors.append(
                        _('The website "%(value)s" is not a web address.') % {"value": website}
                    )

    def _coordinate(self, row, value: str, column: str, limit: int) -> Decimal | None:
        if not value:
            return None
        try:
            number = Decimal(value.replace(",", ".").replace(" ", ""))
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            row.errors.append(
                _('Column %(column)s needs a number, for example 52,38. Now it says "%(value)s".')
                % {"column": column, "value": value}
            )
            return None
        if not -limit <= number <= limit:
            row.errors.append(
                _("Column %(column)s needs a number from -%(max)s to %(max)s.")
                % {"column": column, "max": limit}
            )
            return None
        return number.quantize(COORDINATE_STEP, rounding=ROUND_HALF_UP)

    def _place_coordinates(self, row, cells, values: dict, existing: dict | None) -> None:
        errors_before = len(row.errors)
        both = {}
        for column, field_name, limit in (
            ("breedtegraad", "latitude", 90),
            ("lengtegraad", "longitude", 180),
        ):
            value = self._cell(cells, column)
            if value is None:
                both[field_name] = existing[field_name] if existing else None
            else:
                both[field_name] = values[field_name] = self._coordinate(row, value, column, limit)
        unreadable = len(row.errors) > errors_before
        if (both["latitude"] is None) != (both["longitude"] is None) and not unreadable:
            row.errors.append(_("Fill in both breedtegraad and lengtegraad, or leave both empty."))

    def _words_of(self, row: RowResult, value: str | None) -> set[int] | None:
        if value is None:
            return None
        found: set[int] = set()
        for word in re.split(r"[;\n]", value):
            word = word.strip()
            if not word:
                continue
            item_id = self.words.resolve(word)
            if item_id is None:
                row.errors.append(
                    _(
                        'The word "%(word)s" is not known. Use a word from the list of words, '
                        "or leave it out."
                    )
                    % {"word": word}
                )
            else:
                found.add(item_id)
        return found

    def _file_place(self, name: str) -> PlacePlan | None:
        plan = self._file_exact.get(name_key(name))
        if plan is None:
            found = self._file_folded.get(fold(name), [])
            plan = found[0] if len(found) == 1 else None
        return plan

    def _db_place(self, name: str) -> dict | None:
        return self._exact.get(name_key(name)) or self._folded.get(fold(name))

    def _match_place(self, row: RowResult, name: str) -> dict | None:
        if not name:
            return None
        earlier = self._file_exact.get(name_key(name))
        existing = self._db_place(name)
        if earlier is None and existing is not None and existing["pk"] in self._claimed:
            earlier_row = self._claimed[existing["pk"]]
        else:
            earlier_row = earlier.row.number if earlier else None
        if earlier_row is not None:
            row.errors.append(
                _(
                    'The place "%(name)s" is also in row %(row)s. '
                    "Each place can be in the file once."
                )
                % {"name": name, "row": earlier_row}
            )
            return None
        if existing is not None:
            self._claimed[existing["pk"]] = row.number
        return existing

    def _plan_place(self, row, values: dict, items: set[int] | None, existing) -> None:
        if existing is None:
            plan = PlacePlan(row, values, False, items=items, items_changed=bool(items))
            row.action = "new"
        else:
            pk = existing["pk"]
            changed = {k for k, v in values.items() if existing[k] != v}
            items_changed = items is not None and items != self._items.get(pk, set())
            plan = PlacePlan(row, values, True, pk, changed, items, items_changed)
            row.action = "updated" if changed or items_changed else "unchanged"
        if row.name and not self._file_exact.get(name_key(row.name)):
            self._file_exact[name_key(row.name)] = plan
            self._file_folded.setdefault(fold(row.name), []).append(plan)
        if not row.errors:
            self.place_plans.append(plan)

    # --- spaces and things ---------------------------------------------------------------------

    def _resource_row(self, row: RowResult, cells: list[str]) -> _PendingResource:
        row.kind = "resource"
        place_name = self._cell(cells, "naam") or ""
        row.place_name = place_name
        if not place_name:
            row.errors.append(
                _("The column naam is empty. For a middel, write the name of its place.")
            )
        values: dict = {}
        kind_text = self._cell(cells, "type") or ""
        kind = RESOURCE_KINDS.get(fold(kind_text))
        if kind is None:
            row.errors.append(
                _('The type "%(value)s" is not known for a middel. Write ruimte or spullen.')
                % {"value": kind_text}
                if kind_text
                else _("The column type is empty. For a middel, write ruimte or spullen.")
            )
        else:
            values["kind"] = kind
        text = self._cell(cells, "middel") or ""
        values["text"] = self._text(row, text, "middel", Resource, "text")
        items = self._words_of(row, self._cell(cells, "woorden"))
        item_id = None
        if items is not None:
            if len(items) > 1:
                row.errors.append(
                    _("A middel can have one word only. Now it has %(count)s.")
                    % {"count": len(items)}
                )
            item_id = min(items) if len(items) == 1 else None
            values["item_id"] = item_id
        if not text and item_id is None:
            row.errors.append(_("The column middel is empty. Write what the place shares."))
        row.name = text if text or item_id is None else self.words.label(item_id)
        for column, field_name in RESOURCE_TEXT.items():
            value = self._cell(cells, column)
            if value is not None:
                values[field_name] = self._text(row, value, column, Resource, field_name)
        self._resource_lending(row, cells, values)
        return _PendingResource(row, place_name, values, self._identity(text, item_id))

    def _resource_lending(self, row: RowResult, cells: list[str], values: dict) -> None:
        lendable = self._cell(cells, "uitlenen")
        if lendable is not None:
            folded = fold(lendable)
            if folded in YES:
                values["lendable"] = True
            elif folded in NO:
                values["lendable"] = False
            else:
                row.errors.append(
                    _('Write ja or nee in column uitlenen. Now it says "%(value)s".')
                    % {"value": lendable}
                )
        days = self._cell(cells, "max_dagen")
        if days is not None:
            values["max_days"] = None
            if days:
                try:
                    number = Decimal(days.replace(",", "."))
                    ok = number == number.to_integral_value() and 1 <= number <= MAX_DAYS
                except InvalidOperation:
                    ok = False
                if ok:
                    values["max_days"] = int(number)
                else:
                    row.errors.append(
                        _(
                            "Column max_dagen needs a whole number from 1 to %(max)s, or "
                            'nothing. Now it says "%(value)s".'
                        )
                        % {"max": MAX_DAYS, "value": days}
                    )

    def _resolve_resource(self, pending: _PendingResource, seen: dict[tuple, int]) -> None:
        row = pending.row
        if not pending.place_name:
            return
        plan = self._file_place(pending.place_name)
        place = plan.values if plan is not None else self._db_place(pending.place_name)
        if place is None:
            row.errors.append(
                _(
                    'There is no place "%(name)s", not in your file and not in Buurtkracht. '
                    "Add a row for this place."
                )
                % {"name": pending.place_name}
            )
            return
        row.place_name = place["name"]
        place_pk = plan.pk if plan is not None else place["pk"]
        key = (place_pk or id(plan), pending.identity)
        if key in seen:
            row.errors.append(
                _('"%(name)s" at "%(place)s" is also in row %(row)s.')
                % {"name": row.name, "place": place["name"], "row": seen[key]}
            )
            return
        seen[key] = row.number
        existing = self._resources.get((place_pk, pending.identity)) if place_pk else None
        values = pending.values
        result = ResourcePlan(row, values, plan, None if plan is not None else place_pk)
        if existing is None:
            row.action = "new"
        else:
            result.pk = existing["pk"]
            result.changed = {k for k, v in values.items() if existing[k] != v}
            row.action = "updated" if result.changed else "unchanged"
        if not row.errors:
            self.resource_plans.append(result)
