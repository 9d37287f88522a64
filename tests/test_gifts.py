"""What do you bring? Steps, visibility, guided filling-in, the neighbourhood's own words,
abundance and scarcity."""

import io
import re

import pytest
from django.urls import reverse

from buurtkracht.core.choices import Visibility
from buurtkracht.gifts import services
from buurtkracht.gifts.models import AvailabilitySlot, Gift, Resource, TaxonomyItem, TimeOffer, Wish
from buurtkracht.gifts.selectors import abundance
from buurtkracht.gifts.steps import STEP_BY_KEY
from buurtkracht.people.models import AccessLog

from .helpers import refused

pytestmark = pytest.mark.django_db


def item(key):
    return TaxonomyItem.objects.get(key=key)


def save(user, step, items=(), texts=(), visibility=Visibility.NEIGHBOURHOOD, actor=None):
    return services.step_save(
        actor=actor or user,
        subject=user,
        step=STEP_BY_KEY[step],
        item_ids=[item(k).pk for k in items],
        texts=list(texts),
        visibility=visibility,
    )


def test_the_taxonomy_is_loaded_by_the_migration():
    assert TaxonomyItem.objects.filter(neighbourhood__isnull=True).count() >= 250
    assert "lekkende kraan" in item("loodgieterswerk").synonyms


def test_a_step_keeps_what_stays_chosen_and_removes_the_rest(world):
    save(
        world.resident,
        "handen",
        items=["loodgieterswerk", "fiets-repareren"],
        texts=["Taarten bakken"],
    )
    first = Gift.objects.get(owner=world.resident, item__key="loodgieterswerk")
    save(
        world.resident,
        "handen",
        items=["loodgieterswerk", "tuinieren"],
        texts=[],
        visibility="private",
    )
    gifts = Gift.objects.filter(owner=world.resident, kind="hands")
    assert {g.item.key for g in gifts} == {"loodgieterswerk", "tuinieren"}
    kept = gifts.get(item__key="loodgieterswerk")
    assert kept.pk == first.pk and kept.visibility == "neighbourhood"  # untouched
    assert gifts.get(item__key="tuinieren").visibility == "private"  # new: the step's choice


def test_steps_of_other_kinds_are_not_touched(world):
    save(world.resident, "hoofd", texts=["Boekhouding"])
    save(world.resident, "handen", items=["tuinieren"])
    assert Gift.objects.filter(owner=world.resident, kind="head").count() == 1


def test_unknown_taxonomy_id_saves_nothing(world):
    save(world.resident, "handen", items=["tuinieren"])
    with refused("unknown_item"):
        services.step_save(
            actor=world.resident,
            subject=world.resident,
            step=STEP_BY_KEY["handen"],
            item_ids=[item("ladder").pk, 99999999],
            texts=["Nieuw"],
            visibility="public",
        )
    assert [g.item.key for g in Gift.objects.filter(owner=world.resident)] == ["tuinieren"]


def test_overlong_text_saves_nothing(world):
    with refused("too_long"):
        save(world.resident, "hart", texts=["Muziek", "x" * 121])
    assert not Gift.objects.filter(owner=world.resident).exists()


def test_blank_and_duplicate_texts_are_ignored(world):
    save(world.resident, "hart", texts=["  Muziek ", "muziek", "", "Voetbal"])
    assert sorted(Gift.objects.filter(owner=world.resident).values_list("text", flat=True)) == [
        "Muziek",
        "Voetbal",
    ]


def test_sharing_things_makes_lendable_resources_of_the_right_kind(world):
    save(world.resident, "delen", items=["ladder", "zaal", "kent-huismeester"])
    kinds = {
        r.item.key: (r.kind, r.lendable) for r in Resource.objects.filter(owner=world.resident)
    }
    assert kinds == {
        "ladder": ("thing", True),
        "zaal": ("space", True),
        "kent-huismeester": ("network", False),
    }


def test_wishes_are_private_unless_chosen(world, client_for):
    client = client_for("resident")
    client.post(
        reverse("gifts:my_step", kwargs={"step": "hulp"}),
        {"items": [item("computerhulp").pk], "own_words": "", "visibility": "private"},
    )
    assert Wish.objects.get(owner=world.resident).visibility == "private"


def test_time_step_saves_slots_and_limit(world, client_for):
    response = client_for("resident").post(
        reverse("gifts:my_step", kwargs={"step": "tijd"}),
        {
            "slots": ["5-morning", "5-afternoon", "2-evening"],
            "max_asks_per_month": "2",
            "visibility": "contacts",
        },
    )
    assert response.status_code == 302
    assert AvailabilitySlot.objects.filter(owner=world.resident).count() == 3
    offer = TimeOffer.objects.get(owner=world.resident)
    assert (offer.max_asks_per_month, offer.visibility) == (2, "contacts")


