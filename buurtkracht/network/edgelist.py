"""Reading relationship maps that community workers already keep (issue 7).

`read_edges` reads a CSV edge list, a Kumu JSON export (a "blueprint") or a Kumu
spreadsheet (XLSX with the sheets Elements and Connections) into an `EdgeList`: the ties
with the line (or row) they came from, every name (also people without ties, when the
format lists them) and the problems found, each with its line and a message the user can
act on. It never raises for bad input: the app shows the problems in a dry-run preview and
imports nothing while there are any; the `network-analyse` command prints them.

Rows are streamed, so a file with five million rows stops at `max_rows` without being
loaded. Names are not checked against residents here (the app does that, using `line`).
Ties are undirected: "A,B" and later "B,A" is a duplicate.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import math
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

FORMATS = ("csv", "kumu-json", "kumu-xlsx")
#: At most this many problems are kept; the rest are counted in one closing message.
MAX_PROBLEMS = 1000
#: A Kumu JSON file is parsed whole; this many bytes per allowed row is far more than a
#: connection needs, so anything bigger is refused before parsing.
JSON_BYTES_PER_ROW = 400

SOURCE_NAMES = ("source", "bron", "from", "van")
TARGET_NAMES = ("target", "doel", "to", "naar")
WEIGHT_NAMES = ("weight", "gewicht", "strength", "sterkte")


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    weight: float
    line: int


@dataclass(frozen=True)
class Problem:
    line: int  # 0: the file as a whole
    message: str


@dataclass
class EdgeList:
    edges: list[Edge] = field(default_factory=list)
    nodes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    format: str = ""
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def triples(self) -> list[tuple[str, str, float]]:
        """The ties as `analysis.analyse` takes them."""
        return [(e.source, e.target, e.weight) for e in self.edges]


class _TooMany(Exception):
    """Raised inside a reader to stop streaming at max_rows."""


class _Collector:
    """Checks ties one by one and collects edges, names and problems."""

    def __init__(self, result: EdgeList, max_rows: int, max_problems: int = MAX_PROBLEMS):
        self.result = result
        self.max_rows = max_rows
        self.max_problems = max_problems
        self.seen: dict[tuple[str, str], str] = {}
        self.names: dict[str, None] = {}
        self.dropped = 0

    def problem(self, line: int, message: str) -> None:
        if len(self.result.problems) < self.max_problems:
            self.result.problems.append(Problem(line, message))
        else:
            self.dropped += 1

    def name(self, value: str) -> None:
        self.names.setdefault(value, None)

    def count_row(self, line: int, where: str) -> None:
        self.result.rows += 1
        if self.result.rows > self.max_rows:
            # The reason reading stopped comes first, whatever else was found.
            self.result.problems.insert(
                0,
                Problem(
                    line,
                    _(
                        "the file has more than %(max)d ties; stopped reading at %(where)s. "
                        "Split the file into smaller parts."
                    )
                    % {"max": self.max_rows, "where": where},
                ),
            )
            raise _TooMany

    def tie(self, where: str, line: int, source, target, weight) -> None:
        source = _text(source)
        target = _text(target)
        if not source or not target:
            self.problem(line, _("%(where)s: a name is missing") % {"where": where})
            return
        value = _weight(weight)
        if value is None:
            self.problem(
                line,
                _("%(where)s: the weight %(value)s is not a number")
                % {"where": where, "value": _text(weight)},
            )
            return
        if value <= 0:
            self.problem(
                line,
                _("%(where)s: the weight must be more than 0, not %(value)s")
                % {"where": where, "value": _text(weight)},
            )
            return
        if source == target:
            self.problem(
                line,
                _("%(where)s: a tie from %(name)s to itself") % {"where": where, "name": source},
            )
            return
        key = (source, target) if source < target else (target, source)
        first = self.seen.get(key)
        if first is not None:
            self.problem(
                line,
                _("%(where)s: the tie between %(a)s and %(b)s is already at %(first)s")
                % {"where": where, "a": source, "b": target, "first": first},
            )
            return
        self.seen[key] = where
        self.name(source)
        self.name(target)
        self.result.edges.append(Edge(source, target, value, line))

    def finish(self) -> EdgeList:
        if self.dropped:
            self.result.problems.append(
                Problem(0, _("more problems, not shown: %(count)d") % {"count": self.dropped})
            )
        self.result.nodes = list(self.names)
        return self.result


def _line(line: int) -> str:
    return _("line %(line)d") % {"line": line}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _weight(value) -> float | None:
    """A weight from a cell: empty means 1; "2,5" (Dutch decimal comma) means 2.5."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return 1.0
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip()
        if "," in text and "." not in text:
            text = text.replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            return None
    return number if math.isfinite(number) else None


