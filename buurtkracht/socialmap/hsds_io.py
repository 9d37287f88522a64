"""HSDS 3.1 JSON in and out (issue 19).

In: any of HSDS's nested shapes — a service (`service_full`), an organization
(`organization_full`), a service at a location, or a list of them (a JSON array, or the API's
page `{"contents": [...]}`). `plan()` checks every object against the HSDS schemas (shipped
in `hsds/`: required fields, types, enums), finds objects without an id and objects that
appear twice with different contents, and gathers the organisations, services, locations
and services-at-locations with their place in their lists. Nothing is written here;
`services.hsds_import` writes a plan without problems in one transaction.

Out: the same shapes, put back together from the stored documents (`service_full`,
`organization_full`, `service_at_location_full`), so a round trip loses nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.utils.translation import gettext as _

SCHEMAS = Path(__file__).resolve().parent / "hsds"
PROBLEMS_SHOWN = 50
TYPES = {
    "string": (str,),
    "number": (int, float),
    "integer": (int,),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
}
# The objects that are rows of their own: left out of the stored documents and put back
# on export. (kind, key in the document) → the kind it holds.
OWN_ROWS = {
    ("service", "organization"): "organization",
    ("service", "service_at_locations"): "service_at_location",
    ("organization", "services"): "service",
    ("organization", "locations"): "location",
    ("service_at_location", "location"): "location",
    ("service_at_location", "service"): "service",
}


NESTED = "_nested"
"""In a stored document: which of its own-row keys the HSDS object had, so that export
gives back exactly those (a service in a `service_at_location_full` has no list of its
places; the same service on its own has one)."""


@cache
def schema(name: str) -> dict:
    return json.loads((SCHEMAS / f"{name}.json").read_text(encoding="utf-8"))


def _type_ok(value, kind: str) -> bool:
    if isinstance(value, bool) and kind in ("number", "integer"):
        return False
    return isinstance(value, TYPES.get(kind, (object,)))


def check(obj, name: str, path: str, problems: list[str]) -> None:
    """`obj` against HSDS schema `name`: an object, its required fields, the types and
    enums of its fields, and the same for every object nested in it."""
    if not isinstance(obj, dict):
        problems.append(_("%(path)s: must be an object {…}.") % {"path": path})
        return
    spec = schema(name)
    for required in spec.get("required", []):
        if obj.get(required) in (None, ""):
            problems.append(
                _("%(path)s: “%(field)s” is missing.") % {"path": path, "field": required}
            )
    for key, value in obj.items():
        prop = spec.get("properties", {}).get(key)
        if prop is None or value is None:
            continue  # fields of extensions are kept as they are; null is "not given"
        where = f"{path}.{key}"
        ref = prop.get("$ref") or prop.get("items", {}).get("$ref")
        if prop.get("type") and not _type_ok(value, prop["type"]):
            problems.append(
                _("%(path)s: must be of type %(type)s.") % {"path": where, "type": prop["type"]}
            )
            continue
        if "enum" in prop and value not in prop["enum"]:
            problems.append(
                _("%(path)s: “%(value)s” is not one of %(allowed)s.")
                % {"path": where, "value": str(value)[:40], "allowed": ", ".join(prop["enum"])}
            )
        if ref and prop.get("type") == "array":
            for n, item in enumerate(value):
                check(item, ref.removesuffix(".json"), f"{where}[{n}]", problems)
        elif ref:
            check(value, ref.removesuffix(".json"), where, problems)


@dataclass
class Plan:
    objects: dict[str, dict[str, dict]] = field(default_factory=lambda: {k: {} for k in KINDS})
    """kind → id → the stored document (without the objects that are rows of their own)."""
    links: dict[str, dict[str, tuple[str, int]]] = field(
        default_factory=lambda: {k: {} for k in KINDS}
    )
    """kind → id → (the id of what it belongs to, its place there): a service's
    organisation, a location's organisation, a service-at-location's service."""
    at: dict[str, str] = field(default_factory=dict)
    """service-at-location id → location id."""
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and any(self.objects.values())

    def counts(self) -> dict[str, int]:
        return {kind: len(found) for kind, found in self.objects.items()}


KINDS = ("organization", "service", "location", "service_at_location")


def _collect(obj: dict, kind: str, path: str, plan: Plan, parent: tuple[str, int] | None):
    """Record `obj` (already checked) and the objects nested in it that are rows too."""
    hsds_id = str(obj.get("id") or "")
    if not hsds_id:
        return  # `check` reported it
    document = {k: v for k, v in obj.items() if (kind, k) not in OWN_ROWS}
    nested_keys = [k for (owner, k) in OWN_ROWS if owner == kind and k in obj]
    if nested_keys:
        document[NESTED] = nested_keys
    seen = plan.objects[kind].get(hsds_id)
    if seen is not None:
        if _own(seen)[0] != _own(document)[0]:
            plan.problems.append(
                _("%(path)s: %(kind)s %(id)s appears twice, with different contents.")
                % {"path": path, "kind": kind, "id": hsds_id}
            )
            return
        merged = list(dict.fromkeys([*seen.get(NESTED, []), *nested_keys]))
        if merged:
            document[NESTED] = merged
    plan.objects[kind][hsds_id] = document
    if parent is not None:
        plan.links[kind].setdefault(hsds_id, parent)
    for (owner, key), child in OWN_ROWS.items():
        if owner != kind or obj.get(key) is None:
            continue
        nested = obj[key]
        if isinstance(nested, dict):  # a service's organisation, a SAL's location or service
            _collect(nested, child, f"{path}.{key}", plan, None)
            if child == "organization":
                plan.links["service"].setdefault(hsds_id, (str(nested.get("id")), 0))
            elif child == "location":
                plan.at[hsds_id] = str(nested.get("id"))
            elif child == "service":
                plan.links["service_at_location"].setdefault(hsds_id, (str(nested.get("id")), 0))
            continue
        for n, item in enumerate(nested if isinstance(nested, list) else []):
            if isinstance(item, dict):
                _collect(item, child, f"{path}.{key}[{n}]", plan, (hsds_id, n))


def _check_references(plan: Plan) -> None:
    for sal_id, document in plan.objects["service_at_location"].items():
        if sal_id not in plan.at:
            given = document.get("location_id")
            if given and given in plan.objects["location"]:
                plan.at[sal_id] = given
            else:
                plan.problems.append(
                    _("service_at_location %(id)s: its location (%(location)s) is not in the file.")
                    % {"id": sal_id, "location": given or "?"}
                )
        if sal_id not in plan.links["service_at_location"]:
            plan.problems.append(
                _("service_at_location %(id)s: it belongs to no service in the file.")
                % {"id": sal_id}
            )
    for service_id, document in plan.objects["service"].items():
        named = document.get("organization_id")
        owner = plan.links["service"].get(service_id, (named, 0))[0]
        if named and owner and named != owner:
            plan.problems.append(
                _("service %(id)s: organization_id %(named)s is not the organization it is in.")
                % {"id": service_id, "named": named}
            )
        if named and not owner and named not in plan.objects["organization"]:
            plan.problems.append(
                _("service %(id)s: organization %(named)s is not in the file.")
                % {"id": service_id, "named": named}
            )


def _roots(loaded) -> list[tuple[str, dict]] | None:
    """(kind, object) of the file's top-level objects; None when it is no HSDS shape."""
    if isinstance(loaded, dict) and isinstance(loaded.get("contents"), list):
        loaded = loaded["contents"]
    items = loaded if isinstance(loaded, list) else [loaded]
    found = []
    for item in items:
        if not isinstance(item, dict):
            return None
        if "services" in item or "legal_status" in item or "organization_identifiers" in item:
            found.append(("organization", item))
        elif ("location" in item or "location_id" in item) and (
            "service" in item or "service_id" in item
        ):
            found.append(("service_at_location", item))
        elif "status" in item or "service_at_locations" in item or "organization" in item:
            found.append(("service", item))
        elif "location_type" in item:
            found.append(("location", item))
        else:
            return None
    return found


