#!/usr/bin/env python3
"""Generate the bundled demo municipality: docauto/data/demo/struktur.yaml.

    python scripts/make_demo_data.py           # (re)write the YAML
    python scripts/make_demo_data.py --check   # exit 1 if the committed YAML is not what this makes

"Demokommune" is a fictional municipality shaped like Copenhagen's Children and Youth
Administration in 2010-2012 (see the seeds): 8 areas, 80 clusters and networks, 330 units.
Every person is invented: names are random first name + surname combinations, and every
e-mail address is on the fictional domain ``buf.demokommune.dk`` (HR's own mailbox there is
``jobbank@buf.demokommune.dk``; no person has that address). Streets and postcodes are real
Copenhagen ones so addresses look right; the house numbers and institutions are invented.
The output is deterministic: a fixed random seed and no dependence on time or machine.

Ids (one scheme for everything):

- ``K001``-``K062``  municipal clusters (Type ``Kommunal klynge``), 3-6 units each;
- ``S001``-``S004``  self-governing clusters (Type ``Selvejende klynge``), SBBU, Model ``3``;
- ``N001``-``N014``  networks (Type ``Netværk``) of self-governing institutions: MDI
  (Model ``Forpligtende netværk``), Frie Børnehaver (Model ``B``, one ``A``), Børneringen
  (Model ``Netværksledelse``), Danske Daginstitutioner (Model ``Netværksmodel``);
- ``E0001``-``E0330`` units, numbered in cluster order.

Every cluster has a Klyngeleder with an e-mail (the structure as of 2012). For a municipal
or self-governing cluster that is a person of its own; for a network it is the network's
coordinator, who is also the leader of the network's first unit (same name and e-mail).

Deliberate deviations from the umbrella organisations' criteria (DOMAIN.md), so the
action-plan criteria check has something to show; every other network meets its criteria
(mappings/paraplymodeller.yaml; every unit's age group lies inside the range. MDI: at least
350 children, ages 0-13; Børneringen: 200-400 children, 3-7 institutions, ages 0-12; Frie
Børnehaver: model B; SBBU: model 3):

- ``N002`` Netværk MDI Nørrebro: fewer than 350 children (ages 0-13 as required);
- ``N004`` Netværk MDI Østerbro: includes a club for 10-16 year-olds, outside MDI's 0-13
  (at least 350 children);
- ``N008`` Netværk Frie Børnehaver Amager: model A, which needs discussion (B is recommended);
- ``N010`` Netværk Børneringen Syd: 8 institutions, more than 7 (children 200-400, ages 0-12);
- ``N011`` Netværk Børneringen Vest: fewer than 200 children (3 institutions, ages 0-12).
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from docauto.structure.model import Structure, Unit

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docauto" / "data" / "demo" / "struktur.yaml"
SEED = 20101001
DOMAIN = "buf.demokommune.dk"
TOTAL_UNITS = 330
MUNICIPAL_CLUSTERS = 62

HEADER = """Demokommune: en fiktiv kommune til demo og test af docauto (REGISTRY.md §0).
Alle personer og e-mailadresser er opdigtede. Genereret af scripts/make_demo_data.py; ret ikke
i hånden, men i scriptet, og kør det igen."""

# Area -> (streets with postcode and town, place names for cluster names).
AREAS: dict[str, tuple[list[tuple[str, str]], list[str]]] = {
    "Amager Øst": (
        [
            (s, "2300 København S")
            for s in (
                "Amagerbrogade",
                "Holmbladsgade",
                "Prags Boulevard",
                "Øresundsvej",
                "Strandlodsvej",
                "Italiensvej",
                "Sundholmsvej",
                "Kastrupvej",
                "Lergravsvej",
                "Amager Strandvej",
                "Backersvej",
                "Hedegaardsvej",
            )
        ],
        [
            "Amager Strand",
            "Sundby",
            "Holmbladsgade",
            "Lergravsparken",
            "Sundbyøster",
            "Kløvermarken",
            "Prags Have",
            "Øresund",
            "Kastrupvej",
            "Hedegården",
        ],
    ),
    "Amager Vest": (
        [
            (s, "2300 København S")
            for s in (
                "Islands Brygge",
                "Artillerivej",
                "Njalsgade",
                "Gullfossgade",
                "Ørestads Boulevard",
                "Tingvej",
                "Brydes Allé",
                "Vejlands Allé",
                "Irlandsvej",
                "Englandsvej",
                "Hørhusvej",
                "Sundbyvestervej",
            )
        ],
        [
            "Islands Brygge",
            "Ørestad Nord",
            "Ørestad Syd",
            "Sundbyvester",
            "Kalvebod",
            "Vestamager",
            "Urbanplanen",
            "Bryggen",
            "Hørhusparken",
            "Grønjordssøen",
        ],
    ),
    "Bispebjerg": (
        [
            (s, "2400 København NV")
            for s in (
                "Frederikssundsvej",
                "Tagensvej",
                "Bispebjerg Bakke",
                "Utterslev Torv",
                "Rentemestervej",
                "Tomsgårdsvej",
                "Emdrupvej",
                "Glasvej",
                "Hulgårdsvej",
                "Frederiksborgvej",
                "Lygten",
                "Rørsangervej",
            )
        ],
        [
            "Bispebjerg",
            "Emdrup",
            "Utterslev",
            "Nordvest",
            "Tagensbo",
            "Lersøen",
            "Rentemestervej",
            "Ryparken",
            "Bispeparken",
            "Glasvej",
        ],
    ),
    "Brønshøj-Husum": (
        [
            (s, "2700 Brønshøj")
            for s in (
                "Frederikssundsvej",
                "Husumvej",
                "Brønshøj Torv",
                "Slotsherrensvej",
                "Bellahøjvej",
                "Krabbesholmvej",
                "Kirkemosevej",
                "Ruten",
                "Tingbjerg Allé",
                "Brønshøjvej",
            )
        ]
        + [(s, "2720 Vanløse") for s in ("Jernbane Allé", "Ålekistevej")],
        [
            "Brønshøj",
            "Husum",
            "Tingbjerg",
            "Bellahøj",
            "Husum Park",
            "Degnemosen",
            "Kirkebjerg",
            "Vanløse",
            "Grøndal",
            "Utterslev Mose",
        ],
    ),
    "Indre By/Østerbro": (
        [
            (s, "2100 København Ø")
            for s in (
                "Østerbrogade",
                "Nordre Frihavnsgade",
                "Strandboulevarden",
                "Classensgade",
                "Ryesgade",
                "Willemoesgade",
                "Kristianiagade",
                "Dag Hammarskjölds Allé",
                "Vognmandsmarken",
            )
        ]
        + [
            ("Gothersgade", "1123 København K"),
            ("Store Kongensgade", "1264 København K"),
            ("Dronningensgade", "1420 København K"),
        ],
        [
            "Østerbro",
            "Nordhavn",
            "Fælledparken",
            "Kastellet",
            "Nyboder",
            "Christianshavn",
            "Indre By",
            "Svanemøllen",
            "Trianglen",
            "Kildevæld",
        ],
    ),
    "Nørrebro": (
        [
            (s, "2200 København N")
            for s in (
                "Nørrebrogade",
                "Jagtvej",
                "Blågårdsgade",
                "Stengade",
                "Guldbergsgade",
                "Fælledvej",
                "Sjællandsgade",
                "Mimersgade",
                "Rantzausgade",
                "Heimdalsgade",
                "Nannasgade",
                "Todesgade",
            )
        ],
        [
            "Nørrebro",
            "Blågården",
            "Assistens",
            "Mjølnerparken",
            "Nørrebroparken",
            "Superkilen",
            "Sankt Hans Torv",
            "Rantzausgade",
            "Guldbergs Plads",
            "Ydre Nørrebro",
        ],
    ),
    "Valby": (
        [
            (s, "2500 Valby")
            for s in (
                "Valby Langgade",
                "Gammel Køge Landevej",
                "Toftegårds Allé",
                "Vigerslev Allé",
                "Lyshøjgårdsvej",
                "Ålholmvej",
                "Carl Jacobsens Vej",
                "Folehaven",
                "Mosedalvej",
                "Gadekærvej",
                "Retortvej",
                "Vestre Teglgade",
            )
        ],
        [
            "Valby",
            "Vigerslev",
            "Toftegården",
            "Valbyparken",
            "Carlsberg Byen",
            "Ålholm",
            "Langgade",
            "Folehaven",
            "Kulbanen",
            "Gadekæret",
        ],
    ),
    "Vesterbro/Kongens Enghave": (
        [
            (s, "1650 København V")
            for s in (
                "Istedgade",
                "Vesterbrogade",
                "Valdemarsgade",
                "Oehlenschlægersgade",
                "Saxogade",
                "Sønder Boulevard",
            )
        ]
        + [
            (s, "2450 København SV")
            for s in (
                "Enghavevej",
                "Sydhavnsgade",
                "Borgbygade",
                "Mozarts Plads",
                "Sjælør Boulevard",
                "Hammelstrupvej",
            )
        ],
        [
            "Vesterbro",
            "Kødbyen",
            "Enghave Plads",
            "Sydhavnen",
            "Kongens Enghave",
            "Mozarts Plads",
            "Sønder Boulevard",
            "Skydebanehaven",
            "Sjælør",
            "Tippen",
        ],
    ),
}

FIRST_NAMES = (
    "Anne",
    "Anette",
    "Birgitte",
    "Bente",
    "Camilla",
    "Charlotte",
    "Dorte",
    "Eva",
    "Gitte",
    "Hanne",
    "Helle",
    "Inge",
    "Jette",
    "Karin",
    "Karen",
    "Kirsten",
    "Lene",
    "Lise",
    "Lone",
    "Louise",
    "Maria",
    "Marianne",
    "Mette",
    "Pia",
    "Rikke",
    "Susanne",
    "Tina",
    "Trine",
    "Ulla",
    "Vibeke",
    "Winnie",
    "Bodil",
    "Grethe",
    "Heidi",
    "Janni",
    "Lisbeth",
    "Malene",
    "Merete",
    "Nina",
    "Pernille",
    "Randi",
    "Sanne",
    "Sidsel",
    "Stine",
    "Tove",
    "Tanja",
    "Signe",
    "Ida",
    "Henrik",
    "Jens",
    "Lars",
    "Michael",
    "Morten",
    "Niels",
    "Ole",
    "Peter",
    "Poul",
    "Søren",
    "Thomas",
    "Anders",
    "Bo",
    "Claus",
    "Jesper",
    "Kim",
    "Martin",
    "Rasmus",
    "Torben",
    "Mads",
    "Jakob",
    "Kasper",
    "Troels",
    "Flemming",
    "Steen",
    "Jan",
    "Erik",
    "Finn",
    "Ahmed",
    "Fatima",
    "Leila",
    "Aisha",
    "Hassan",
    "Ayse",
)
SURNAMES = (
    "Jensen",
    "Nielsen",
    "Hansen",
    "Pedersen",
    "Andersen",
    "Christensen",
    "Larsen",
    "Sørensen",
    "Rasmussen",
    "Jørgensen",
    "Petersen",
    "Madsen",
    "Kristensen",
    "Olsen",
    "Thomsen",
    "Poulsen",
    "Johansen",
    "Møller",
    "Mortensen",
    "Knudsen",
    "Jakobsen",
    "Mikkelsen",
    "Frederiksen",
    "Laursen",
    "Henriksen",
    "Lund",
    "Holm",
    "Schmidt",
    "Eriksen",
    "Nissen",
    "Bak",
    "Lauridsen",
    "Clausen",
    "Dam",
    "Skov",
    "Bech",
    "Vestergaard",
    "Kjær",
    "Lindberg",
    "Krogh",
    "Bruun",
    "Friis",
    "Winther",
    "Mathiasen",
    "Dalgaard",
    "Kirkegaard",
    "Brandt",
    "Bjerre",
    "Højgaard",
    "Lykke",
    "Storm",
    "Overgaard",
    "Søndergaard",
    "Juhl",
    "Svendsen",
    "Iversen",
    "Yilmaz",
    "Hussain",
    "Kaya",
    "Ali",
)
MIDDLE_NAMES = ("Marie", "Louise", "Skov", "Lund", "Holm", "Bach", "Dahl", "Krogh", "Juul")

# Invented institution names; each is used once (with a prefix that fits the age group).
FANCY = (
    "Solsikken",
    "Mælkebøtten",
    "Troldehøjen",
    "Regnbuen",
    "Myretuen",
    "Bikuben",
    "Spiren",
    "Kernehuset",
    "Humlebien",
    "Mariehønen",
    "Sommerfuglen",
    "Græshoppen",
    "Snurretoppen",
    "Ællingen",
    "Svanen",
    "Stæren",
    "Spurvereden",
    "Uglereden",
    "Krudtuglen",
    "Rødhætten",
    "Tommelise",
    "Klatretræet",
    "Egetræet",
    "Kastanjen",
    "Bøgely",
    "Lindely",
    "Pilely",
    "Birkely",
    "Agernet",
    "Kløverengen",
    "Valmuen",
    "Blåklokken",
    "Anemonen",
    "Rosenhaven",
    "Æblehaven",
    "Pæretræet",
    "Kirsebærhaven",
    "Hyldebærret",
    "Hasselnødden",
    "Brombærret",
    "Jordbærret",
    "Blåbærret",
    "Tusindfryd",
    "Margueritten",
    "Fyrtårnet",
    "Lodsen",
    "Skibet",
    "Ankeret",
    "Fregatten",
    "Bølgen",
    "Havfruen",
    "Muslingen",
    "Søstjernen",
    "Krabben",
    "Delfinen",
    "Hvalen",
    "Sælen",
    "Pingvinen",
    "Isbjørnen",
    "Bjørnebo",
    "Rævegraven",
    "Grævlingen",
    "Pindsvinet",
    "Egernet",
    "Haren",
    "Kaninen",
    "Musebo",
    "Muldvarpen",
    "Ulveungerne",
    "Løvetand",
    "Giraffen",
    "Elefanten",
    "Krokodillen",
    "Papegøjen",
    "Pelikanen",
    "Storkereden",
    "Hejren",
    "Viben",
    "Lærken",
    "Svalen",
    "Drosselen",
    "Rødkælken",
    "Musvitten",
    "Gøgereden",
    "Mågen",
    "Ternen",
    "Troldebo",
    "Nissebo",
    "Puslingen",
    "Pusterummet",
    "Krible Krable",
    "Tumlingen",
    "Trillebøtten",
    "Gyngehesten",
    "Karrusellen",
    "Eventyrhuset",
    "Troldespejlet",
    "Dragen",
    "Riddergården",
    "Borgen",
    "Tårnet",
    "Kilden",
    "Bækken",
    "Engen",
    "Mosen",
    "Lyngen",
    "Klitten",
    "Lunden",
    "Lysningen",
    "Stjernen",
    "Månen",
    "Solstrålen",
    "Solbakken",
    "Nordlyset",
    "Morgenstjernen",
    "Kometen",
    "Planeten",
    "Raketten",
    "Regndråben",
    "Snefnugget",
    "Vindmøllen",
    "Vandmøllen",
    "Hønsehuset",
    "Bondegården",
    "Føllet",
    "Kalven",
    "Lammet",
    "Kyllingen",
    "Gåsen",
    "Andedammen",
    "Frøen",
    "Haletudsen",
    "Sneglehuset",
    "Bamsebo",
    "Dukkehuset",
    "Klodsen",
    "Ballonen",
    "Piratskibet",
    "Sørøveren",
    "Skattekisten",
    "Perlen",
    "Ravet",
    "Guldklumpen",
    "Krystallen",
    "Smørblomsten",
    "Kornblomsten",
    "Hvedekornet",
    "Frøet",
    "Knoppen",
    "Grenen",
    "Ranken",
    "Humlehaven",
    "Baunehøj",
    "Bakkehuset",
    "Solgården",
    "Lysgården",
    "Villa Kulla",
    "Villa Vilde",
    "Villa Rosa",
    "Det Grønne Hus",
    "Det Gule Hus",
    "Det Røde Hus",
    "Det Blå Hus",
    "Kaptajnens Hus",
    "Tryllefløjten",
    "Trommen",
    "Violinen",
    "Noden",
    "Melodien",
    "Sangfuglen",
    "Kanariefuglen",
    "Dompappen",
    "Solsorten",
    "Vipstjerten",
    "Isfuglen",
    "Spætten",
    "Glenten",
    "Falken",
    "Ørnereden",
    "Skovsneglen",
    "Havtornen",
    "Lupinen",
    "Vildrosen",
    "Hyben",
    "Tjørnen",
    "Mirabellen",
    "Skovmærket",
    "Kodriveren",
    "Vintergækken",
    "Erantis",
    "Krokus",
    "Påskeliljen",
    "Tulipanen",
    "Fuglereden",
    "Nøddebo",
    "Kastanjebo",
    "Ahornhuset",
    "Elmehuset",
    "Asketræet",
    "Bøgebladet",
    "Egebladet",
    "Pilekvisten",
    "Skovstjernen",
    "Strandskallen",
    "Sandslottet",
    "Redningsbåden",
    "Lygtemanden",
    "Nattergalen",
    "Kongeørnen",
    "Mejsen",
    "Vibereden",
    "Spilopperne",
    "Krummerne",
    "Rollingerne",
    "Lilleput",
    "Tusmørket",
    "Sommerlyst",
    "Vårsol",
    "Efterårsløvet",
)

# Age group -> (prefixes that fit, range of children).
AGE_GROUPS: dict[str, tuple[tuple[str, ...], tuple[int, int]]] = {
    "0-2": (("Vuggestuen",), (20, 60)),
    "3-6": (("Børnehaven",), (40, 100)),
    "0-6": (("Børnehuset", "Børnehuset", "", "", "Den Integrerede Institution"), (45, 130)),
    "6-12": (("Fritidshjemmet",), (60, 150)),
    "6-13": (("Fritidshjemmet", "Fritidsinstitutionen"), (60, 150)),
    "0-13": (("Børne- og Fritidshuset",), (80, 150)),
    "10-16": (("Klubben", "Fritidsklubben"), (40, 120)),
}
MUNICIPAL_AGES = ("0-6",) * 9 + ("3-6",) * 4 + ("0-2",) * 3 + ("6-13",) * 2 + ("0-13",)


@dataclass
class NetworkSpec:
    id: str
    name: str
    area: str
    type: str
    umbrella: str
    model: str
    ages: tuple[str, ...]  # one age group per unit
    ok: Callable[[list[int]], bool] = lambda counts: True  # children per unit -> acceptable?


def _between(lo: int, hi: int) -> Callable[[list[int]], bool]:
    return lambda counts: lo <= sum(counts) <= hi


SELF_GOVERNING: tuple[NetworkSpec, ...] = (
    NetworkSpec(
        "S001",
        "Klynge SBBU Nørrebro",
        "Nørrebro",
        "Selvejende klynge",
        "SBBU",
        "3",
        ("0-6", "0-6", "3-6", "0-2", "0-6"),
    ),
    NetworkSpec(
        "S002",
        "Klynge SBBU Vesterbro",
        "Vesterbro/Kongens Enghave",
        "Selvejende klynge",
        "SBBU",
        "3",
        ("0-6", "3-6", "0-2", "0-6"),
    ),
    NetworkSpec(
        "S003",
        "Klynge SBBU Christianshavn",
        "Indre By/Østerbro",
        "Selvejende klynge",
        "SBBU",
        "3",
        ("0-6", "0-6", "3-6", "0-2", "6-13", "0-6"),
    ),
    NetworkSpec(
        "S004",
        "Klynge SBBU Valby",
        "Valby",
        "Selvejende klynge",
        "SBBU",
        "3",
        ("0-6", "3-6", "0-2", "0-6", "0-6"),
    ),
    # MDI: at least ~350 children, ages 0-13.
    NetworkSpec(
        "N001",
        "Netværk MDI Amager",
        "Amager Øst",
        "Netværk",
        "MDI",
        "Forpligtende netværk",
        ("0-6", "0-6", "3-6", "0-2", "6-13"),
        _between(350, 600),
    ),
    NetworkSpec(
        "N002",
        "Netværk MDI Nørrebro",
        "Nørrebro",
        "Netværk",
        "MDI",  # deviation
        "Forpligtende netværk",
        ("0-6", "0-2", "3-6", "6-13"),
        _between(240, 320),
    ),
    NetworkSpec(
        "N003",
        "Netværk MDI Valby",
        "Valby",
        "Netværk",
        "MDI",
        "Forpligtende netværk",
        ("0-6", "0-6", "0-13", "3-6", "0-2"),
        _between(350, 600),
    ),
    NetworkSpec(
        "N004",
        "Netværk MDI Østerbro",
        "Indre By/Østerbro",
        "Netværk",
        "MDI",  # deviation
        "Forpligtende netværk",
        ("0-6", "0-6", "3-6", "0-2", "10-16"),
        _between(350, 600),
    ),
    # Frie Børnehaver: model B recommended, A needs discussion.
    NetworkSpec(
        "N005",
        "Netværk Frie Børnehaver Østerbro",
        "Indre By/Østerbro",
        "Netværk",
        "Frie Børnehaver",
        "B",
        ("3-6", "0-6", "3-6", "0-6"),
    ),
    NetworkSpec(
        "N006",
        "Netværk Frie Børnehaver Vesterbro",
        "Vesterbro/Kongens Enghave",
        "Netværk",
        "Frie Børnehaver",
        "B",
        ("3-6", "0-6", "0-6"),
    ),
    NetworkSpec(
        "N007",
        "Netværk Frie Børnehaver Bispebjerg",
        "Bispebjerg",
        "Netværk",
        "Frie Børnehaver",
        "B",
        ("3-6", "3-6", "0-6", "0-6"),
    ),
    NetworkSpec(
        "N008",
        "Netværk Frie Børnehaver Amager",
        "Amager Vest",
        "Netværk",  # deviation
        "Frie Børnehaver",
        "A",
        ("3-6", "0-6", "3-6"),
    ),
    # Børneringen: 200-400 children, 3-7 institutions, 0-12 years.
    NetworkSpec(
        "N009",
        "Netværk Børneringen Nord",
        "Bispebjerg",
        "Netværk",
        "Børneringen",
        "Netværksledelse",
        ("0-6", "0-2", "3-6", "6-12"),
        _between(220, 380),
    ),
    NetworkSpec(
        "N010",
        "Netværk Børneringen Syd",
        "Vesterbro/Kongens Enghave",
        "Netværk",  # deviation
        "Børneringen",
        "Netværksledelse",
        ("0-2", "0-2", "3-6", "0-2", "3-6", "0-2", "3-6", "6-12"),
        _between(300, 390),
    ),
    NetworkSpec(
        "N011",
        "Netværk Børneringen Vest",
        "Brønshøj-Husum",
        "Netværk",  # deviation
        "Børneringen",
        "Netværksledelse",
        ("0-2", "3-6", "6-12"),
        _between(120, 180),
    ),
    NetworkSpec(
        "N012",
        "Netværk Børneringen Øst",
        "Amager Øst",
        "Netværk",
        "Børneringen",
        "Netværksledelse",
        ("0-6", "0-2", "3-6", "0-6", "6-12"),
        _between(220, 380),
    ),
    # Danske Daginstitutioner: a network model, no written criteria.
    NetworkSpec(
        "N013",
        "Netværk Danske Daginstitutioner Valby",
        "Valby",
        "Netværk",
        "Danske Daginstitutioner",
        "Netværksmodel",
        ("0-6", "3-6", "0-2", "0-6"),
    ),
    NetworkSpec(
        "N014",
        "Netværk Danske Daginstitutioner Brønshøj",
        "Brønshøj-Husum",
        "Netværk",
        "Danske Daginstitutioner",
        "Netværksmodel",
        ("0-6", "3-6", "0-6"),
    ),
)


def _ascii(text: str) -> str:
    table = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "é": "e", "ö": "o", "ü": "u"})
    return "".join(ch for ch in text.lower().translate(table) if ch.isalnum() or ch in ".-")


class People:
    """Invents unique people with unique e-mail addresses."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.names: set[str] = set()
        self.emails: set[str] = {f"jobbank@{DOMAIN}"}

    def new(self) -> tuple[str, str]:
        while True:
            first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(SURNAMES)
            middle = self.rng.choice(MIDDLE_NAMES) if self.rng.random() < 0.2 else ""
            name = " ".join(p for p in (first, middle, last) if p)
            if name not in self.names and middle != last:
                break
        self.names.add(name)
        local, n = f"{_ascii(first)}.{_ascii(last)}", 1
        while f"{local}@{DOMAIN}" in self.emails:
            n += 1
            local = f"{_ascii(first)}.{_ascii(last)}{n}"
        email = f"{local}@{DOMAIN}"
        self.emails.add(email)
        return name, email


