"""Reading and writing spreadsheets: CSV (any common encoding and delimiter) and XLSX.

Reading returns plain text cells; what the cells mean is decided in services.py.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import FileFormat

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
# Characters of text in all cells together.
MAX_TEXT = 4 * MAX_BYTES
# Counting stops here, so a crafted file cannot keep the server busy.
COUNT_LIMIT = 1_000_000
DELIMITERS = (";", ",", "\t")

ENCODING_LABELS = {
    "utf-8": gettext_lazy("UTF-8"),
    "utf-8-sig": gettext_lazy("UTF-8 (with BOM)"),
    "utf-16": gettext_lazy("UTF-16 (Unicode text from Excel)"),
    "cp1252": gettext_lazy("Windows-1252 (older Excel)"),
}
DELIMITER_LABELS = {
    ";": gettext_lazy("semicolon (;)"),
    ",": gettext_lazy("comma (,)"),
    "\t": gettext_lazy("tab"),
}
# Excel runs a cell starting with one of these as a formula: exported text gets a leading
# apostrophe, which reading removes again.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

csv.field_size_limit(MAX_BYTES)


@dataclass
class Sheet:
    file_format: str
    encoding: str
    delimiter: str
    headers: list[str]
    # (row number in the file, cells); empty rows are left out.
    rows: list[tuple[int, list[str]]]


def _fmt(number: int) -> str:
    return number_format(number, force_grouping=True)


def _unreadable() -> ValidationError:
    return ValidationError(
        _(
            "We cannot read this file. Save it in Excel as CSV (comma or semicolon) or as "
            "Excel workbook (.xlsx), and try again."
        ),
        code="unreadable",
    )


def _too_big(size: int) -> ValidationError:
    return ValidationError(
        _("Your file is %(size)s MB. Upload at most %(max)s MB at a time; split the file.")
        % {"size": _fmt(round(size / 1024 / 1024, 1)), "max": MAX_BYTES // 1024 // 1024},
        code="too_big",
    )


def detect_format(filename: str, data: bytes) -> str:
    name = filename.lower()
    if data[:4] == b"PK\x03\x04" or name.endswith((".xlsx", ".xlsm")):
        return FileFormat.XLSX
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" or name.endswith(".xls"):
        raise ValidationError(
            _("This is an old Excel file (.xls). Save it as .xlsx or as CSV, and try again."),
            code="old_excel",
        )
    if name.endswith((".csv", ".txt", ".tsv")) or "." not in name:
        return FileFormat.CSV
    raise ValidationError(
        _("Choose a CSV file or an Excel file (.xlsx)."),
        code="format",
    )


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding used: UTF-8 (with or without BOM), UTF-16 with a BOM, or
    Windows-1252 (what Excel writes as "CSV" on Dutch Windows) when UTF-8 fails."""
    if data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "cp1252"]
    for encoding in candidates:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise _unreadable()


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the header line into the most cells (';' wins ties:
    Dutch Excel writes it)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    best, best_count = ";", 1
    for delimiter in DELIMITERS:
        count = len(next(csv.reader([first], delimiter=delimiter), []))
        if count > best_count:
            best, best_count = delimiter, count
    return best


def _clean_cell(value: str) -> str:
    value = value.strip()
    if value.startswith("'") and value[1:2] in FORMULA_START:
        return value[1:]
    return value


