"""Check that the catalogues are complete and up to date, and the Dutch one plain (B1).
CI fails when they are not.

    .venv/bin/python scripts/check_messages.py        (from the repository root)

The source tree (buurtkracht/, without locale, var and .venv) is copied to a temporary
directory and `makemessages` runs there with the same options as for the real catalogue,
so the committed .po files are never touched. The Dutch catalogue and every other one
(the machine-made first drafts: Arabic, Turkish, Polish, Ukrainian) are checked; the check
fails (exit 1) when

  * a message in the code or templates is missing from the committed catalogue,
  * the committed catalogue holds messages that no longer occur in the code (stale),
  * a message is untranslated (empty msgstr, or any empty msgstr[n]) or marked fuzzy,
  * placeholders (%(name)s) or HTML tags differ between a message and its translation,
  * the header is incomplete or fuzzy (or its plural forms do not match the entries),
  * a Dutch translation uses a word from scripts/b1_avoid.txt or has a sentence of more
    than MAX_WORDS words (B1 Dutch, issue 18), or
  * `msgfmt --check-format --check-header` rejects the file.

Entries with the translator comment "machine-draft" were written by a machine and not
yet checked by a person; they are counted, not refused.

To update the catalogue after changing strings (then translate the new entries):

    cd buurtkracht && ../.venv/bin/buurtkracht makemessages -l nl --no-location \
        --no-obsolete --ignore 'demo/data/*'
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "buurtkracht"
LANGUAGE = "nl"
PO_RELATIVE = Path("locale") / LANGUAGE / "LC_MESSAGES" / "django.po"
PO_FILE = SOURCE / PO_RELATIVE
DRAFTED = ["ar", "tr", "pl", "uk"]
"""Catalogues besides Dutch (English is the msgids themselves)."""
AVOID_FILE = ROOT / "scripts" / "b1_avoid.txt"
MAX_WORDS = 20
"""Words in one sentence of a Dutch translation, at most (B1)."""
MACHINE_DRAFT = "machine-draft"
# The demo's data files are Dutch text, not messages; demo code is scanned like all code.
MAKEMESSAGES_OPTIONS = [
    "-l",
    LANGUAGE,
    "--no-location",
    "--no-obsolete",
    "--ignore",
    "demo/data/*",
]
# Not copied: the catalogue itself (a fresh one is generated), runtime data, caches.
SKIP_TOP = {"locale", "var", ".venv", "node_modules"}
SKIP_ANYWHERE = ("__pycache__", "*.pyc", ".*")

PLACEHOLDER = re.compile(r"%\((\w+)\)[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>")


# --- a small .po parser ---------------------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # index 0 for a singular entry
    flags: set[str] = field(default_factory=set)
    comments: list[str] = field(default_factory=list)
    obsolete: bool = False
    line: int = 0

    @property
    def key(self) -> tuple[str | None, str, str | None]:
        return (self.msgctxt, self.msgid, self.msgid_plural)

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    def label(self) -> str:
        text = self.msgid if len(self.msgid) <= 90 else self.msgid[:87] + "..."
        parts = [repr(text)]
        if self.msgid_plural is not None:
            parts.append(f"(plural {self.msgid_plural!r})")
        if self.msgctxt is not None:
            parts.append(f"[context {self.msgctxt!r}]")
        return " ".join(parts)


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b"}


def _unquote(text: str, path: Path, number: int) -> str:
    text = text.strip()
    if len(text) < 2 or not (text.startswith('"') and text.endswith('"')):
        raise ValueError(f"{path}:{number}: expected a quoted string, got {text!r}")
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), text[1:-1])


class _PoParser:
    """Reads a .po file line by line into entries (what msgfmt reads, no more)."""

    def __init__(self, path: Path):
        self.path = path
        self.entries: list[Entry] = []
        self.current = Entry()
        self.last: tuple[str, int] | None = None  # the field continuation lines extend

    def finish(self) -> None:
        if self.last is not None:
            self.entries.append(self.current)
        self.current, self.last = Entry(), None

    def comment(self, line: str) -> None:
        if self.last is not None:  # a comment starts the next entry
            self.finish()
        if line.startswith("#,"):
            self.current.flags.update(f.strip() for f in line[2:].split(",") if f.strip())
        elif line.startswith("# ") or line == "#":
            self.current.comments.append(line[1:].strip())

    def continuation(self, line: str, number: int) -> None:
        if self.last is None:
            raise ValueError(f"{self.path}:{number}: string without a keyword")
        name, index = self.last
        value = _unquote(line, self.path, number)
        if name == "msgstr":
            self.current.msgstr[index] += value
        else:
            setattr(self.current, name, getattr(self.current, name) + value)

    def keyword(self, line: str, number: int, *, obsolete: bool) -> None:
        keyword, _, rest = line.partition(" ")
        last = self.last
        if last is not None and (
            keyword == "msgctxt" or (keyword == "msgid" and last[0] != "msgctxt")
        ):
            self.finish()
        current = self.current
        current.obsolete = current.obsolete or obsolete
        current.line = current.line or number
        value = _unquote(rest, self.path, number)
        plural_form = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
        if keyword in ("msgctxt", "msgid", "msgid_plural"):
            setattr(current, keyword, value)
            self.last = (keyword, 0)
        elif keyword == "msgstr" or plural_form:
            index = int(plural_form.group(1)) if plural_form else 0
            current.msgstr[index] = value
            self.last = ("msgstr", index)
        else:
            raise ValueError(f"{self.path}:{number}: unknown keyword {keyword!r}")

    def line(self, number: int, raw: str) -> None:
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
            if line.startswith("|"):  # previous msgid of an obsolete entry
                return
        if not line:
            self.finish()
        elif line.startswith("#"):
            self.comment(line)
        elif line.startswith('"'):
            self.continuation(line, number)
        else:
            self.keyword(line, number, obsolete=obsolete)


def parse_po(path: Path) -> list[Entry]:
    parser = _PoParser(path)
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        parser.line(number, raw)
    parser.finish()
    return parser.entries


def header_fields(entry: Entry) -> dict[str, str]:
    fields = {}
    for line in entry.msgstr.get(0, "").splitlines():
        name, sep, value = line.partition(":")
        if sep:
            fields[name.strip()] = value.strip()
    return fields


# --- generating a fresh catalogue -------------------------------------------------------


def _ignore(directory: str, names: list[str]) -> set[str]:
    ignored = shutil.ignore_patterns(*SKIP_ANYWHERE)(directory, names)
    if Path(directory) == SOURCE:
        ignored |= SKIP_TOP & set(names)
    return ignored


def fresh_catalogue(workdir: Path) -> Path:
    """Run makemessages on a copy of the source; return the generated .po file."""
    copy = workdir / "buurtkracht"
    shutil.copytree(SOURCE, copy, ignore=_ignore)
    env = {
        **os.environ,
        # The copy must win over the installed (editable) package, so that the settings'
        # LOCALE_PATHS point into the copy and the real catalogue stays untouched.
        "PYTHONPATH": os.pathsep.join([str(workdir), os.environ.get("PYTHONPATH", "")]).rstrip(
            os.pathsep
        ),
        "BUURTKRACHT_VAR_DIR": str(workdir / "var"),
        "DJANGO_SETTINGS_MODULE": "buurtkracht.settings",
        "SECRET_KEY": "check-messages",
    }
    command = [
        sys.executable,
        "-c",
        "import sys; from buurtkracht.cli import main; main(sys.argv[1:])",
        "makemessages",
        *MAKEMESSAGES_OPTIONS,
        "--verbosity",
        "0",
    ]
    result = subprocess.run(command, cwd=copy, env=env, capture_output=True, text=True)  # noqa: S603
    generated = copy / PO_RELATIVE
    if result.returncode != 0 or not generated.exists():
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit("check_messages: makemessages failed on the copy of the source tree.")
    return generated


# --- the checks -------------------------------------------------------------------------


def _format_flags(entry: Entry) -> set[str]:
    return {f for f in entry.flags if f.endswith("-format")}


def _tags(text: str) -> list[str]:
    return sorted(HTML_TAG.findall(text))


def _check_header(committed: list[Entry], add, language: str = LANGUAGE) -> int:
    """The header's fields; returns the number of plural forms it declares."""
    headers = [e for e in committed if e.is_header and not e.obsolete]
    if not headers:
        add("header", "the catalogue has no header entry")
        return 2
    header = headers[0]
    if "fuzzy" in header.flags:
        add("header", "the header is marked fuzzy: msgfmt would drop it (plural forms!)")
    fields = header_fields(header)
    expected = {"Language": language, "Content-Type": "text/plain; charset=UTF-8"}
    if language == LANGUAGE:
        expected["Plural-Forms"] = "nplurals=2; plural=(n != 1);"
    for name, value in expected.items():
        if fields.get(name) != value:
            add("header", f"{name} must be {value!r}, is {fields.get(name)!r}")
    found = re.match(r"nplurals=(\d+);", fields.get("Plural-Forms", ""))
    if not found:
        if language != LANGUAGE:  # Dutch's own expected value is reported above
            add("header", "Plural-Forms is missing")
        return 2
    return int(found.group(1))