def _unit_counts(rng: random.Random, n_clusters: int, total: int) -> list[int]:
    """Units per municipal cluster: 3-6 each, summing to total."""
    counts = [rng.choice((3, 3, 4, 4, 4, 5, 6)) for _ in range(n_clusters)]
    while sum(counts) != total:
        i = rng.randrange(n_clusters)
        if sum(counts) > total and counts[i] > 3:
            counts[i] -= 1
        elif sum(counts) < total and counts[i] < 6:
            counts[i] += 1
    return counts


class _Builder:
    """Draws the demo municipality from one random stream; the order of the draws is part of
    the output (the committed struktur.yaml), so keep it when changing anything here."""

    def __init__(self) -> None:
        from docauto.structure.model import Structure

        self.rng = random.Random(SEED)
        self.people = People(self.rng)
        self.fancy = list(FANCY)
        self.rng.shuffle(self.fancy)
        self.unit_names: set[str] = set()
        self.unit_no = 0
        self.structure = Structure(source="scripts/make_demo_data.py")

    def add_areas(self) -> None:
        from docauto.structure.model import Area

        for area in AREAS:
            chief, chief_email = self.people.new()
            deputy, deputy_email = self.people.new()
            self.structure.areas[area] = Area(area, chief, chief_email, deputy, deputy_email)

    def unit_name(self, age: str, street: str) -> str:
        # Real institutions are named after a fancy (Solsikken) or after their street
        # (Vuggestuen Sjællandsgade); about a third here are the latter. FANCY has no
        # duplicates, so a fancy name is always new.
        rng, fancy = self.rng, self.fancy
        prefixes = AGE_GROUPS[age][0]
        name = ""
        if rng.random() < 0.36 or not fancy:
            name = f"{rng.choice([p for p in prefixes if p])} {street}"
        if (not name or name in self.unit_names) and fancy:
            name = f"{rng.choice(prefixes)} {fancy.pop()}".strip()
        n = 2  # only when the street name is taken and FANCY is used up
        base = name
        while name in self.unit_names:
            name, n = f"{base} {n}", n + 1
        self.unit_names.add(name)
        return name

    def child_counts(
        self, cid: str, ages: tuple[str, ...], ok: Callable[[list[int]], bool]
    ) -> list[int]:
        """Children per unit, drawn until they meet the cluster's spec."""
        for _ in range(10_000):
            counts = [self.rng.randint(*AGE_GROUPS[a][1]) for a in ages]
            if ok(counts):
                return counts
        raise SystemExit(f"{cid}: no child counts meet the spec")  # pragma: no cover

    def make_units(
        self, cid: str, area: str, ages: tuple[str, ...], ok: Callable[[list[int]], bool]
    ) -> list[Unit]:
        from docauto.structure.model import Unit

        rng = self.rng
        counts = self.child_counts(cid, ages, ok)
        streets = AREAS[area][0]
        units = []
        for age, children in zip(ages, counts, strict=True):
            self.unit_no += 1
            street, town = rng.choice(streets)
            leader, email = self.people.new()
            units.append(
                Unit(
                    id=f"E{self.unit_no:04d}",
                    name=self.unit_name(age, street),
                    cluster_id=cid,
                    address=f"{street} {rng.randint(1, 180)}, {town}",
                    children=children,
                    age_group=age,
                    leader=leader,
                    email=email,
                )
            )
        return units

    def add_municipal_clusters(self) -> None:
        """Municipal clusters, spread over the areas in turn."""
        from docauto.structure.model import Cluster

        n_self_units = sum(len(s.ages) for s in SELF_GOVERNING)
        counts = _unit_counts(self.rng, MUNICIPAL_CLUSTERS, TOTAL_UNITS - n_self_units)
        area_names = list(AREAS)
        places = {a: list(AREAS[a][1]) for a in AREAS}
        for i, n_units in enumerate(counts):
            area = area_names[i % len(area_names)]
            cid = f"K{i + 1:03d}"
            place = places[area].pop(0)
            ages = tuple(self.rng.choice(MUNICIPAL_AGES) for _ in range(n_units))
            units = self.make_units(cid, area, ages, lambda c: True)
            leader, email = self.people.new()
            self.structure.clusters[cid] = Cluster(
                cid, f"Klynge {place}", area, "Kommunal klynge", "", "", leader, email, tuple(units)
            )

    def add_self_governing(self) -> None:
        """Self-governing clusters and networks, as SELF_GOVERNING specifies them."""
        from docauto.structure.model import Cluster

        for spec in SELF_GOVERNING:
            units = self.make_units(spec.id, spec.area, spec.ages, spec.ok)
            if spec.type == "Netværk":
                # The coordinator is the leader of one of the network's own institutions.
                leader, email = units[0].leader, units[0].email
            else:
                leader, email = self.people.new()
            self.structure.clusters[spec.id] = Cluster(
                spec.id,
                spec.name,
                spec.area,
                spec.type,
                spec.umbrella,
                spec.model,
                leader,
                email,
                tuple(units),
            )

    def index_units(self) -> None:
        for c in self.structure.clusters.values():
            for u in c.units:
                self.structure.units[u.id] = u


def build() -> Structure:
    builder = _Builder()
    builder.add_areas()
    builder.add_municipal_clusters()
    builder.add_self_governing()
    builder.index_units()
    return builder.structure


def render() -> bytes:
    from docauto.structure.model import write_structure_yaml

    return write_structure_yaml(build(), header=HEADER)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="compare with the committed file instead of writing it"
    )
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from docauto.structure.model import load_structure

    data = render()
    if args.check:
        same = OUT.exists() and OUT.read_bytes() == data
        print(f"{OUT}: {'up to date' if same else 'DIFFERS from what the script makes'}")
        return 0 if same else 1
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_bytes(data)
    s = load_structure(OUT)  # raises with every problem if the data is inconsistent
    print(
        f"{OUT}: {len(s.areas)} areas, {len(s.clusters)} clusters and networks, "
        f"{len(s.units)} units, {sum(u.children for u in s.units.values())} children"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
