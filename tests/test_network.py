"""The relationship network in the app: ties derived from what people do together (and
fading), "ik ken" ties, introductions both must accept, importing a map (dry run, all or
nothing), the overview with names only where consent allows — and Davis Southern Women
loaded as attendance at activities, compared with NetworkX's exact betweenness."""

import re
from datetime import timedelta

import networkx as nx
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from buurtkracht.core.choices import Role
from buurtkracht.exchange.models import Exchange, HelpInvitation, Post
from buurtkracht.initiatives.models import Activity, Initiative, SignUp, Task
from buurtkracht.network import selectors, services
from buurtkracht.network.models import Acquaintance, ImportedTie, Introduction, TieImport
from buurtkracht.network.ties import network_of
from buurtkracht.people.models import AccessLog, Contact
from buurtkracht.people.services import consent_grant
from tests.factories import membership_of

from . import factories as f

pytestmark = pytest.mark.django_db
HOOD = {"slug": "lindenhof"}


@pytest.fixture
def net(world):
    world.hood.modules = [*world.hood.modules, "network", "initiatives"]
    world.hood.save()
    world.bas = f.make_member(world.hood, name="Bas")
    world.fatma = f.make_member(world.hood, name="Fatma")
    return world


def _pair(a, b):
    return (a.pk, b.pk) if a.pk < b.pk else (b.pk, a.pk)


def _exchange(world, helper, helped, days_ago):
    post = Post.objects.create(neighbourhood=world.hood, author=helped, kind="request", text="Hulp")
    invitation = HelpInvitation.objects.create(post=post, invitee=helper, invited_by=helped)
    done = timezone.now() - timedelta(days=days_ago)
    Exchange.objects.create(
        post=post,
        invitation=invitation,
        helper=helper,
        helped=helped,
        done_by_helper_at=done,
        done_by_helped_at=done,
    )


def test_a_done_exchange_is_a_tie_that_fades_and_an_unfinished_one_is_not(net):
    _exchange(net, net.resident, net.bas, days_ago=0)
    _exchange(net, net.connector, net.fatma, days_ago=180)
    _exchange(net, net.connector, net.bas, days_ago=400)  # outside the year: gone
    ties = network_of(net.hood)
    assert ties.weights[_pair(net.resident, net.bas)] == pytest.approx(1.0, abs=0.01)
    assert ties.weights[_pair(net.connector, net.fatma)] == pytest.approx(0.5, abs=0.01)
    assert _pair(net.connector, net.bas) not in ties.weights
    # Professionals and facilitators are not counted in the residents' network.
    assert net.professional.pk not in ties.people and net.resident.pk in ties.people


def test_carrying_tasks_together_and_small_activities_make_ties(net):
    initiative = Initiative.objects.create(neighbourhood=net.hood, name="Tuin", what_and_why="x")
    Task.objects.create(initiative=initiative, title="Water", carried_by=net.resident)
    Task.objects.create(initiative=initiative, title="Zaad", carried_by=net.bas)
    start = timezone.now() - timedelta(days=1)
    small = Activity.objects.create(
        initiative=initiative, title="Wieden", starts_at=start, ends_at=start + timedelta(hours=1)
    )
    for person in (net.connector, net.fatma, net.resident):
        SignUp.objects.create(activity=small, user=person, status="confirmed")
    SignUp.objects.create(activity=small, user=net.admin, status="cancelled")
    ties = network_of(net.hood)
    assert ties.weights[_pair(net.resident, net.bas)] == pytest.approx(1.0)
    assert ties.weights[_pair(net.connector, net.fatma)] == pytest.approx(0.5, abs=0.01)
    assert ties.sources[_pair(net.connector, net.resident)] == {"activity"}
    assert _pair(net.connector, net.admin) not in ties.weights  # cancelled: not there


