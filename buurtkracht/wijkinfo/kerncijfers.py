"""Reading CBS Kerncijfers wijken en buurten (issue 19): the table's DataProperties (which
measures, their titles and units) and its data, as CBS gives them out — OData JSON
(`{"value": [...]}` or a list of rows), a JSON object per region, or the ";"-separated
CSV — for any year.

CBS numbers its columns per year (`AantalInwoners_5` in 2024 may be `_6` another year):
a data column that is not in the metadata is matched by its name without the suffix when
exactly one measure has that name. Values "." and -99995 mean "not available". The plan
says every problem with its line (or region) and column, and nothing is written unless
there are none (`services.kerncijfers_import`).
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

REGION = re.compile(r"^(GM\d{4}|WK\d{6}|BU\d{8})$")
SUFFIX = re.compile(r"_\d+$")
REGION_COLUMNS = ("WijkenEnBuurten", "Codering_3", "Codering", "buurtcode", "wijkcode")
"""Where a row says its region: StatLine's columns, or the Wijk- en buurtkaart's."""
NOT_MEASURES = {"ID", "Gemeentenaam_1", "SoortRegio_2", "IndelingswijzigingWijkenEnBuurten_4"}
NOT_AVAILABLE = {"", ".", "-99995", "-99997", "-99999", "x", "X"}
"""CBS: "." no value / secret; the map's -99995 and kin (not yet) not available."""
PROBLEMS_SHOWN = 50


def base_name(key: str) -> str:
    """ "AantalInwoners_5" → "AantalInwoners"; "k_0Tot15Jaar_8" → "k_0Tot15Jaar"."""
    return SUFFIX.sub("", key)


@dataclass(frozen=True)
class Measure:
    key: str
    base: str
    title: str
    unit: str
    decimals: int
    numeric: bool


@dataclass
class Plan:
    measures: dict[str, Measure] = field(default_factory=dict)
    year: int | None = None
    figures: list[tuple[str, str, Decimal | None]] = field(default_factory=list)
    """(measure key, region, value)."""
    problems: list[str] = field(default_factory=list)
    renamed: dict[str, str] = field(default_factory=dict)
    """Data column → the measure it was matched to by its name without the suffix."""
    regions: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.figures)

    def problem(self, text: str) -> None:
        self.problems.append(text)


def _json(data: bytes):
    try:
        return json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None


def read_metadata(data: bytes, plan: Plan) -> None:
    """DataProperties: a list of items (or OData's {"value": [...]}); each `Topic` is a
    measure, the `GeoDetail` carries the year of the regions."""
    items = _json(data)
    if isinstance(items, dict):
        items = items.get("value")
    if not isinstance(items, list):
        plan.problem(_("The description of the columns (DataProperties) is not CBS JSON."))
        return
    for item in items:
        if not isinstance(item, dict):
            continue
        if item.get("Type") == "GeoDetail" and isinstance(item.get("MapYear"), int):
            plan.year = item["MapYear"]
        key = str(item.get("Key") or "")
        if item.get("Type") != "Topic" or not key:
            continue
        plan.measures[key] = Measure(
            key=key,
            base=base_name(key),
            title=str(item.get("Title") or key)[:200],
            unit=str(item.get("Unit") or "")[:100],
            decimals=int(item.get("Decimals") or 0),
            numeric=str(item.get("Datatype") or "") not in ("String", ""),
        )
    if not plan.measures:
        plan.problem(_("The description of the columns names no measures (Topic)."))


def _rows(data: bytes, filename: str):
    """(where, row) for each region in the data file, or None when it cannot be read."""
    if filename.lower().endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return None
        sample = text[:2000]
        delimiter = ";" if sample.count(";") >= sample.count(",") else ","
        reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
        return [(_("line %(line)s") % {"line": n}, row) for n, row in enumerate(reader, 2)]
    loaded = _json(data)
    if isinstance(loaded, dict) and isinstance(loaded.get("value"), list):
        loaded = loaded["value"]
    if isinstance(loaded, list):
        return [
            (_("row %(row)s") % {"row": n}, row)
            for n, row in enumerate(loaded, 1)
            if isinstance(row, dict)
        ]
    if isinstance(loaded, dict):  # {"GM0392": {"AantalInwoners_5": 167636, ...}, ...}
        return [
            (region, {"WijkenEnBuurten": region, **values})
            for region, values in loaded.items()
            if isinstance(values, dict)
        ]
    return None


def _value(raw, measure: Measure, where: str, plan: Plan) -> Decimal | None:
    text = str(raw).strip() if raw is not None else ""
    if text in NOT_AVAILABLE:
        return None
    try:
        value = Decimal(text.replace(",", ".")) if isinstance(raw, str) else Decimal(str(raw))
    except InvalidOperation:
        plan.problem(
            _("%(where)s, column %(column)s: “%(value)s” is not a number.")
            % {"where": where, "column": measure.key, "value": text[:40]}
        )
        return None
    return value if value.is_finite() else None


def _measure_for(column: str, plan: Plan) -> Measure | None:
    """The measure a data column holds: by key, or by its name without the suffix when
    exactly one measure has it (another year's numbering)."""
    if column in plan.measures:
        return plan.measures[column]
    same = [m for m in plan.measures.values() if m.base == base_name(column)]
    if len(same) == 1:
        plan.renamed[column] = same[0].key
        return same[0]
    return None


def _region(row: dict, where: str, plan: Plan) -> str | None:
    column = next((c for c in REGION_COLUMNS if c in row), None)
    if column is None:
        plan.problem(
            _("%(where)s: there is no column with the region code (WijkenEnBuurten).")
            % {"where": where}
        )
        return None
    region = str(row[column] or "").strip()
    if not REGION.match(region):
        plan.problem(
            _("%(where)s: “%(code)s” is not a CBS code of a municipality, wijk or buurt.")
            % {"where": where, "code": region[:20]}
        )
        return None
    return region


def plan(*, metadata: bytes, data: bytes, filename: str) -> Plan:
    """Read both files and check everything; writes nothing."""
    result = Plan()
    read_metadata(metadata, result)
    if result.problems:
        return result
    rows = _rows(data, filename)
    if rows is None:
        result.problem(_("The data file cannot be read: use CBS's JSON or CSV."))
        return result
    unknown: dict[str, str] = {}
    seen: set[str] = set()
    for where, row in rows:
        region = _region(row, where, result)
        if region is None:
            continue
        if region in seen:
            result.problem(
                _("%(where)s: region %(code)s is in the file twice.")
                % {"where": where, "code": region}
            )
            continue
        seen.add(region)
        result.regions.append(region)
        for column, raw in row.items():
            if column is None or column in REGION_COLUMNS or column in NOT_MEASURES:
                continue
            measure = _measure_for(column, result)
            if measure is None:
                unknown.setdefault(column, where)
                continue
            if measure.numeric:
                result.figures.append((measure.key, region, _value(raw, measure, where, result)))
    for column, where in unknown.items():
        result.problem(
            _("Column %(column)s (first in %(where)s) is not in the description of the columns.")
            % {"column": column, "where": where}
        )
    if not result.regions and not result.problems:
        result.problem(_("The data file holds no regions."))
    return result