def _check_keys(committed: list[Entry], fresh: list[Entry], add) -> dict[tuple, Entry]:
    """Entries by key: none obsolete, duplicate, missing from or left over after
    makemessages, with the same format flags. Returns the committed ones."""
    by_key: dict[tuple, Entry] = {}
    for entry in (e for e in committed if not e.is_header):
        if entry.obsolete:
            add("stale", f"obsolete entry (#~) {entry.label()}")
            continue
        if entry.key in by_key:
            add("duplicate", f"line {entry.line}: {entry.label()}")
        by_key[entry.key] = entry
    fresh_by_key = {e.key: e for e in fresh if not e.is_header and not e.obsolete}
    for key, entry in fresh_by_key.items():
        if key not in by_key:
            add("missing", entry.label())
        elif _format_flags(entry) != _format_flags(by_key[key]):
            add(
                "flags",
                f"line {by_key[key].line}: {entry.label()} should be flagged "
                f"{sorted(_format_flags(entry)) or 'without format flags'}",
            )
    for key, entry in by_key.items():
        if key not in fresh_by_key:
            add("stale", f"line {entry.line}: {entry.label()}")
    return by_key


def _check_translation(entry: Entry, add, plurals: int = 2) -> None:
    where = f"line {entry.line}: {entry.label()}"
    if "fuzzy" in entry.flags:
        add("fuzzy", where)
    expected_forms = list(range(plurals)) if entry.msgid_plural is not None else [0]
    if sorted(entry.msgstr) != expected_forms:
        add("plural forms", f"{where}: has msgstr {sorted(entry.msgstr)}, not {expected_forms}")
    if any(not entry.msgstr.get(i) for i in expected_forms):
        add("untranslated", where)
        return
    sources = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural is not None else [])
    allowed = {name for text in sources for name in PLACEHOLDER.findall(text)}
    for index in expected_forms:
        translation, source = entry.msgstr[index], sources[min(index, len(sources) - 1)]
        used = set(PLACEHOLDER.findall(translation))
        # Only a singular form (msgstr[0] of a plural entry) may leave out the count.
        needed = set() if index == 0 and len(sources) > 1 else set(PLACEHOLDER.findall(source))
        if used - allowed or needed - used:
            add(
                "placeholders",
                f"{where}: msgstr[{index}] has {sorted(used)}, needs {sorted(needed)}",
            )
        if _tags(translation) != _tags(source):
            add("html", f"{where}: msgstr[{index}] has tags {_tags(translation)}")


