"""The shape issue 17 asks of the code, checked so it stays: one URL per action (no form
says which action it is in a hidden field, no view reads one) and small views."""

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "buurtkracht"
VIEW_MODULES = sorted([*PACKAGE.glob("*/views.py"), *PACKAGE.glob("*/views/*.py")])
VIEW_LINES_MAX = 40


def _views(path: Path):
    """Functions of a views module that take the request first: views and their helpers."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef) and [a.arg for a in node.args.args][:1] == ["request"]:
            yield node


@pytest.mark.parametrize("path", VIEW_MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_view_is_over_forty_lines(path):
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in _views(path)
        if node.end_lineno - node.lineno + 1 > VIEW_LINES_MAX
    ]
    assert not long, f"{path.name}: split into one view per action or a selector: {long}"


def test_no_view_dispatches_on_a_posted_action():
    found = [
        f"{path.relative_to(PACKAGE)}:{number}"
        for path in VIEW_MODULES
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"""POST(\.get\(|\[)\s*["']action["']""", line)
    ]
    assert not found, f"post each form to a URL of its own instead: {found}"


def test_no_template_names_its_action_in_a_hidden_field():
    hidden_action = re.compile(r"""type=["']hidden["'][^>]*name=["']action["']""")
    found = [
        str(path.relative_to(PACKAGE))
        for path in sorted(PACKAGE.rglob("templates/**/*.html"))
        if hidden_action.search(path.read_text(encoding="utf-8"))
    ]
    assert not found, f"post each form to a URL of its own instead: {found}"


def test_tests_assert_service_refusals_by_code_not_by_dutch_words():
    """A refusal's code says what went wrong; its Dutch words may be improved any day."""
    fragment = re.compile(r"raises\(\s*ValidationError\s*,\s*match=")
    found = [
        str(path.name)
        for path in sorted(Path(__file__).parent.rglob("test_*.py"))
        if fragment.search(path.read_text(encoding="utf-8"))
    ]
    assert not found, f"assert on the code (tests.helpers.refused): {found}"
