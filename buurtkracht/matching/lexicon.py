"""A small hand-written lexicon of everyday Dutch, used by `relevance`.

PROTECTED
    Short nouns that the Snowball stemmer folds into another word ("rits" → "rit", the
    stem of "rijden"). They are rewritten to a form whose stem is the noun itself.

EQUIVALENTS
    Everyday words and phrases → how the taxonomy and helpers tend to say the same thing.
    A key matches a whole word, or the end of a compound when marked with a leading
    "-" ("-jas" matches "winterjas"); multi-word keys match as a phrase. The expansion is
    added as an extra clause, so it helps find taxonomy entries and shared words without
    replacing what the person wrote. Keys and expansions are normalised (lower case, no
    diacritics). Keep entries general: word families and set phrases, not single requests.
"""

from __future__ import annotations

PROTECTED: dict[str, str] = {
    "rits": "ritsen",
    "ritsje": "ritsen",
}

_CLOTHES = "kleding repareren naaien"
_APPLIANCE = "apparaat repareren"
_BULKY = "grofvuil spullen vervoeren"

EQUIVALENTS: dict[str, str] = {
    # clothes and mending
    "rits": _CLOTHES,
    "ritsen": _CLOTHES,
    "-jas": _CLOTHES,
    "-broek": _CLOTHES,
    "broeken": _CLOTHES,
    "-jurk": _CLOTHES,
    "-rok": _CLOTHES,
    "knoop": _CLOTHES,
    "zoom": _CLOTHES,
    "inkorten": _CLOTHES,
    "innemen": _CLOTHES,
    "verstellen": _CLOTHES,
    # bulky waste
    "stort": _BULKY,
    "vuilstort": _BULKY,
    "afvalbrengstation": _BULKY,
    "matras": _BULKY,
    "-matras": _BULKY,
    "bankstel": _BULKY,
    "oud ijzer": _BULKY,
    # appliances
    "wasmachine": _APPLIANCE,
    "droger": _APPLIANCE,
    "wasdroger": _APPLIANCE,
    "vaatwasser": _APPLIANCE,
    "koelkast": _APPLIANCE,
    "vriezer": _APPLIANCE,
    "stofzuiger": _APPLIANCE,
    "waterkoker": _APPLIANCE,
    "magnetron": _APPLIANCE,
    "oven": _APPLIANCE,
    "radio": _APPLIANCE,
    "broodrooster": _APPLIANCE,
    # care and company
    "dement": "dementie",
    "dementeren": "dementie",
    "dementerend": "dementie",
    "dementerende": "dementie",
    "alzheimer": "dementie",
    "bij haar zijn": "gezelschap oppassen zorg overnemen",
    "bij hem zijn": "gezelschap oppassen zorg overnemen",
    "bij haar blijven": "gezelschap oppassen zorg overnemen",
    "bij hem blijven": "gezelschap oppassen zorg overnemen",
    "alleen thuis": "eenzaam gezelschap",
    "overleden": "verdriet overlijden gezelschap",
    "weduwe": "verdriet gezelschap",
    "weduwnaar": "verdriet gezelschap",
    "langskomt": "bezoek",
    "langskomen": "bezoek",
    "langs komen": "bezoek",
    "langs te komen": "bezoek",
    "langs kan komen": "bezoek",
    # school
    "bijles": "huiswerkbegeleiding huiswerk",
    "huiswerkbegeleiding": "bijles huiswerk",
    # meals
    "eten brengen": "maaltijd koken",
    "eten koken": "maaltijd koken",
    # work
    "solliciteren": "sollicitatie sollicitatiebrief",
    "sollicitatie": "sollicitatiebrief cv",
    # paperwork
    "administratie": "post ordenen papieren",
    "paperassen": "post ordenen papieren",
    "rekeningen": "geld schulden",
    "nalezen": "tekst nakijken",
    "nakijken": "tekst nakijken",
    "corrigeren": "tekst nakijken",
    # digital
    "internet": "wifi",
    "wifi": "internet",
    "mobieltje": "telefoon",
    "gsm": "telefoon",
    # garden
    "oerwoud": "tuin onderhouden",
    "verwilderd": "tuin onderhouden",
    "kniehoog": "gras te lang",
    # music
    "piano": "muziekles muziek",
    "gitaar": "muziekles muziek",
    "viool": "muziekles muziek",
    "keyboard": "muziekles muziek",
    # exercise
    "bewegen": "sport bewegen",
    "conditie": "sport bewegen",
    # moving house
    "kasten": "meubels",
    "dragen": "sjouwen tillen",
    "sjouwen": "dragen tillen",
    "tillen": "dragen sjouwen",
    "verdieping": "trap op",
}