def test_ik_ken_counts_once_the_other_says_yes(net):
    asked = services.acquaintance_add(
        actor=net.resident,
        neighbourhood=net.hood,
        other=net.bas,
        membership=membership_of(net.resident, net.hood),
    )
    assert _pair(net.resident, net.bas) not in network_of(net.hood).weights
    with pytest.raises(ValidationError) as twice:
        services.acquaintance_add(
            actor=net.resident,
            neighbourhood=net.hood,
            other=net.bas,
            membership=membership_of(net.resident, net.hood),
        )
    assert twice.value.code == "already_added"
    with pytest.raises(ValidationError) as back:
        services.acquaintance_add(
            actor=net.bas,
            neighbourhood=net.hood,
            other=net.resident,
            membership=membership_of(net.bas, net.hood),
        )
    assert back.value.code == "asked_you_first"
    with pytest.raises(ValidationError) as oneself:
        services.acquaintance_add(
            actor=net.resident,
            neighbourhood=net.hood,
            other=net.resident,
            membership=membership_of(net.resident, net.hood),
        )
    assert oneself.value.code == "self"
    with pytest.raises(ValidationError) as not_named:
        services.acquaintance_answer(actor=net.resident, acquaintance=asked, yes=True)
    assert not_named.value.code == "not_named"
    services.acquaintance_answer(actor=net.bas, acquaintance=asked, yes=True)
    assert _pair(net.resident, net.bas) in network_of(net.hood).weights
    assert Contact.objects.filter(source="acquaintance").count() == 1
    with pytest.raises(ValidationError) as again:
        services.acquaintance_answer(actor=net.bas, acquaintance=asked, yes=False)
    assert again.value.code == "already_answered"


def _consent(world, *people, scope="network_names"):
    for person in people:
        consent_grant(user=person, neighbourhood=world.hood, scope=scope)


def _introduce(world, actor, one, other, **kw):
    """`actor` proposes that `one` and `other` meet, as the page does: with their membership."""
    return services.introduction_propose(
        actor=actor, membership=f.membership_of(actor, world.hood), one=one, other=other, **kw
    )


def test_an_introduction_needs_permission_and_both_yeses(net):
    with pytest.raises(ValidationError) as unnamed:
        _introduce(net, net.connector, net.bas, net.fatma)
    assert unnamed.value.code == "no_consent"
    _consent(net, net.bas, net.fatma)
    with pytest.raises(ValidationError) as resident:
        _introduce(net, net.resident, net.bas, net.fatma)
    assert resident.value.code == "not_allowed"
    for one, other, code in [(net.bas, net.bas, "same_person"), (net.connector, net.bas, "self")]:
        with pytest.raises(ValidationError) as refused:
            _introduce(net, net.connector, one, other)
        assert refused.value.code == code
    with pytest.raises(ValidationError) as elsewhere:
        services.introduction_propose(
            actor=net.connector, membership=None, one=net.bas, other=net.fatma
        )
    assert elsewhere.value.code == "not_allowed"
    made = _introduce(net, net.connector, net.fatma, net.bas, reason="taal")
    with pytest.raises(ValidationError) as twice:
        _introduce(net, net.connector, net.bas, net.fatma)
    assert twice.value.code == "already_introduced"
    services.introduction_answer(actor=net.bas, introduction=made, yes=True)
    assert not Contact.objects.exists()  # one yes is not enough
    with pytest.raises(ValidationError) as outsider:
        services.introduction_answer(actor=net.resident, introduction=made, yes=True)
    assert outsider.value.code == "not_introduced"
    services.introduction_answer(actor=net.fatma, introduction=made, yes=True)
    made.refresh_from_db()
    assert made.accepted_at is not None and Contact.objects.count() == 1
    assert _pair(net.bas, net.fatma) in network_of(net.hood).weights
    with pytest.raises(ValidationError) as again:
        services.introduction_answer(actor=net.fatma, introduction=made, yes=False)
    assert again.value.code == "already_answered"


def test_a_no_means_no_tie(net):
    _consent(net, net.bas, net.fatma)
    made = _introduce(net, net.connector, net.bas, net.fatma)
    services.introduction_answer(actor=net.bas, introduction=made, yes=False)
    services.introduction_answer(actor=net.fatma, introduction=made, yes=True)
    made.refresh_from_db()
    assert made.accepted_at is None and not Contact.objects.exists()


