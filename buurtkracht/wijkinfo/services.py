"""Importing a CBS Kerncijfers table: all or nothing, logged (issue 19)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from buurtkracht.core.logging import log_action

from . import kerncijfers
from .models import CbsFigure, CbsMeasure, CbsTable

TABLE_ID = re.compile(r"^[A-Z0-9]{4,20}$")
"""A StatLine table id ("85984NED"), or a name for another CBS source ("WBK2024")."""


def kerncijfers_import(
    *, actor, table_id: str, metadata: bytes, data: bytes, filename: str, title: str = ""
) -> tuple[CbsTable, kerncijfers.Plan]:
    """Check both files (`kerncijfers.plan`), then replace the table's measures and
    figures in one transaction. Refused with every problem (code "invalid"), nothing
    written, when the files have any."""
    table_id = table_id.strip().upper()
    if not TABLE_ID.match(table_id):
        raise ValidationError(
            _("“%(table)s” is not a CBS table id, such as 85984NED.") % {"table": table_id[:30]},
            code="table_id",
        )
    plan = kerncijfers.plan(metadata=metadata, data=data, filename=filename)
    if plan.problems:
        shown = plan.problems[: kerncijfers.PROBLEMS_SHOWN]
        raise ValidationError([ValidationError(p, code="invalid") for p in shown])
    if not plan.figures or plan.year is None:
        raise ValidationError(_("The files hold no figures of a year."), code="empty")
    with transaction.atomic():
        table, _created = CbsTable.objects.update_or_create(
            table_id=table_id,
            defaults={
                "year": plan.year,
                "title": (
                    title or _("Kerncijfers wijken en buurten %(year)s") % {"year": plan.year}
                )[:200],
            },
        )
        table.measures.all().delete()  # their figures go with them
        measures = CbsMeasure.objects.bulk_create(
            CbsMeasure(
                table=table,
                key=m.key,
                base=m.base,
                title=m.title,
                unit=m.unit,
                decimals=m.decimals,
            )
            for m in plan.measures.values()
        )
        by_key = {m.key: m for m in measures}
        CbsFigure.objects.bulk_create(
            (
                CbsFigure(measure=by_key[key], region=region, value=value)
                for key, region, value in plan.figures
            ),
            batch_size=2000,
        )
        log_action(
            actor=actor,
            action="wijkinfo.kerncijfers_imported",
            data={
                "table": table_id,
                "year": plan.year,
                "regions": len(plan.regions),
                "figures": len(plan.figures),
            },
        )
    return table, plan
