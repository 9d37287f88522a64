"""The network overview's stored part, computed by a background job (decision 0029).

Reading every event, folding and analysing a 100,000-resident neighbourhood takes tens of
seconds: far too long for a page, and the same for every viewer. The job `compute`s it
once per change and stores plain JSON (`jobs.Snapshot`, kind "network"); the page
(`selectors.overview`) reads that row and adds what depends on the viewer and on consent
*now*: names, whether someone may still be named, the access log.

What is computed here is what *any member* may see (`access.ANY_MEMBER`): suggestions and
pairs use only gifts, languages and postcodes shared with the neighbourhood, and names a
member may see; a page never shows a viewer more than that. Lists are bounded (`KEEP`),
so a page reads the same amount at 200 or 100,000 residents. Reasons are stored in each of
the site's languages.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.utils import timezone, translation

from buurtkracht.core import access

from . import analysis, selectors
from .ties import Ties

KEEP = 300
"""At most this many people per list (isolated, peripheral) are stored; the page shows the
first `selectors.NOT_INCLUDED_SHOWN` of them who may be named."""
TARGETS = 60
"""Suggestions are stored for this many isolated and this many peripheral people (those
who allowed connectors to see them)."""
PAIRS_KEPT = 30
GROUPS_SHOWN = 30
"""The largest groups are listed by size; the rest only counted."""


def _figures(figures: selectors.Figures) -> dict:
    return {
        "month": figures.month,
        "people": figures.people,
        "with_tie": figures.with_tie,
        "average_ties": figures.average_ties,
        "groups": figures.groups,
        "isolated": figures.isolated,
    }


def _in_languages(make) -> dict[str, str]:
    """`make()` once in each of the site's languages: {"nl": …, "en": …}."""
    found = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            found[code] = str(make())
    return found


def compute(neighbourhood, *, now: datetime | None = None) -> dict:
    from buurtkracht.people.selectors import display_names

    now = now or timezone.now()
    made = selectors.computed(neighbourhood, now=now)
    ties, result = made.ties, made.result
    degree = ties.degree
    everyone = ties.people
    outreach = access.network_named(neighbourhood=neighbourhood, user_ids=everyone, outreach=True)
    named = access.network_named(neighbourhood=neighbourhood, user_ids=everyone)
    # Names a member may see: whom suggestions and pairs may mention at all.
    member_names = display_names(
        viewer=access.ANY_MEMBER, neighbourhood=neighbourhood, user_ids=outreach
    )
    features = selectors.features_of(neighbourhood, everyone, viewer=access.ANY_MEMBER)
    labels = {
        code: selectors.item_labels(features.values(), language=code)
        for code, _name in settings.LANGUAGES
    }

    def reason(tokens) -> dict[str, str]:
        return _in_languages(
            lambda: selectors.reason(list(tokens), labels[translation.get_language()])
        )

    isolated, peripheral = list(result.isolated), list(result.peripheral)
    targets = [uid for uid in isolated if uid in outreach and uid in member_names][:TARGETS]
    targets += [uid for uid in peripheral if uid in outreach and uid in member_names][:TARGETS]
    found = (
        analysis.suggest_introductions(
            (everyone, ties.edges()),
            targets,
            features,
            per_target=selectors.SUGGESTIONS_EACH * 10,
        )
        if targets
        else {}
    )
    # Fairness (rule 12): nobody who rests ("nu even niet", or at their monthly maximum),
    # and nobody suggested to more than FAIR_SHARE people.
    resting = selectors.resting(neighbourhood)
    fair = analysis.fair_share(
        {
            target: [
                (uid, tokens)
                for uid, _score, tokens in found.get(target, [])
                if uid in named and uid in member_names and uid not in resting
            ][: selectors.SUGGESTIONS_EACH * 3]
            for target in targets
        },
        cap=selectors.FAIR_SHARE,
    )
    suggestions = {
        str(target): [[uid, reason(tokens)] for uid, tokens in fair[target]] for target in targets
    }
    pairs = selectors.capped_pairs(
        _pairs(neighbourhood, ties, outreach - resting, member_names, features, labels)
    )
    return {
        "day": timezone.localdate(now).isoformat(),
        "figures": _figures(
            selectors.figures_of(ties, result, timezone.localdate(now).strftime("%Y-%m"))
        ),
        "history": [_figures(row) for row in made.history],
        "connectors": [
            [uid, round(score, 6), degree.get(uid, 0)] for uid, score in result.connectors[:10]
        ],
        "isolated": [[uid, degree.get(uid, 0)] for uid in isolated[:KEEP]],
        "isolated_count": len(isolated),
        "isolated_named": sum(1 for uid in isolated if uid in outreach),
        "peripheral": [[uid, degree.get(uid, 0)] for uid in peripheral[:KEEP]],
        "peripheral_count": len(peripheral),
        "peripheral_named": sum(1 for uid in peripheral if uid in outreach),
        "suggestions": suggestions,
        "pairs": pairs,
        "groups": [len(members) for members in result.groups[:GROUPS_SHOWN]],
        "group_count": len(result.groups),
        "bridges": [[a + 1, b + 1, round(w, 1)] for a, b, w in result.bridges[:15]],
        "watch": _watch(neighbourhood, ties),
        "picture": selectors.picture(ties, result, made.positions, {}, with_ids=True),
    }


def _pairs(neighbourhood, ties: Ties, outreach, member_names, features, labels) -> list:
    """Pairs who could meet (`selectors.pairs`), as any member may see them: the people,
    and the reason in each language."""
    per_language = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            per_language[code] = selectors.pairs(
                neighbourhood=neighbourhood,
                viewer=access.ANY_MEMBER,
                membership=None,
                ties=ties,
                allowed=outreach,
                names=member_names,
                features=features,
                labels=labels[code],
                limit=PAIRS_KEPT,
            )
    first = per_language[settings.LANGUAGE_CODE]
    return [
        [
            pair.one,
            pair.other,
            {
                code: next(
                    (p.reason for p in found if {p.one, p.other} == {pair.one, pair.other}),
                    pair.reason,
                )
                for code, found in per_language.items()
            },
        ]
        for pair in first
    ]


def _watch(neighbourhood, ties: Ties) -> list:
    """Per group to connect: its members counted with their consent (`group_count`) as
    it stands when this is computed, and their ties inside and outside the group. A
    consent given or withdrawn sends a new computation (in a neighbourhood of up to
    BUURTKRACHT_SYNC_PEOPLE members the page makes it at once)."""
    from .models import WatchGroup

    groups = selectors._counted_groups(neighbourhood, WatchGroup.objects.order_by("name"))
    found = []
    for group, counted in groups:
        inside = outside = 0
        connected = set()
        for a, b in ties.weights:
            if a in counted and b in counted:
                inside += 1
            elif (a in counted) != (b in counted):
                outside += 1
                connected.add(a if a in counted else b)
        found.append([group.pk, len(counted), inside, outside, len(connected)])
    return found