def _csv_rows(text: str, delimiter: str) -> Iterator[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            cells = [cell.strip() for cell in row]
            if any(cell.startswith("'") for cell in cells):
                cells = [_clean_cell(cell) for cell in cells]
            yield cells
    except csv.Error:
        raise _unreadable() from None


def _xlsx_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return _clean_cell(str(value))


def _xlsx_rows(data: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # a broken zip, or openpyxl's own errors for files that are no workbook
        raise _unreadable() from None
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield [_xlsx_value(v) for v in row]
    except ValidationError:
        raise
    except Exception:
        raise _unreadable() from None
    finally:
        workbook.close()


def read_sheet(*, filename: str, data: bytes, max_rows: int = MAX_ROWS) -> Sheet:
    """Read a CSV or XLSX file into a header and rows of text.

    Refuses (ValidationError, in Dutch) files that are too big, empty, without a header,
    unreadable, or with more than `max_rows` data rows.
    """
    if len(data) > MAX_BYTES:
        raise _too_big(len(data))
    if not data.strip():
        raise ValidationError(_("Your file is empty."), code="empty")
    file_format = detect_format(filename, data)
    if file_format == FileFormat.XLSX:
        encoding, delimiter = "", ""
        raw: Iterable[list[str]] = _xlsx_rows(data)
    else:
        text, encoding = decode(data)
        if "\x00" in text:
            raise _unreadable()
        delimiter = sniff_delimiter(text)
        raw = _csv_rows(text, delimiter)
    return _collect(raw, file_format, encoding, delimiter, max_rows)


def _collect(raw, file_format, encoding, delimiter, max_rows) -> Sheet:
    headers: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    count = size = 0
    for number, cells in enumerate(raw, start=1):
        if not any(cells):
            continue
        if headers is None:
            while cells and not cells[-1]:
                cells.pop()
            headers = cells
            continue
        count += 1
        if count <= max_rows:
            cells = cells[: len(headers)]
            size += sum(map(len, cells))
            if size > MAX_TEXT:  # a small XLSX can hold a lot of text
                raise _too_big(size)
            rows.append((number, cells))
        elif count >= COUNT_LIMIT:
            break
    if headers is None:
        raise ValidationError(_("Your file is empty."), code="empty")
    if not rows:
        raise ValidationError(
            _("Your file has a header row but no rows below it. Nothing to import."),
            code="no_rows",
        )
    if count > max_rows:
        raise ValidationError(
            _(
                "Your file has %(count)s rows. Import at most %(max)s rows at a time; "
                "split the file."
            )
            % {"count": _fmt(count), "max": _fmt(max_rows)},
            code="too_many_rows",
        )
    return Sheet(file_format, encoding, delimiter, headers, rows)


# --- writing ---------------------------------------------------------------------------------


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        # Dutch Excel reads a decimal comma; the import accepts both.
        return format(value.normalize(), "f").replace(".", ",")
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)  # a number, even a negative one, is never a formula
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def write_csv(headers: list[str], rows: Iterable[list]) -> bytes:
    """UTF-8 with BOM and ';' so Dutch Excel opens it with the right letters and columns."""
    return b"".join(_csv_lines(headers, rows))


def write_xlsx(headers: list[str], rows: Iterable[list], *, title: str) -> bytes:
    out = io.BytesIO()
    _save_xlsx(headers, rows, title=title, out=out)
    return out.getvalue()


def _save_xlsx(headers: list[str], rows: Iterable[list], *, title: str, out) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])

    def cell(value):
        if not (isinstance(value, str) and value.startswith("=")):
            return value
        text = WriteOnlyCell(sheet, value=value)
        text.data_type = "s"  # openpyxl would write it as a formula
        return text

    sheet.append(headers)
    for row in rows:
        sheet.append([cell(v) for v in row])
    workbook.save(out)


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def download(*, fmt: str, stem: str, headers: list[str], rows: Iterable[list], title: str):
    """A CSV or XLSX file as a download named `<stem>-<today>.<fmt>`. Neither is held in
    memory whole: a CSV streams line by line as `rows` yields them, an XLSX is written
    to a temporary file (openpyxl's write-only mode) and sent from there. So an export
    of a city's ledger costs time, never the worker's memory."""
    import tempfile

    from django.http import FileResponse, StreamingHttpResponse
    from django.utils import timezone

    name = f"{stem}-{timezone.localdate():%Y-%m-%d}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(_csv_lines(headers, rows), content_type=CONTENT_TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when sent
    _save_xlsx(headers, rows, title=title, out=spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=name, content_type=CONTENT_TYPES[fmt])


def _csv_lines(headers: list[str], rows: Iterable[list]):
    """The lines of `write_csv`, one at a time (the BOM before the first)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    yield codecs.BOM_UTF8 + out.getvalue().encode("utf-8")
    for row in rows:
        out.seek(0)
        out.truncate()
        writer.writerow([_csv_cell(v) for v in row])
        yield out.getvalue().encode("utf-8")
