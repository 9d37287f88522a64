"""HSDS 3.1 as a Tabular Data Package: one CSV per object (issue 19).

In: the package's CSVs become HSDS's nested JSON — each row of a child table goes into every
parent its foreign keys name (a phone with a service_id and a location_id is in both, as in
HSDS's JSON examples), by the array of that parent's schema that holds such objects; a few
ids point the other way (a service's program, an attribute's taxonomy term, a capacity's
unit, a term's taxonomy, a service-at-location's location). Attributes and metadata link
by `link_entity`/`resource_type`. Then the JSON path checks and imports it
(`hsds_io.plan`). Out: the stored documents walked back into one row per object and id,
in the package's columns. Values are typed by the package's field types ("" = not given).
"""

from __future__ import annotations

import csv
import io
import json
from functools import cache
from pathlib import Path

from django.utils.translation import gettext as _

from . import hsds_io

PACKAGE = Path(__file__).resolve().parent / "hsds" / "datapackage.json"
# A row's id that names an object it holds (not a parent): (kind, column) → key in the row.
HOLDS = {
    ("service", "program_id"): ("program", "program"),
    ("attribute", "taxonomy_term_id"): ("taxonomy_term", "taxonomy_term"),
    ("taxonomy_term", "taxonomy_id"): ("taxonomy", "taxonomy_detail"),
    ("service_capacity", "unit_id"): ("unit", "unit"),
    ("service_at_location", "location_id"): ("location", "location"),
}
EXTRA_ARRAYS = {("organization", "service"): "services"}
"""Not in HSDS's organization schema, but in its examples (organization_full)."""
ROOTS = ("organization", "service", "location")
"""Kinds that may stand on their own (a service of no organisation, a location)."""
STANDALONE = ("meta_table_description",)
"""Descriptions of the tables themselves: not social-map data, not kept (decision 0055)."""
POLYMORPHIC = {
    "attribute": ("link_entity", "link_id"),
    "metadata": ("resource_type", "resource_id"),
}


@cache
def package() -> dict:
    return json.loads(PACKAGE.read_text(encoding="utf-8"))


def resources() -> list[dict]:
    return package()["resources"]


def _array_key(parent: str, child: str) -> str | None:
    """The key of `parent`'s schema holding a list of `child` objects."""
    if (parent, child) in EXTRA_ARRAYS:
        return EXTRA_ARRAYS[(parent, child)]
    for key, prop in hsds_io.schema(parent).get("properties", {}).items():
        if prop.get("type") == "array" and prop.get("items", {}).get("$ref") == f"{child}.json":
            return key
    return None


def _typed(text: str, kind: str):
    if kind in ("number", "integer"):
        try:
            return int(text)
        except ValueError:
            return float(text)
    if kind == "boolean":
        return text.strip().lower() in ("true", "1", "yes")
    return text


def field_types(resource: dict) -> dict[str, str]:
    """Column → type: the package's, else the HSDS schema's (the package's own schema
    of a table may list only some of its columns)."""
    from_schema = {
        key: prop["type"]
        for key, prop in hsds_io.schema(resource["name"]).get("properties", {}).items()
        if prop.get("type") in ("number", "integer", "boolean", "string")
    }
    return {**from_schema, **{f["name"]: f["type"] for f in resource["schema"]["fields"]}}


def _read(resource: dict, data: bytes, problems: list[str]) -> list[dict]:
    types = field_types(resource)
    rows = []
    text = data.decode("utf-8-sig")
    for line, row in enumerate(csv.DictReader(io.StringIO(text)), 2):
        obj = {}
        for column, value in row.items():
            if column is None or value in (None, ""):
                continue
            try:
                obj[column] = _typed(value, types.get(column, "string"))
            except ValueError:
                problems.append(
                    _("%(file)s, line %(line)s, column %(column)s: “%(value)s” is not a %(type)s.")
                    % {
                        "file": resource["path"],
                        "line": line,
                        "column": column,
                        "value": value[:40],
                        "type": types[column],
                    }
                )
        if not obj.get("id"):
            problems.append(
                _("%(file)s, line %(line)s: the row has no id.")
                % {"file": resource["path"], "line": line}
            )
            continue
        rows.append(obj)
    return rows


def _load(files: dict[str, bytes], problems: list[str]) -> dict[str, dict[str, dict]]:
    objects = {}
    for resource in resources():
        data = files.get(resource["path"])
        if data is not None:
            objects[resource["name"]] = {r["id"]: r for r in _read(resource, data, problems)}
    if "organization" not in objects and "service" not in objects:
        problems.append(_("The package holds neither organizations.csv nor services.csv."))
    return objects