def test_a_bad_slot_is_refused_with_a_message(world, client_for):
    response = client_for("resident").post(
        reverse("gifts:my_step", kwargs={"step": "tijd"}),
        {"slots": ["9-night"], "max_asks_per_month": "", "visibility": "private"},
    )
    assert response.status_code == 200 and response.context["form"].errors["slots"]
    assert not AvailabilitySlot.objects.exists()


def test_the_step_flow_in_the_browser_without_javascript(world, client_for):
    client = client_for("resident")
    page = client.get(reverse("gifts:my_step", kwargs={"step": "handen"}))
    html = page.content.decode()
    assert (
        page.status_code == 200 and "<details" in html and item("fiets-repareren").label_nl in html
    )
    response = client.post(
        reverse("gifts:my_step", kwargs={"step": "handen"}),
        {
            "items": [item("fiets-repareren").pk],
            "own_words": "Taarten bakken\n",
            "visibility": "neighbourhood",
        },
    )
    assert response["Location"] == reverse("gifts:my_step", kwargs={"step": "hart"})
    overview = client.get(reverse("gifts:my_gifts")).content.decode()
    assert "Taarten bakken" in overview and item("fiets-repareren").label_nl in overview


def test_an_unknown_choice_in_the_form_gets_a_message(world, client_for):
    response = client_for("resident").post(
        reverse("gifts:my_step", kwargs={"step": "handen"}),
        {"items": ["99999999"], "own_words": "", "visibility": "neighbourhood"},
    )
    assert response.status_code == 200 and response.context["form"].errors["items"]


def test_unknown_step_is_404(world, client_for):
    assert (
        client_for("resident").get(reverse("gifts:my_step", kwargs={"step": "voeten"})).status_code
        == 404
    )


def test_only_the_owner_changes_an_item(world, client_for):
    save(world.resident, "handen", items=["tuinieren"])
    gift = Gift.objects.get(owner=world.resident)
    url = reverse("gifts:my_item", kwargs={"model": "gift", "item_id": gift.pk})
    assert client_for("connector").post(url, {"visibility": "public"}).status_code == 404
    client_for("resident").post(url, {"visibility": "public"})
    gift.refresh_from_db()
    assert gift.visibility == "public"
    client_for("resident").post(url, {"remove": "1"})  # the old one-press removal is gone
    assert Gift.objects.filter(pk=gift.pk).exists()
    remove = reverse("gifts:my_item_remove", kwargs={"model": "gift", "item_id": gift.pk})
    assert client_for("connector").get(remove).status_code == 404
    asked = client_for("resident").get(remove)
    assert asked.status_code == 200 and "tuinieren" in asked.content.decode().lower()
    assert Gift.objects.filter(pk=gift.pk).exists()  # asking removes nothing
    assert client_for("connector").post(remove).status_code == 404
    client_for("resident").post(remove)
    assert not Gift.objects.filter(pk=gift.pk).exists()


def test_a_booked_thing_cannot_be_removed(world):
    from datetime import timedelta

    from django.utils import timezone

    from buurtkracht.lending.models import Booking

    save(world.resident, "delen", items=["ladder"])
    ladder = Resource.objects.get(owner=world.resident)
    Booking.objects.create(
        resource=ladder,
        borrower=world.connector,
        neighbourhood=world.hood,
        status="confirmed",
        start_at=timezone.now() + timedelta(days=1),
        end_at=timezone.now() + timedelta(days=2),
    )
    with refused("booked"):
        save(world.resident, "delen", items=[])
    assert Resource.objects.filter(pk=ladder.pk).exists()


def test_lending_rules_are_set_by_the_owner(world, client_for):
    save(world.resident, "delen", items=["ladder"])
    ladder = Resource.objects.get(owner=world.resident)
    url = reverse("gifts:my_resource", kwargs={"resource_id": ladder.pk})
    response = client_for("resident").post(
        url,
        {
            "description": "Aluminium, 3 meter",
            "lendable": "on",
            "lending_rules": "Schoon terugbrengen",
            "max_days": "3",
            "needs_approval": "on",
            "visibility": "neighbourhood",
        },
    )
    assert response.status_code == 302
    ladder.refresh_from_db()
    assert (ladder.max_days, ladder.lending_rules) == (3, "Schoon terugbrengen")
    assert client_for("connector").get(url).status_code == 404


# --- together with a guided resident ------------------------------------------------------


def _guided(world):
    from buurtkracht.accounts.services import guided_account_register
    from buurtkracht.neighbourhoods.models import Membership

    membership = Membership.objects.get(user=world.professional, neighbourhood=world.hood)
    return guided_account_register(
        actor=world.professional, membership=membership, display_name="Henk"
    )