def _column(header: list[str], names: Iterable[str]) -> int | None:
    wanted = set(names)
    for position, title in enumerate(header):
        if _text(title).lower().lstrip("\ufeff") in wanted:
            return position
    return None


# ---------------------------------------------------------------------------------- CSV


def _read_csv(raw, collect: _Collector) -> None:
    text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
    try:
        first = text.readline()
        skipped = 0
        while first and not first.strip():
            first = text.readline()
            skipped += 1
        if not first:
            collect.problem(0, _("the file is empty"))
            return
        delimiter = max(",;\t", key=first.count) if any(c in first for c in ",;\t") else ","
        header = next(csv.reader([first], delimiter=delimiter))
        source = _column(header, SOURCE_NAMES)
        target = _column(header, TARGET_NAMES)
        weight = _column(header, WEIGHT_NAMES)
        missing = [
            name for name, position in (("source", source), ("target", target)) if position is None
        ]
        if missing:
            collect.problem(
                skipped + 1,
                _(
                    "%(where)s must name the columns source and target (or bron and doel); "
                    "missing: %(columns)s"
                )
                % {"where": _line(skipped + 1), "columns": ", ".join(missing)},
            )
            return
        reader = csv.reader(text, delimiter=delimiter)
        width = max(source, target)
        for row in reader:
            line = reader.line_num + 1 + skipped
            if not any(cell.strip() for cell in row):
                continue
            collect.count_row(line, _line(line))
            if len(row) <= width:
                collect.problem(
                    line,
                    _("%(where)s: expected at least %(count)d columns, found %(found)d")
                    % {"where": _line(line), "count": width + 1, "found": len(row)},
                )
                continue
            value = row[weight] if weight is not None and weight < len(row) else None
            collect.tie(_line(line), line, row[source], row[target], value)
        if collect.result.rows == 0:
            collect.problem(0, _("the file has column names but no ties"))
    except UnicodeDecodeError:
        collect.problem(0, _("the file is not UTF-8 text; save it as CSV UTF-8"))
    except csv.Error as error:
        collect.problem(0, _("not a valid CSV file: %(error)s") % {"error": error})
    finally:
        text.detach()


# ---------------------------------------------------------------------------- Kumu JSON