def _nest_by_keys(objects, placed: set, problems: list[str]) -> None:
    """Each row into the parents its foreign keys name (or the object it holds)."""
    for resource in resources():
        kind = resource["name"]
        for fk in resource["schema"].get("foreignKeys", []):
            column, target = fk["fields"], fk["reference"]["resource"]
            for obj in objects.get(kind, {}).values():
                ref = obj.get(column)
                other = objects.get(target, {}).get(ref) if ref else None
                if ref and other is None:
                    problems.append(
                        _("%(file)s: %(kind)s %(id)s names %(column)s %(ref)s, not in the package.")
                        % {
                            "file": resource["path"],
                            "kind": kind,
                            "id": obj["id"],
                            "column": column,
                            "ref": ref,
                        }
                    )
                elif other is not None and (kind, column) in HOLDS:
                    obj[HOLDS[(kind, column)][1]] = other
                    placed.add((target, ref))
                elif other is not None and (key := _array_key(target, kind)):
                    other.setdefault(key, []).append(obj)
                    placed.add((kind, obj["id"]))


def _nest_by_entity(objects, placed: set) -> None:
    """Attributes and metadata into the object their entity and id name."""
    for kind, (entity, link) in POLYMORPHIC.items():
        for obj in objects.get(kind, {}).values():
            named = str(obj.get(entity, ""))
            parent = objects.get(named, {}).get(str(obj.get(link, "")))
            key = _array_key(named, kind) if parent is not None else None
            if parent is not None and key:
                parent.setdefault(key, []).append(obj)
                placed.add((kind, obj["id"]))


def _linked_to_nothing(objects, placed: set, problems: list[str]) -> None:
    for resource in resources():
        kind = resource["name"]
        if kind in ROOTS or kind in STANDALONE:
            continue
        for obj_id in objects.get(kind, {}):
            if (kind, obj_id) not in placed:
                problems.append(
                    _("%(file)s: %(kind)s %(id)s is linked to nothing in the package.")
                    % {"file": resource["path"], "kind": kind, "id": obj_id}
                )


def to_json(files: dict[str, bytes]) -> tuple[list[dict], list[str]]:
    """The package's CSVs (by file name) as HSDS JSON roots: organisations with their
    services and locations, and services or locations of no organisation.
    (roots, problems); no roots when there are problems."""
    problems: list[str] = []
    objects = _load(files, problems)
    if problems:
        return [], problems
    placed: set[tuple[str, str]] = set()
    _nest_by_keys(objects, placed, problems)
    _nest_by_entity(objects, placed)
    _linked_to_nothing(objects, placed, problems)
    if problems:
        return [], problems
    roots = list(objects.get("organization", {}).values())
    for kind in ("service", "location"):
        roots += [o for o in objects.get(kind, {}).values() if (kind, o["id"]) not in placed]
    return roots, problems


# --- out ------------------------------------------------------------------------------------


def _kind_of(parent: str, key: str) -> str | None:
    if parent == "organization" and key == "services":
        return "service"
    prop = hsds_io.schema(parent).get("properties", {}).get(key, {})
    ref = prop.get("$ref") or prop.get("items", {}).get("$ref")
    return ref.removesuffix(".json") if ref else None


def _walk(obj: dict, kind: str, rows: dict[str, dict[str, dict]], parent=None) -> None:
    """One object and what it holds as rows. A nested object that does not name its
    parent (JSON need not: a phone in a service's `phones`) gets the parent's id in its
    foreign-key column, so the package says whose it is."""
    own = {k: v for k, v in obj.items() if not isinstance(v, dict | list)}
    if parent is not None:
        column = f"{parent[0]}_id"
        if column in hsds_io.schema(kind).get("properties", {}) and not own.get(column):
            own[column] = parent[1]
    if obj.get("id"):
        rows.setdefault(kind, {}).setdefault(str(obj["id"]), own)
    for key, value in obj.items():
        child = _kind_of(kind, key) if isinstance(value, dict | list) else None
        if child is None:
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict):
                _walk(item, child, rows, (kind, str(obj.get("id") or "")))


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def from_json(roots: list[tuple[str, dict]]) -> dict[str, bytes]:
    """HSDS JSON objects (kind, object) as the package's CSVs, one row per object and id."""
    rows: dict[str, dict[str, dict]] = {}
    for kind, obj in roots:
        _walk(obj, kind, rows)
    files = {}
    for resource in resources():
        found = rows.get(resource["name"])
        if not found:
            continue
        columns = [f["name"] for f in resource["schema"]["fields"]]
        columns = list(dict.fromkeys(["id", *columns, *(k for obj in found.values() for k in obj)]))
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for obj in found.values():
            writer.writerow([_text(obj.get(c)) for c in columns])
        files[resource["path"]] = out.getvalue().encode()
    return files
