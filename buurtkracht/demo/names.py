"""Fictional people for the demo: first names, nicknames and languages by background.

Display names on Buurtkracht are first names or nicknames, sometimes with an initial
("Fatma B."). The mix roughly follows a mixed Haarlem neighbourhood. Nobody here is a real
person. "Sanne" and "Henk" are left out: they are the fixed demo accounts.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Background:
    key: str
    weight: int  # share in the neighbourhood, relative
    names: tuple[str, ...]
    # Language lists (codes from people.models.LANGUAGE_CHOICES) with relative weights.
    languages: tuple[tuple[tuple[str, ...], int], ...]
    # Full first name -> what people call them; the nickname is shown instead.
    nicknames: dict[str, str] = field(default_factory=dict)
    # Share (0-100) whose interface language is English instead of Dutch.
    english_ui: int = 0


def _names(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _languages(text: str) -> tuple[tuple[tuple[str, ...], int], ...]:
    """'nl+ar 45, ar 8' -> ((("nl", "ar"), 45), (("ar",), 8))"""
    result = []
    for part in text.split(","):
        codes, weight = part.split()
        result.append((tuple(codes.split("+")), int(weight)))
    return tuple(result)


BACKGROUNDS: tuple[Background, ...] = (
    Background(
        "nederlands",
        52,
        _names(
            "Anna Emma Julia Sophie Lotte Fleur Iris Noor Eva Lisa Femke Marieke Ingrid Els "
            "Wilma Annelies Petra Monique Esther Joke Ria Truus Corrie Daan Bram Lucas Thijs "
            "Sem Jesse Ruben Jeroen Pieter Kees Jan Gerrit Wim Joop Frank Marco Dennis Bas "
            "Martijn Ton Hans Rob Evert Jelle Wilhelmina Johanna Theodorus Jacobus Elisabeth "
            "Cornelis"
        ),
        _languages("nl 60, nl+en 25, nl+de 5, nl+fy 4, nl+en+fr 3, nl+ngt 2, ngt 1"),
        nicknames={
            "Wilhelmina": "Mien",
            "Johanna": "Jo",
            "Theodorus": "Theo",
            "Jacobus": "Koos",
            "Elisabeth": "Lies",
            "Cornelis": "Cor",
            "Pieter": "Piet",
        },
    ),
    Background(
        "marokkaans",
        9,
        _names(
            "Mohamed Youssef Said Karim Hamid Rachid Bilal Ayoub Nordin Soufiane Zakaria "
            "Abdelkader Fatima Khadija Naima Malika Samira Nadia Latifa Hanane Imane Ilham "
            "Siham Hafsa"
        ),
        _languages("nl+ar 45, nl+zgh 20, nl+ar+zgh 15, ar 8, zgh+ar 7, nl+ar+fr 5"),
        nicknames={"Mohamed": "Mo", "Abdelkader": "Kader", "Soufiane": "Souf"},
    ),
    Background(
        "turks",
        8,
        _names(
            "Mehmet Ahmet Mustafa Emre Burak Hakan Kemal Yusuf Osman Serkan Fatma Ayşe Emine "
            "Zeynep Elif Hatice Esra Merve Büşra Gülsen Derya"
        ),
        _languages("nl+tr 65, tr 15, tr+nl+en 12, tr+de 8"),
    ),
    Background(
        "surinaams",
        6,
        _names(
            "Marlon Glenn Romano Clarence Errol Ashwin Ravi Sanjay Priya Sunita Shanti "
            "Nirmala Sharon Gwendolyn Melissa Naomi Dewi Rinaldo"
        ),
        _languages("nl+srn 60, nl 30, nl+srn+en 10"),
        nicknames={"Gwendolyn": "Gwen"},
    ),
    Background(
        "antilliaans",
        3,
        _names(
            "Jurgen Shurwin Giovanni Churandy Rignald Jairo Quincy Shanaya Giselle Mariela "
            "Chanella Jolanda Yvette Ruthline"
        ),
        _languages("nl+pap 65, pap+es 15, nl+pap+en+es 20"),
        nicknames={"Giovanni": "Gio"},
    ),
    Background(
        "pools",
        5,
        _names(
            "Piotr Tomasz Krzysztof Marek Paweł Łukasz Michał Bartłomiej Katarzyna Agnieszka "
            "Magdalena Joanna Ewa Marta Małgorzata"
        ),
        _languages("pl 20, pl+en 35, pl+nl 30, pl+nl+en 10, pl+de 5"),
        nicknames={
            "Katarzyna": "Kasia",
            "Magdalena": "Magda",
            "Bartłomiej": "Bartek",
            "Małgorzata": "Gosia",
            "Krzysztof": "Krzysiek",
        },
        english_ui=40,
    ),
    Background(
        "syrisch",
        4,
        _names(
            "Ahmad Omar Khaled Mahmoud Hassan Rami Yaser Tarek Firas Rasha Lina Hiba Nour "
            "Reem Dima Ghalia Amal Alaa"
        ),
        _languages("ar+nl 55, ar 20, ar+en 15, ar+nl+en 10"),
        english_ui=20,
    ),
    Background(
        "eritrees",
        3,
        _names(
            "Tesfay Yonas Dawit Filmon Mehari Kibrom Samuel Senait Helen Selam Saba Lidya "
            "Mebrat Ruta Feven Eden"
        ),
        _languages("ti+nl 50, ti 25, ti+en 10, ti+ar+nl 15"),
        english_ui=15,
    ),
    Background(
        "oekraiens",
        4,
        _names(
            "Oleksandr Andriy Dmytro Serhiy Mykola Yuriy Taras Olena Iryna Natalia Oksana "
            "Kateryna Tetiana Yulia Svitlana Halyna Viktoria"
        ),
        _languages("uk 20, uk+en 40, uk+nl 20, uk+en+pl 10, uk+en+nl 10"),
        nicknames={"Oleksandr": "Sasha", "Kateryna": "Katya", "Viktoria": "Vika"},
        english_ui=50,
    ),
)

# Letters people use as an initial after their first name ("Fatma B.").
INITIALS = "ABCDEGHJKLMNOPRSTVWYZ"

# Short notes people wrote under "something else that helps me" (B1 Dutch).
ACCESSIBILITY_NOTES = (
    "Ik woon op de derde verdieping en er is geen lift.",
    "Bel mij liever na tien uur 's ochtends.",
    "Ik lees niet zo goed. Leg het mij liever uit.",
    "Ik heb een hulphond.",
    "Praat rustig en kijk me aan, dan kan ik liplezen.",
    "Mijn dochter helpt mij soms met de telefoon.",
    "Ik kan niet lang staan.",
)