def _read_kumu_json(raw, collect: _Collector) -> None:
    limit = max(collect.max_rows, 1) * JSON_BYTES_PER_ROW
    data = raw.read(limit + 1)
    if len(data) > limit:
        collect.problem(
            0,
            _("the file is larger than %(size)d MB; split it into smaller parts")
            % {"size": limit // 1_000_000 or 1},
        )
        return
    if not data.strip():
        collect.problem(0, _("the file is empty"))
        return
    try:
        blueprint = json.loads(codecs.decode(data, "utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        collect.problem(0, _("not a valid Kumu JSON file: the JSON cannot be read"))
        return
    if not isinstance(blueprint, dict) or not isinstance(blueprint.get("connections", []), list):
        collect.problem(
            0, _("not a valid Kumu JSON file: expected lists of elements and connections")
        )
        return
    elements = blueprint.get("elements", [])
    if not isinstance(elements, list):
        elements = []
    labels: dict[str, str] = {}
    for element in elements:
        if not isinstance(element, dict):
            continue
        label = _text(_attribute(element, "label"))
        if not label:
            continue
        collect.name(label)
        for key in ("_id", "id"):
            if element.get(key) is not None:
                labels[_text(element[key])] = label
    connections = blueprint.get("connections", [])
    for number, connection in enumerate(connections, start=1):
        where = _("connection %(number)d") % {"number": number}
        collect.count_row(number, where)
        if not isinstance(connection, dict):
            collect.problem(number, _("%(where)s: a name is missing") % {"where": where})
            continue
        ends = [_text(_attribute(connection, key)) for key in ("from", "to")]
        source, target = (labels.get(end, end) for end in ends)
        weight = next(
            (
                _attribute(connection, key)
                for key in WEIGHT_NAMES
                if _attribute(connection, key) is not None
            ),
            None,
        )
        collect.tie(where, number, source, target, weight)
    if not connections and not collect.names:
        collect.problem(0, _("the file has no elements and no connections"))


def _attribute(item: dict, key: str):
    """A Kumu field, at the top level (blueprints) or under "attributes" (exports)."""
    if key in item:
        return item[key]
    attributes = item.get("attributes")
    if isinstance(attributes, dict):
        for name, value in attributes.items():
            if name.lower() == key:
                return value
    return None


# ---------------------------------------------------------------------------- Kumu XLSX


def _read_kumu_xlsx(raw, collect: _Collector) -> None:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(raw, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        collect.problem(0, _("not a valid Excel file (.xlsx)"))
        return
    try:
        sheets = {name.strip().lower(): workbook[name] for name in workbook.sheetnames}
        elements = sheets.get("elements")
        if elements is not None:
            rows = elements.iter_rows(values_only=True)
            header = [_text(cell).lower() for cell in next(rows, ())]
            label = _column(header, ("label", "name", "naam"))
            if label is not None:
                for row in rows:
                    if label < len(row) and _text(row[label]):
                        collect.name(_text(row[label]))
        connections = sheets.get("connections")
        if connections is None:
            collect.problem(0, _("the spreadsheet has no sheet called Connections"))
            return
        sheet = connections.title
        rows = connections.iter_rows(values_only=True)
        header = [_text(cell).lower() for cell in next(rows, ())]
        source = _column(header, SOURCE_NAMES)
        target = _column(header, TARGET_NAMES)
        weight = _column(header, WEIGHT_NAMES)
        if source is None or target is None:
            collect.problem(
                1,
                _("row 1 of %(sheet)s must name the columns From and To")
                % {"sheet": connections.title},
            )
            return
        for number, row in enumerate(rows, start=2):
            if not any(_text(cell) for cell in row):
                continue
            where = _("row %(row)d of %(sheet)s") % {"row": number, "sheet": sheet}
            collect.count_row(number, where)

            def cell(position, row=row):
                return row[position] if position is not None and position < len(row) else None

            collect.tie(where, number, cell(source), cell(target), cell(weight))
    finally:
        workbook.close()


# --------------------------------------------------------------------------------- entry


def guess_format(name: str, head: bytes) -> str:
    """The format from the file name's extension, else from its first bytes."""
    suffix = Path(name).suffix.lower()
    if suffix == ".xlsx":
        return "kumu-xlsx"
    if suffix == ".json":
        return "kumu-json"
    if suffix in {".csv", ".txt", ".tsv"}:
        return "csv"
    if head.startswith(b"PK"):
        return "kumu-xlsx"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"{", b"[")):
        return "kumu-json"
    return "csv"


def _binary(fileobj):
    """A binary, seekable-or-not stream for paths, bytes and text or binary file objects."""
    if isinstance(fileobj, str | Path):
        return open(fileobj, "rb")  # noqa: SIM115 (closed by read_edges)
    if isinstance(fileobj, bytes):
        return io.BytesIO(fileobj)
    if isinstance(fileobj, io.TextIOBase):
        return (
            fileobj.buffer
            if hasattr(fileobj, "buffer")
            else io.BytesIO(fileobj.read().encode("utf-8"))
        )
    return fileobj


class _Peek(io.RawIOBase):
    """A stream with its first bytes read ahead (to guess the format) and put back."""

    def __init__(self, head: bytes, rest):
        self.head = head
        self.rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.head:
            size = min(len(buffer), len(self.head))
            buffer[:size] = self.head[:size]
            self.head = self.head[size:]
            return size
        data = self.rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def read_edges(
    fileobj_or_path,
    *,
    fmt: str | None = None,
    max_rows: int = 1_000_000,
    max_problems: int = MAX_PROBLEMS,
) -> EdgeList:
    """Read ties from a path, bytes or a file object (binary or text) in `fmt` (guessed
    from the name or the first bytes when None). See the module docstring."""
    if fmt is not None and fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    opened = isinstance(fileobj_or_path, str | Path)
    raw = _binary(fileobj_or_path)
    try:
        name = str(fileobj_or_path) if opened else str(getattr(raw, "name", ""))
        head = raw.read(8) or b""
        fmt = fmt or guess_format(name, head)
        stream = io.BufferedReader(_Peek(head, raw), buffer_size=1 << 16)
        result = EdgeList(format=fmt)
        collect = _Collector(result, max_rows, max_problems)
        try:
            if fmt == "csv":
                _read_csv(stream, collect)
            elif fmt == "kumu-json":
                _read_kumu_json(stream, collect)
            else:
                _read_kumu_xlsx(io.BytesIO(stream.read()), collect)
        except _TooMany:
            pass
        return collect.finish()
    finally:
        if opened:
            raw.close()