def plan(data: bytes) -> Plan:
    """Read and check an HSDS JSON file; writes nothing."""
    result = Plan()
    try:
        loaded = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        line = getattr(error, "lineno", None)
        result.problems.append(
            _("The file is not JSON (line %(line)s).") % {"line": line}
            if line
            else _("The file is not JSON.")
        )
        return result
    roots = _roots(loaded)
    if roots is None:
        result.problems.append(
            _("This is no HSDS data: expected services, organizations or locations.")
        )
        return result
    for n, (kind, obj) in enumerate(roots):
        path = f"{kind}[{n}]" if len(roots) > 1 else kind
        check(obj, kind, path, result.problems)
        _collect(obj, kind, path, result, None)
    if not result.problems:
        _check_references(result)
    return result


# --- out ------------------------------------------------------------------------------------


def _own(document: dict) -> tuple[dict, list[str]]:
    mine = dict(document)
    return mine, mine.pop(NESTED, [])


def location_full(location) -> dict:
    return _own(location.document)[0]


def organization_doc(organization, *, with_services: bool) -> dict:
    document, nested = _own(organization.document)
    if "locations" in nested:
        document["locations"] = [location_full(loc) for loc in organization.locations.all()]
    if with_services and "services" in nested:
        document["services"] = [
            service_doc(service, with_organization=False) for service in organization.services.all()
        ]
    return document


def service_at_location_doc(sal, *, with_service: bool) -> dict:
    document, nested = _own(sal.document)
    if "location" in nested:
        document["location"] = location_full(sal.location)
    if with_service and "service" in nested:
        document["service"] = service_doc(sal.service, with_organization=True)
    return document


def service_doc(service, *, with_organization: bool, whole: bool = False) -> dict:
    """`whole`: with its places and organisation even when the imported object had none
    (HSDS's `GET /services/{id}` shape); otherwise as it came."""
    document, nested = _own(service.document)
    if whole or "service_at_locations" in nested:
        document["service_at_locations"] = [
            service_at_location_doc(sal, with_service=False) for sal in service.at_locations.all()
        ]
    if (
        with_organization
        and (whole or "organization" in nested)
        and service.organization is not None
    ):
        document["organization"] = organization_doc(service.organization, with_services=False)
    return document


def service_full(service) -> dict:
    """HSDS's `GET /services/{id}`: the service with its organisation and locations."""
    return service_doc(service, with_organization=True, whole=True)


def organization_full(organization) -> dict:
    """HSDS's `GET /organizations/{id}` with its services and locations."""
    return organization_doc(organization, with_services=True)


def service_at_location_full(sal) -> dict:
    return service_at_location_doc(sal, with_service=True)