def load_avoided(path: Path = AVOID_FILE) -> dict[str, str]:
    """scripts/b1_avoid.txt: word or phrase -> what to write instead."""
    words = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            word, _, instead = line.partition("\t")
            words[word.strip().lower()] = instead.strip()
    return words


SENTENCE_END = re.compile(r"(?<=[.!?:;])\s+|\n")


def _check_plain(entry: Entry, add, avoided: dict[str, str]) -> None:
    """B1 Dutch: no word from the avoid list, no sentence longer than MAX_WORDS words."""
    where = f"line {entry.line}: {entry.label()}"
    for translation in entry.msgstr.values():
        text = PLACEHOLDER.sub(" ", HTML_TAG.sub(" ", translation))
        lowered = text.lower()
        for word, instead in avoided.items():
            if re.search(r"(?<![\w-])" + re.escape(word) + r"(?![\w-])", lowered):
                add("b1 words", f"{where}: {word!r} (write: {instead})")
        for sentence in SENTENCE_END.split(text):
            if len(sentence.split()) > MAX_WORDS:
                add("b1 sentences", f"{where}: {len(sentence.split())} words in {sentence!r}")


def check(
    committed: list[Entry], fresh: list[Entry], language: str = LANGUAGE
) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}

    def add(kind: str, message: str) -> None:
        problems.setdefault(kind, []).append(message)

    plurals = _check_header(committed, add, language)
    avoided = load_avoided() if language == LANGUAGE else {}
    for entry in _check_keys(committed, fresh, add).values():
        _check_translation(entry, add, plurals)
        if avoided:
            _check_plain(entry, add, avoided)
    return problems


