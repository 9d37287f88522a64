"""Durations in words (issue 18): "een half uur", "1 uur en 30 minuten", never "1:30"."""

import pytest
from django.template import Context, Template
from django.utils import translation

from buurtkracht.core.durations import duration


@pytest.mark.parametrize(
    ("minutes", "dutch"),
    [
        (30, "een half uur"),
        (90, "1 uur en 30 minuten"),
        (60, "1 uur"),
        (120, "2 uur"),
        (45, "45 minuten"),
        (1, "1 minuut"),
        (61, "1 uur en 1 minuut"),
        (0, "0 minuten"),
        (-90, "min 1 uur en 30 minuten"),
    ],
)
def test_dutch(minutes, dutch):
    with translation.override("nl"):
        assert duration(minutes) == dutch


def test_english():
    with translation.override("en"):
        assert duration(90) == "1 hour and 30 minutes"
        assert duration(30) == "half an hour"


def test_the_template_filter_signs_a_statement_line():
    template = Template('{% load wording %}{{ a|duration:"signed" }} {{ b|duration:"signed" }}')
    with translation.override("nl"):
        assert template.render(Context({"a": 45, "b": -60})) == "+45 minuten −1 uur"