def _csv(text: str, name="kaart.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_importing_a_map_checks_first_then_all_or_nothing(net):
    good = "bron,doel,gewicht\nBas,Fatma,2\nSanne,Karim,1\n"
    plan = services.import_plan(
        actor=net.professional,
        membership=f.membership_of(net.professional, net.hood),
        upload=_csv(good),
    )
    assert plan.ok and len(plan.ties) == 2 and not TieImport.objects.exists()  # a dry run
    services.import_commit(actor=net.professional, neighbourhood=net.hood, plan=plan)
    assert ImportedTie.objects.count() == 2
    assert network_of(net.hood).weights[_pair(net.bas, net.fatma)] == pytest.approx(2.0, abs=0.01)
    bad = "bron,doel,gewicht\nBas,Fatma,1\nBas,Onbekend,1\nFatma,Fatma,1\nSanne,Bas,veel\n"
    plan = services.import_plan(
        actor=net.professional,
        membership=f.membership_of(net.professional, net.hood),
        upload=_csv(bad),
    )
    text = " ".join(plan.problems)
    assert "regel 4" in text and "regel 5" in text  # self-loop, not a number
    assert not plan.ok
    with pytest.raises(ValidationError) as refused:
        services.import_commit(actor=net.professional, neighbourhood=net.hood, plan=plan)
    assert refused.value.code == "has_problems"
    unknown = services.import_plan(
        actor=net.professional,
        membership=f.membership_of(net.professional, net.hood),
        upload=_csv("source,target\nBas,Niemand\n"),
    )
    assert "regel 2" in unknown.problems[0] and "Niemand" in unknown.problems[0]
    assert TieImport.objects.count() == 1
    with pytest.raises(ValidationError) as connector:
        services.import_plan(
            actor=net.connector,
            membership=f.membership_of(net.connector, net.hood),
            upload=_csv(good),
        )
    assert connector.value.code == "not_allowed"


def test_importing_looks_up_only_the_names_in_the_file(net, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    f.make_member(net.hood, name="Wim")
    monkeypatch.setattr(services, "NAMES_PER_QUERY", 1)  # one name a query: chunks join up
    with CaptureQueriesContext(connection) as queries:
        plan = services.import_plan(
            actor=net.professional,
            membership=f.membership_of(net.professional, net.hood),
            upload=_csv("bron,doel\n  bas ,FATMA\nSanne,Karim\n"),
        )
    assert plan.ok and len(plan.ties) == 2  # case and spaces around a name do not matter
    names = [q["sql"] for q in queries if '"people_profile"' in q["sql"]]
    assert len(names) == 4 and all('"search_name" IN' in sql for sql in names)
    assert not any("wim" in str(q) for q in queries)  # not a name in the file: not read


def test_the_import_page_shows_the_dry_run_and_imports(net, client_for):
    client = client_for("professional")
    url = reverse("network:import", kwargs=HOOD)
    page = client.post(url, {"file": _csv("bron,doel\nBas,Fatma\n")})
    assert page.status_code == 200 and page.context["plan"].ok
    assert not TieImport.objects.exists()
    done = client.post(url, {"file": _csv("bron,doel\nBas,Fatma\n"), "save": "on"})
    assert done.status_code == 302 and ImportedTie.objects.count() == 1
    empty = client.post(url, {"file": _csv("bron,doel\n")})
    assert empty.status_code == 200 and empty.context["plan"].problems
    assert ImportedTie.objects.count() == 1


def test_the_overview_names_only_people_who_allowed_it_and_logs_professionals(net, client_for):
    _exchange(net, net.connector, net.bas, days_ago=1)
    _exchange(net, net.connector, net.fatma, days_ago=1)
    _consent(net, net.connector)
    _consent(net, net.resident, scope="connector_outreach")  # Sanne has no ties
    f.make_member(net.hood, name="Wim")  # no ties and no permission: only counted
    page = client_for("connector").get(reverse("network:overview", kwargs=HOOD))
    data = page.context["net"]
    assert data.connectors[0].name == "Karim"  # he links Bas and Fatma
    assert [p.name for p in data.isolated] == ["Sanne"]
    assert data.anonymous_isolated == 1  # the admin: no permission, only counted
    html = page.content.decode()
    assert "Bas" not in html and "Fatma" not in html  # ties without names
    assert "<svg" in html and html.count("<circle") == len(data.picture["dots"])
    assert 'cx="20.0"' in html or 'cx="580.0"' in html  # SVG numbers are never "20,0"
    assert not re.search(r'c[xy]="\d+,\d', html)
    assert data.figures.people == 5 and data.figures.isolated == 2
    assert "Wim" not in html
    assert not AccessLog.objects.filter(what="network").exists()  # connectors: not logged
    client_for("professional").get(reverse("network:overview", kwargs=HOOD))
    logged = set(AccessLog.objects.filter(what="network").values_list("subject_id", flat=True))
    assert logged == {net.connector.pk, net.resident.pk}
    assert client_for("resident").get(reverse("network:overview", kwargs=HOOD)).status_code == 403


def test_isolated_people_get_introduction_suggestions_with_a_reason(net, client_for):
    for person in (net.resident, net.fatma):
        _gift(person, "tuinieren")
    _consent(net, net.fatma)
    _consent(net, net.resident, scope="connector_outreach")
    data = client_for("connector").get(reverse("network:overview", kwargs=HOOD)).context["net"]
    sanne = next(p for p in data.isolated if p.name == "Sanne")
    assert sanne.suggestions and sanne.suggestions[0][1] == "Fatma"
    assert "uinieren" in sanne.suggestions[0][2]
    # One press shows what will be proposed; nothing is sent until the second.
    propose = reverse("network:propose", kwargs=HOOD)
    karim = client_for("connector")
    shown = karim.get(propose, {"one": net.resident.pk, "other": net.fatma.pk})
    assert shown.status_code == 200 and Introduction.objects.count() == 0
    assert shown.context["reason"] == sanne.suggestions[0][2]
    assert "Sanne" in shown.content.decode() and "Fatma" in shown.content.decode()
    # A reason typed into the form is not the platform's: the stored one is used.
    response = karim.post(
        propose,
        {
            "one": net.resident.pk,
            "other": net.fatma.pk,
            "reason": "De wijkagent heeft jou aangewezen; je moet helpen.",
            "message": "Jullie houden allebei van tuinieren!",
        },
    )
    assert response.status_code == 302
    made = Introduction.objects.get()
    assert made.reason == sanne.suggestions[0][2] and "wijkagent" not in made.reason
    assert made.message == "Jullie houden allebei van tuinieren!"
    page = client_for("resident").get(
        reverse("network:introduction", kwargs={**HOOD, "introduction_id": made.pk})
    )
    html = page.content.decode()
    assert "Karim schrijft:" in html and "“Jullie houden allebei van tuinieren!”" in html


def test_a_proposal_with_a_too_long_message_sends_nothing(net, client_for):
    _consent(net, net.fatma)
    _consent(net, net.resident, scope="connector_outreach")
    response = client_for("connector").post(
        reverse("network:propose", kwargs=HOOD),
        {"one": net.resident.pk, "other": net.fatma.pk, "message": "x" * 301},
    )
    assert response.status_code == 200 and Introduction.objects.count() == 0
    assert "300" in response.content.decode()


def test_a_proposal_for_someone_who_did_not_allow_it_shows_no_names(net, client_for):
    _consent(net, net.fatma)  # Sanne allowed nothing
    response = client_for("connector").get(
        reverse("network:propose", kwargs=HOOD), {"one": net.resident.pk, "other": net.fatma.pk}
    )
    assert response.status_code == 302 and Introduction.objects.count() == 0


def test_the_monthly_figures_go_back_six_months(net):
    _exchange(net, net.connector, net.bas, days_ago=100)
    rows = selectors.history(net.hood, now=timezone.now())
    assert len(rows) == 6
    assert rows[0].with_tie == 0 and rows[-1].with_tie > 0


def test_the_pages_for_residents_ik_ken_and_introductions(net, client_for):
    sanne = client_for("resident")
    url = reverse("network:mine", kwargs=HOOD)
    assert not sanne.get(url).context["form"].fields["other"].choices  # nobody listed unasked
    page = sanne.get(url + "?wie=ba")  # found by the first letters of the name
    assert dict(page.context["form"].fields["other"].choices) == {net.bas.pk: "Bas"}
    assert not sanne.get(url + "?wie=san").context["people"]  # never oneself
    know = reverse("network:know", kwargs=HOOD)
    response = sanne.post(know, {"k-other": net.bas.pk})
    assert response.status_code == 302 and Acquaintance.objects.count() == 1
    bad = sanne.post(know, {"k-other": "x"}, follow=True)
    assert "Kies de buur uit de gevonden namen" in bad.content.decode()
    assert Acquaintance.objects.count() == 1


def test_the_neighbour_named_answers_on_their_page(net, client_for):
    from django.test import Client

    asked = services.acquaintance_add(
        actor=net.resident,
        neighbourhood=net.hood,
        other=net.bas,
        membership=membership_of(net.resident, net.hood),
    )
    url = reverse("network:know_answer", kwargs={**HOOD, "acquaintance_id": asked.pk})
    refused = client_for("resident").post(url, {"yes": "1"}, follow=True)  # not the one named
    assert "Alleen" in refused.content.decode()
    bas = Client()
    bas.force_login(net.bas)
    assert bas.post(url, {"yes": "1"})["Location"] == reverse("network:mine", kwargs=HOOD)
    asked.refresh_from_db()
    assert asked.answer == "yes" and Contact.objects.filter(source="acquaintance").exists()


def test_davis_southern_women_as_activities_rank_connectors_like_exact_betweenness(net):
    """The 18 women are residents, the 14 events activities they attended: the app derives
    the network, and its connector ranking equals NetworkX's exact betweenness on the
    women's projected network."""
    davis = nx.davis_southern_women_graph()
    women = sorted(n for n, d in davis.nodes(data=True) if d["bipartite"] == 0)
    events = sorted(n for n, d in davis.nodes(data=True) if d["bipartite"] == 1)
    hood = f.make_neighbourhood(slug="davis", name="Natchez")
    hood.modules = [*hood.modules, "network", "initiatives"]
    hood.save()
    users = {w: f.make_member(hood, role=Role.RESIDENT, name=w) for w in women}
    club = Initiative.objects.create(neighbourhood=hood, name="Club", what_and_why="x")
    start = timezone.now() - timedelta(days=200)
    for day, event in enumerate(events):
        moment = start + timedelta(days=day)
        activity = Activity.objects.create(
            initiative=club, title=event, starts_at=moment, ends_at=moment + timedelta(hours=2)
        )
        SignUp.objects.bulk_create(
            [
                SignUp(activity=activity, user=users[w], status="confirmed")
                for w in davis.neighbors(event)
            ]
        )
    ties = network_of(hood)
    assert len(ties.weights) == nx.bipartite.projected_graph(davis, women).number_of_edges()
    result = selectors._analyse(ties)
    ours = dict(result.connectors)
    exact = nx.betweenness_centrality(nx.bipartite.projected_graph(davis, women))
    by_id = {users[w].pk: w for w in women}
    for user_id, name in by_id.items():
        assert ours.get(user_id, 0.0) == pytest.approx(exact[name], abs=1e-9)
    ranked_ours = [by_id[uid] for uid, _score in result.connectors]
    ranked_exact = [w for w in sorted(women, key=lambda w: -exact[w]) if exact[w] > 0]
    assert ranked_ours == ranked_exact or all(
        exact[a] >= exact[b] - 1e-12 for a, b in zip(ranked_ours, ranked_ours[1:], strict=False)
    )


# --- Groups to connect --------------------------------------------------------------------


def test_professionals_make_groups_and_add_only_residents_who_allowed_it(net, client_for):
    from buurtkracht.network.models import WatchGroup
    from buurtkracht.notifications.models import Notification
    from buurtkracht.people.services import consent_withdraw

    petra = client_for("professional")
    url = reverse("network:groups", kwargs=HOOD)
    assert petra.get(url).status_code == 200
    empty = petra.post(url, {"name": "   "})
    assert empty.status_code == 200 and empty.context["form"].errors["name"]
    too_long = petra.post(url, {"name": "x" * 121})
    assert too_long.status_code == 200 and too_long.context["form"].errors["name"]
    made = petra.post(url, {"name": "Beschut  wonen"})
    group = WatchGroup.objects.get()
    assert group.name == "Beschut wonen"
    assert made["Location"] == reverse("network:group", kwargs={**HOOD, "group_id": group.pk})
    again = petra.post(url, {"name": "Beschut wonen"})
    assert "al een groep" in " ".join(again.context["form"].errors["name"])
    assert WatchGroup.objects.count() == 1

    _consent(net, net.bas, scope="group_count")
    page_url = reverse("network:group", kwargs={**HOOD, "group_id": group.pk})
    page = petra.get(page_url + "?wie=ba")
    assert [p.name for p in page.context["people"]] == ["Bas"]
    assert not petra.get(page_url + "?wie=fat").context["people"]  # Fatma: no consent
    assert AccessLog.objects.filter(what="network_groups", subject_id=net.bas.pk).exists()
    add, rename = page_url + "toevoegen/", page_url + "naam/"
    refused = petra.post(add, {"person": net.fatma.pk}, follow=True)
    assert "toestemming" in refused.content.decode() and not group.members.exists()
    petra.post(add, {"person": net.bas.pk})
    assert list(group.members.all()) == [net.bas]
    assert Notification.objects.filter(user=net.bas, title__contains="Beschut wonen").exists()
    twice = petra.post(add, {"person": net.bas.pk}, follow=True)
    assert "al in de groep" in twice.content.decode() and group.members.count() == 1
    assert petra.post(add, {"person": "x"}).status_code == 404
    assert petra.post(page_url).status_code == 405  # each form posts to its own URL
    blank = petra.post(rename, {"g-name": ""})
    assert blank.status_code == 200 and blank.context["form"].errors
    assert f'action="{page_url}#add-h"' in blank.content.decode()  # the search: the page
    petra.post(rename, {"g-name": "Beschut wonen Lindenplein"})
    group.refresh_from_db()
    assert group.name == "Beschut wonen Lindenplein"

    overview = client_for("connector").get(reverse("network:overview", kwargs=HOOD))
    assert overview.context["net"].watch[0].counted == 1
    consent_withdraw(user=net.bas, neighbourhood=net.hood, scope="group_count")
    assert petra.get(page_url).context["members"] == [(net.bas.pk, "Bas", False)]
    assert (
        (client_for("connector").get(reverse("network:overview", kwargs=HOOD)).context["net"])
        .watch[0]
        .counted
        == 0
    )  # withdrawn: no longer counted, even while on the list

    connector = f.membership_of(net.connector, net.hood)
    for refused in (
        lambda: services.watch_group_save(actor=net.connector, membership=connector, name="Jong"),
        lambda: services.watch_group_remove(
            actor=net.connector, membership=connector, group=group, person=net.bas
        ),
        lambda: services.watch_group_delete(actor=net.connector, membership=connector, group=group),
    ):
        with pytest.raises(ValidationError) as error:
            refused()
        assert error.value.code == "not_allowed"
    petra.post(page_url + "opheffen/")
    assert not WatchGroup.objects.exists() and net.bas.memberships.exists()


def test_residents_see_the_groups_they_are_counted_in_and_can_leave(net, client_for):
    from buurtkracht.core.models import ActionLog
    from buurtkracht.network.models import WatchGroup

    _consent(net, net.resident, scope="group_count")
    group = services.watch_group_save(
        actor=net.professional,
        membership=f.membership_of(net.professional, net.hood),
        name="Beschut wonen",
    )
    services.watch_group_add(
        actor=net.professional,
        membership=f.membership_of(net.professional, net.hood),
        group=group,
        person=net.resident,
    )
    sanne = client_for("resident")
    url = reverse("network:mine", kwargs=HOOD)
    assert "Beschut wonen" in sanne.get(url).content.decode()
    other = WatchGroup.objects.create(neighbourhood=net.hood, name="Andere groep")

    def leave(group_id):
        return reverse("network:group_leave", kwargs={**HOOD, "group_id": group_id})

    assert sanne.post(leave(other.pk + 1000)).status_code == 404
    left_nothing = sanne.post(leave(other.pk), follow=True)
    assert "niet in de groep" in left_nothing.content.decode()
    sanne.post(leave(group.pk))
    assert not group.members.exists()
    assert ActionLog.objects.filter(action="network.group_left", actor=net.resident).exists()
    assert "Beschut wonen" not in sanne.get(url).content.decode()


# --- Introductions between any two neighbours ---------------------------------------------


def _gift(person, key):
    from buurtkracht.gifts import services as gift_services
    from buurtkracht.gifts.models import TaxonomyItem
    from buurtkracht.gifts.steps import STEP_BY_KEY

    gift_services.step_save(
        actor=person,
        subject=person,
        step=STEP_BY_KEY["handen"],
        item_ids=[TaxonomyItem.objects.get(key=key).pk],
        texts=[],
        visibility="neighbourhood",
    )


def test_pairs_who_could_meet_a_need_one_can_answer_and_shared_gifts(net, client_for):
    _gift(net.fatma, "fiets-repareren")
    for person in (net.resident, net.connector):
        _gift(person, "tuinieren")
    _consent(net, net.bas, net.fatma, net.resident)
    _consent(net, net.connector, scope="connector_outreach")
    Post.objects.create(
        neighbourhood=net.hood, author=net.bas, kind="request", text="Mijn fietsband is lek"
    )
    petra = client_for("professional")
    url = reverse("network:overview", kwargs=HOOD)
    pairs = petra.get(url).context["net"].pairs
    need = pairs[0]
    assert {need.one, need.other} == {net.bas.pk, net.fatma.pk}
    assert need.reason.startswith("vraagt: Mijn fietsband is lek") and "iets" in need.reason
    garden = next(p for p in pairs if {p.one, p.other} == {net.resident.pk, net.connector.pk})
    assert "uinieren" in garden.reason
    assert all(net.admin.pk not in (p.one, p.other) for p in pairs)  # no permission to name
    assert AccessLog.objects.filter(
        what="network", viewer=net.professional, subject_id=net.fatma.pk
    ).exists()
    # The connector proposes it (and confirms); once proposed, the pair is not suggested.
    response = client_for("connector").post(
        reverse("network:propose", kwargs=HOOD), {"one": need.one, "other": need.other}
    )
    assert response.status_code == 302 and Introduction.objects.get().reason == need.reason
    # (Karim, a connector who is in the pair, cannot introduce himself: he is left out.)
    after = petra.get(url).context["net"].pairs
    assert all({p.one, p.other} != {net.bas.pk, net.fatma.pk} for p in after)
    # Neighbours who are already tied are not suggested either.
    _exchange(net, net.resident, net.connector, days_ago=2)
    after = petra.get(url).context["net"].pairs
    assert all({p.one, p.other} != {net.resident.pk, net.connector.pk} for p in after)


def test_the_stored_network_is_reused_until_something_changes(net, monkeypatch):
    from buurtkracht.jobs.selectors import stored
    from buurtkracht.network import analysis

    calls = {"analyse": 0, "betweenness": 0}
    real_analyse, real_exact = analysis.analyse, analysis.exact_betweenness

    def counting_analyse(*args, **kwargs):
        calls["analyse"] += 1
        return real_analyse(*args, **kwargs)

    def counting_exact(*args, **kwargs):
        calls["betweenness"] += 1
        return real_exact(*args, **kwargs)

    monkeypatch.setattr(analysis, "analyse", counting_analyse)
    monkeypatch.setattr(analysis, "exact_betweenness", counting_exact)
    _exchange(net, net.resident, net.bas, days_ago=3)
    first = stored("network", net.hood)
    assert calls == {"analyse": 7, "betweenness": 1}  # now + six months; connectors once
    again = stored("network", net.hood)
    assert calls["analyse"] == 7 and again.data == first.data  # stored, not computed again
    _exchange(net, net.connector, net.fatma, days_ago=1)  # a change: computed anew
    changed = stored("network", net.hood)
    assert (
        calls["analyse"] == 14
        and changed.data["figures"]["with_tie"] > (first.data["figures"]["with_tie"])
    )
    f.make_member(net.hood, name="Wim")  # a new resident changes it too
    assert stored("network", net.hood).data["figures"]["people"] == (
        changed.data["figures"]["people"] + 1
    )
    assert calls["analyse"] == 21


# --- Importing through the page: every format, and a file far too big ----------------------


def test_the_import_page_reads_kumu_json_and_excel(net, client_for, tmp_path):
    import json

    from openpyxl import Workbook

    client = client_for("professional")
    url = reverse("network:import", kwargs=HOOD)
    kumu = {
        "elements": [{"label": "Bas"}, {"label": "Fatma"}, {"label": "Sanne"}],
        "connections": [{"from": "Bas", "to": "Fatma"}, {"from": "Sanne", "to": "Bas"}],
    }
    upload = SimpleUploadedFile("kaart.json", json.dumps(kumu).encode(), "application/json")
    page = client.post(url, {"file": upload})
    assert page.context["plan"].ok and len(page.context["plan"].ties) == 2
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Connections"
    sheet.append(["From", "To", "Strength"])
    sheet.append(["Fatma", "Karim", 2])
    sheet.append(["Karim", "Karim", 1])
    path = tmp_path / "kaart.xlsx"
    workbook.save(path)
    bad = client.post(
        url, {"file": SimpleUploadedFile("kaart.xlsx", path.read_bytes()), "save": "on"}
    )
    assert bad.status_code == 200 and not TieImport.objects.exists()
    assert "rij 3" in " ".join(bad.context["plan"].problems)  # the self-loop, by its row
    sheet.delete_rows(3)
    workbook.save(path)
    done = client.post(
        url, {"file": SimpleUploadedFile("kaart.xlsx", path.read_bytes()), "save": "on"}
    )
    assert done.status_code == 302 and ImportedTie.objects.get().weight == 2.0


def test_a_five_million_row_upload_is_refused_by_line_and_nothing_is_imported(
    net, client_for, tmp_path
):
    path = tmp_path / "enorm.csv"
    with path.open("w") as out:
        out.write("bron,doel\n")
        out.writelines("Bas,Fatma\n" for _row in range(5_000_000))
    client = client_for("professional")
    with path.open("rb") as upload:
        page = client.post(reverse("network:import", kwargs=HOOD), {"file": upload, "save": "on"})
    assert page.status_code == 200
    problems = page.context["plan"].problems
    assert "meer dan 100000" in problems[0].replace(".", "") and "regel 100002" in problems[0]
    assert len(problems) == 1 + 50 + 1 and problems[-1].startswith("meer problemen, niet getoond")
    assert "regel 100002" in page.content.decode()
    assert not TieImport.objects.exists() and not ImportedTie.objects.exists()


def test_a_big_neighbourhood_gets_a_picture_of_its_groups(net, monkeypatch):
    monkeypatch.setattr(selectors, "PICTURE_LIMIT", 3)
    _exchange(net, net.resident, net.bas, days_ago=1)
    _exchange(net, net.connector, net.fatma, days_ago=1)
    _exchange(net, net.fatma, net.bas, days_ago=1)
    made = selectors.computed(net.hood)
    assert made.positions == {} and len(made.ties.people) > 3
    drawn = selectors.picture(made.ties, made.result, made.positions, {})
    assert drawn["groups"] and len(drawn["dots"]) == len(made.result.groups)
    assert all(dot["name"] == "" for dot in drawn["dots"])  # groups have no names
    assert len(drawn["lines"]) == len(made.result.bridges)