def machine_drafts(entries: list[Entry]) -> int:
    return sum(1 for e in entries if not e.is_header and MACHINE_DRAFT in e.comments)


def run_msgfmt(path: Path) -> str | None:
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        return "msgfmt not found: install gettext (make system-deps)"
    result = subprocess.run(  # noqa: S603
        [msgfmt, "--check-format", "--check-header", "-o", os.devnull, str(path)],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        return (result.stderr or result.stdout).strip() or "msgfmt failed"
    return None


def _report(path: Path, problems: dict[str, list[str]]) -> None:
    print(f"{path.relative_to(ROOT)} is not complete:", file=sys.stderr)
    for kind, messages in problems.items():
        print(f"\n{kind} ({len(messages)}):", file=sys.stderr)
        for message in messages:
            print(f"  {message}", file=sys.stderr)


def main() -> int:
    files = {LANGUAGE: PO_FILE}
    for language in DRAFTED:
        files[language] = SOURCE / "locale" / language / "LC_MESSAGES" / "django.po"
    missing = [path for path in files.values() if not path.exists()]
    if missing:
        for path in missing:
            print(f"check_messages: {path.relative_to(ROOT)} does not exist.", file=sys.stderr)
        return 1
    before = {path: path.read_bytes() for path in files.values()}
    with tempfile.TemporaryDirectory(prefix="check-messages-") as workdir:
        fresh = parse_po(fresh_catalogue(Path(workdir)))
    for path, content in before.items():
        if path.read_bytes() != content:  # never expected; guard the committed files anyway
            path.write_bytes(content)
            print(f"check_messages: {path} was changed; restored.", file=sys.stderr)
            return 1
    failed = False
    for language, path in files.items():
        committed = parse_po(path)
        problems = check(committed, fresh, language)
        msgfmt_error = run_msgfmt(path)
        if msgfmt_error:
            problems.setdefault("msgfmt", []).append(msgfmt_error)
        if problems:
            _report(path, problems)
            failed = True
            continue
        count = sum(1 for e in committed if not e.is_header and not e.obsolete)
        drafts = machine_drafts(committed)
        note = f", {drafts} machine-made drafts not checked by a person yet" if drafts else ""
        print(f"catalogue {language} complete: {count} entries{note}")
    if failed:
        print(
            "\nUpdate the catalogues (see scripts/check_messages.py), translate every entry "
            "and remove '#, fuzzy'.",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
