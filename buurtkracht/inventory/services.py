"""Importing a neighbourhood's inventory (places and the spaces and things they share) from
a spreadsheet: upload, column mapping, a dry run that checks every row, and an
all-or-nothing import. Residents' personal data is never imported
(docs/decisions/0013-inventory-import.md).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from buurtkracht.core.logging import log_action
from buurtkracht.gifts.models import Resource
from buurtkracht.places.models import Place

from .columns import COLUMNS, REQUIRED_KEYS, guess_mapping
from .models import ImportJob
from .rows import RowResult, Validator
from .spreadsheet import read_sheet

JOB_LIFETIME = timedelta(days=1)
BATCH = 500

__all__ = [
    "Counts",
    "Preview",
    "RowResult",
    "import_job_create",
    "import_job_map",
    "inventory_import",
    "inventory_preview",
    "mapping_complete",
]


@dataclass
class Counts:
    rows: int = 0
    places_new: int = 0
    places_updated: int = 0
    places_unchanged: int = 0
    resources_new: int = 0
    resources_updated: int = 0
    resources_unchanged: int = 0
    errors: int = 0

    @property
    def changes(self) -> int:
        return self.places_new + self.places_updated + self.resources_new + self.resources_updated


@dataclass
class Preview:
    rows: list[RowResult]
    counts: Counts
    validator: Validator = field(repr=False)

    @property
    def can_import(self) -> bool:
        return self.counts.errors == 0 and self.counts.rows > 0


def import_job_create(*, actor, neighbourhood, filename: str, data: bytes) -> ImportJob:
    """Read an uploaded file (refusing what cannot be imported) and keep it for the next
    steps, with the columns matched by their headers."""
    filename = os.path.basename(filename.replace("\\", "/"))[:200] or "import"
    sheet = read_sheet(filename=filename, data=data)
    with transaction.atomic():
        ImportJob.objects.filter(created_at__lt=timezone.now() - JOB_LIFETIME).delete()
        job = ImportJob.objects.create(
            neighbourhood=neighbourhood,
            created_by=actor,
            filename=filename,
            file_format=sheet.file_format,
            content=json.dumps(sheet.rows, ensure_ascii=False, separators=(",", ":")).encode(),
            encoding=sheet.encoding,
            delimiter=sheet.delimiter,
            headers=sheet.headers,
            row_count=len(sheet.rows),
            mapping=guess_mapping(sheet.headers),
        )
        log_action(
            actor=actor,
            action="inventory.uploaded",
            neighbourhood=neighbourhood,
            obj=job,
            data={"rows": job.row_count, "format": job.file_format},
        )
    return job


def import_job_map(*, actor, job: ImportJob, mapping: dict[str, int | None]) -> ImportJob:
    """Store which column of the file holds which field. Every required field needs a
    column, and a column can hold one field only."""
    errors: dict[str, list[ValidationError]] = {}
    clean: dict[str, int] = {}
    taken: dict[int, str] = {}
    for column in COLUMNS:
        index = mapping.get(column.key)
        if index is None:
            if column.required:
                errors[column.key] = [
                    ValidationError(
                        _("Choose the column with %(field)s. Without it we cannot import.")
                        % {"field": column.key},
                        code="column_missing",
                    )
                ]
            continue
        if not 0 <= index < len(job.headers):
            errors[column.key] = [
                ValidationError(_("Choose a column of your file."), code="no_such_column")
            ]
        elif index in taken:
            errors[column.key] = [
                ValidationError(
                    _("This column is already chosen for %(field)s. Choose another one.")
                    % {"field": taken[index]},
                    code="column_taken",
                )
            ]
        else:
            taken[index] = column.key
            clean[column.key] = index
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        job.mapping = clean
        job.save(update_fields=["mapping"])
        log_action(
            actor=actor,
            action="inventory.mapped",
            neighbourhood=job.neighbourhood,
            obj=job,
            data={"columns": sorted(clean)},
        )
    return job


def mapping_complete(job: ImportJob) -> bool:
    return all(key in job.mapping for key in REQUIRED_KEYS)


def inventory_preview(*, job: ImportJob) -> Preview:
    """The dry run: read every row, check it and say what importing would do. Writes
    nothing."""
    validator = Validator(neighbourhood=job.neighbourhood, mapping=job.mapping)
    rows = validator.run(json.loads(bytes(job.content)))
    counts = Counts(rows=len(rows))
    for row in rows:
        if row.errors:
            counts.errors += 1
        elif row.kind:
            name = f"{'places' if row.kind == 'place' else 'resources'}_{row.action}"
            setattr(counts, name, getattr(counts, name) + 1)
    return Preview(rows=rows, counts=counts, validator=validator)


def inventory_import(*, actor, job: ImportJob) -> Counts:
    """Check everything again, then write all rows in one transaction, or nothing."""
    try:
        with transaction.atomic():
            job = (
                ImportJob.objects.select_for_update(of=("self",))
                .select_related("neighbourhood")
                .get(pk=job.pk)
            )
            if job.is_imported:
                raise ValidationError(_("This file has already been imported."), code="done")
            if not mapping_complete(job):
                raise ValidationError(_("Choose the columns first."), code="mapping")
            preview = inventory_preview(job=job)
            if not preview.can_import:
                raise ValidationError(
                    _("Nothing was imported: fix the rows with a mistake and try again."),
                    code="invalid",
                )
            _write(preview.validator, actor=actor)
            counts = preview.counts
            job.imported_at = timezone.now()
            job.content = b""  # nothing kept longer than needed
            job.result = asdict(counts)
            job.save(update_fields=["imported_at", "content", "result"])
            log_action(
                actor=actor,
                action="inventory.imported",
                neighbourhood=job.neighbourhood,
                obj=job,
                data=asdict(counts),
            )
    except IntegrityError:
        # Someone added or renamed a place between the check and the write.
        raise ValidationError(
            _("Someone changed the places at the same time. Nothing was imported; try again."),
            code="conflict",
        ) from None
    return counts


def _update_rows(model, rows: list[tuple[int | None, dict]]) -> None:
    """UPDATE each row's changed fields: one prepared statement per set of changed fields,
    run with executemany. QuerySet.bulk_update builds a CASE expression per row and field,
    which took most of the time of a 10,000-row update (docs/decisions/0013)."""
    groups: dict[tuple[str, ...], list[tuple[int | None, dict]]] = {}
    for pk, values in rows:
        groups.setdefault(tuple(sorted(values)), []).append((pk, values))
    quote = connection.ops.quote_name
    meta = model._meta
    for names, members in groups.items():
        fields = [meta.get_field(name) for name in names]
        assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
        # Table and column names come from the model, every value is a parameter.
        table, pk_column = quote(meta.db_table), quote(meta.pk.column)
        sql = f"UPDATE {table} SET {assignments} WHERE {pk_column} = %s"  # noqa: S608
        params = [
            [f.get_db_prep_save(values[n], connection) for f, n in zip(fields, names, strict=True)]
            + [pk]
            for pk, values in members
        ]
        with connection.cursor() as cursor:
            for start in range(0, len(params), BATCH):
                cursor.executemany(sql, params[start : start + BATCH])


def _write(validator: Validator, *, actor) -> None:
    now = timezone.now()
    neighbourhood = validator.neighbourhood
    creator = actor if actor is not None and actor.is_authenticated else None

    places = validator.place_plans
    new_places = [p for p in places if not p.existing]
    created = Place.objects.bulk_create(
        [Place(neighbourhood=neighbourhood, created_by=creator, **p.values) for p in new_places],
        batch_size=BATCH,
    )
    for plan, place in zip(new_places, created, strict=True):
        plan.pk = place.pk
    _update_rows(
        Place,
        [
            (p.pk, {**{k: p.values[k] for k in p.changed}, "updated_at": now})
            for p in places
            if p.existing and (p.changed or p.items_changed)
        ],
    )

    through = Place.items.through
    relinked = [p for p in places if p.items_changed]
    stale = [p.pk for p in relinked if p.existing]
    for start in range(0, len(stale), BATCH):
        through.objects.filter(place_id__in=stale[start : start + BATCH]).delete()
    through.objects.bulk_create(
        [
            through(place_id=p.pk, taxonomyitem_id=item_id)
            for p in relinked
            for item_id in sorted(p.items or ())
        ],
        batch_size=BATCH,
    )

    resources = validator.resource_plans
    Resource.objects.bulk_create(
        [
            Resource(
                place_id=r.place.pk if r.place is not None else r.place_id, owner=None, **r.values
            )
            for r in resources
            if not r.existing
        ],
        batch_size=BATCH,
    )
    _update_rows(
        Resource,
        [
            (r.pk, {k: r.values[k] for k in r.changed})
            for r in resources
            if r.existing and r.changed
        ],
    )