def test_a_professional_fills_it_in_with_a_guided_resident(world, client_for):
    henk = _guided(world)
    client = client_for("professional")
    url = reverse(
        "gifts:guided_step", kwargs={"slug": "lindenhof", "user_id": henk.pk, "step": "handen"}
    )
    response = client.post(
        url, {"items": [item("koken").pk], "own_words": "", "visibility": "neighbourhood"}
    )
    assert response.status_code == 302
    assert Gift.objects.filter(owner=henk, item__key="koken").exists()
    assert AccessLog.objects.filter(viewer=world.professional, subject=henk, what="gifts").exists()


def test_guided_filling_in_needs_a_guided_account_and_the_right_role(world, client_for):
    henk = _guided(world)
    url = reverse("gifts:guided_gifts", kwargs={"slug": "lindenhof", "user_id": world.resident.pk})
    assert client_for("professional").get(url).status_code == 404  # Sanne is not guided
    url = reverse("gifts:guided_gifts", kwargs={"slug": "lindenhof", "user_id": henk.pk})
    assert client_for("connector").get(url).status_code == 403


# --- the neighbourhood's own words -----------------------------------------------------------


def test_an_admin_adds_a_word_and_search_knows_it(world, client_for):
    from buurtkracht.gifts.models import TaxonomyCategory
    from buurtkracht.gifts.taxonomy import taxonomy_index

    category = TaxonomyCategory.objects.get(key="creatief")
    url = reverse("gifts:taxonomy_words", kwargs={"slug": "lindenhof"})
    data = {
        "category": category.pk,
        "label_nl": "Carnavalswagen bouwen",
        "label_en": "Building carnival floats",
        "synonyms": "praalwagen, optocht",
        "kinds": ["hands"],
    }
    assert client_for("admin").post(url, data).status_code == 302
    new = TaxonomyItem.objects.get(label_nl="Carnavalswagen bouwen")
    assert new.neighbourhood == world.hood and new.synonyms == ["praalwagen", "optocht"]
    assert taxonomy_index(world.hood).lookup("praalwagen")[0].entry.id == new.pk
    assert client_for("admin").post(url, data).status_code == 200  # the same word again
    assert TaxonomyItem.objects.filter(label_nl="Carnavalswagen bouwen").count() == 1
    assert client_for("resident").post(url, data).status_code == 403


# --- abundance and scarcity ----------------------------------------------------------------


def test_abundance_counts_people_not_names(world, client):
    for user in (world.resident, world.connector, world.professional):
        save(user, "handen", items=["fiets-repareren"], visibility="private")
    save(world.admin, "delen", items=["ladder"])
    save(world.admin, "hoofd", items=["computerhulp"])
    for user in (world.resident, world.connector):
        save(user, "hulp", items=["computerhulp"])
    balances = {b.key: b for b in abundance(neighbourhood=world.hood)}
    bike = balances[item("fiets-repareren").category.key]
    assert bike.offered == 3 and bike.signal == "abundant"
    digital = balances[item("computerhulp").category.key]
    assert (digital.offered, digital.asked) == (1, 2) and digital.signal == "scarce"
    html = client.get(reverse("neighbourhoods:home", kwargs={"slug": "lindenhof"})).content.decode()
    assert "<svg" in html and bike.label in html
    assert "Sanne" not in html  # only numbers
    # SVG numbers are never written the Dutch way ("12,5"): the browser would misread them.
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert not re.search(r'(width|x)="\d+,\d', svg) and re.search(r'width="\d+(\.\d)?"', svg)


def test_a_person_with_a_gift_and_a_resource_in_one_area_counts_once(world):
    save(world.resident, "handen", items=["tuinieren"])
    save(world.resident, "delen", items=["tuin-delen"])
    if item("tuinieren").category_id == item("tuin-delen").category_id:
        balances = {b.key: b for b in abundance(neighbourhood=world.hood)}
        assert balances[item("tuinieren").category.key].offered == 1


def test_no_chart_when_the_module_is_off(world, client):
    save(world.resident, "handen", items=["tuinieren"])
    world.hood.modules = ["requests"]
    world.hood.save()
    html = client.get(reverse("neighbourhoods:home", kwargs={"slug": "lindenhof"})).content.decode()
    assert "<svg" not in html


def test_taxonomy_sync_picks_up_changes_to_the_data_file(db):
    from django.core.management import call_command

    plumbing = item("loodgieterswerk")
    plumbing.synonyms = ["oud"]
    plumbing.label_nl = "Verouderd"
    plumbing.save()
    call_command("taxonomy_sync", stdout=io.StringIO())
    plumbing.refresh_from_db()
    assert plumbing.label_nl != "Verouderd" and "lekkende kraan" in plumbing.synonyms
