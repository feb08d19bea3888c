#!/usr/bin/env python3
"""Generate the demo's recruitment inputs from the demo municipality (docauto/data/demo/).

    python scripts/make_demo_recruitment.py           # (re)write the files
    python scripts/make_demo_recruitment.py --check   # exit 1 if the committed files differ

Writes, next to struktur.yaml:

- ``vurderingsudvalg.yaml``: assessment committees (REGISTRY-style rows: Stilling, Navn, Sæde,
  Udpeget af, E-mail, Telefon) for every cluster-leader position (municipal clusters only) in two areas and for the
  vacant pedagogical-leader positions below, plus ONE committee that deliberately breaks the
  rule (its chair is another area's chief, and two people sit in one employee seat), so the
  demo shows the report;
- ``udfordringer.yaml``: the area chiefs' own texts for the specific part of every ad (each
  municipal cluster and each vacant unit), some with bullets ("- " lines);
- ``rekruttering.yaml``: which pedagogical-leader positions are vacant in the demo.

Every person is invented; the output is deterministic (fixed seed, sorted input).
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "docauto" / "data" / "demo"
SEED = 20100927
COMMITTEE_AREAS = ("Amager Øst", "Valby")
BAD_AREA, BAD_CHAIR_AREA = "Nørrebro", "Valby"
VACANT_EVERY = 20  # every 20th unit is a vacant pedagogical-leader position

FIRST = [
    "Anders",
    "Bente",
    "Camilla",
    "Dennis",
    "Ellen",
    "Frederik",
    "Gitte",
    "Henrik",
    "Ida",
    "Jesper",
    "Karina",
    "Lars",
    "Mette",
    "Niels",
    "Olivia",
    "Peter",
    "Rikke",
    "Søren",
    "Tina",
    "Ulrik",
    "Vibeke",
    "William",
    "Yasmin",
    "Zaid",
    "Asger",
    "Birgit",
    "Claus",
    "Dorthe",
    "Emil",
    "Fatima",
]
LAST = [
    "Andersen",
    "Bruun",
    "Christiansen",
    "Dam",
    "Eriksen",
    "Fischer",
    "Gregersen",
    "Holst",
    "Iversen",
    "Jakobsen",
    "Kjær",
    "Lindberg",
    "Mortensen",
    "Nygaard",
    "Olesen",
    "Poulsen",
    "Qvist",
    "Riis",
    "Schmidt",
    "Thygesen",
    "Udsen",
    "Vinther",
    "Wulff",
    "Østergaard",
]

CHALLENGES = [
    "Klyngens institutioner ligger tæt, men har meget forskellige traditioner for "
    "forældresamarbejde. Klyngelederen skal samle dem om fælles mål uden at udviske det, "
    "der gør den enkelte institution god.\n\nI de kommende år skal to af enhederne "
    "udvides, og klyngen skal have en fælles plan for overgange fra vuggestue til børnehave.",
    "Klyngen har mange børn med andet modersmål end dansk. Sprogarbejdet er stærkt i nogle "
    "enheder og skal gøres til hele klyngens styrke.",
    "Klyngen samler både vuggestuer, børnehaver og en fritidsinstitution. Klyngelederen skal "
    "skabe sammenhæng for børnene fra 0 til 13 år og et ledelsesteam, der arbejder på tværs.",
]


def _ascii(text: str) -> str:
    for a, b in (("æ", "ae"), ("ø", "oe"), ("å", "aa"), ("é", "e")):
        text = text.replace(a, b)
    return text.lower().replace(" ", ".")


class Names:
    def __init__(self, rng: random.Random) -> None:
        self.rng, self.used = rng, set()

    def person(self, domain: str) -> tuple[str, str]:
        while True:
            name = f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}"
            if name not in self.used:
                self.used.add(name)
                return name, f"{_ascii(name)}@{domain}"


BULLETS = [
    "- Fælles mål for sprogarbejdet i alle enheder",
    "- Gode overgange fra vuggestue til børnehave og videre til skole",
    "- Et stærkt samarbejde med forældrebestyrelsen",
    "- Fælles administration og økonomistyring",
    "- Inddragelse af medarbejderne i forandringen",
]

UNIT_TEXTS = [
    "Enheden har et stabilt personale og et godt forældresamarbejde. Den pædagogiske leder "
    "skal videreudvikle den pædagogiske praksis i tæt samarbejde med klyngelederen.",
    "Enheden flytter i nye lokaler i 2011. Den pædagogiske leder skal lede personalet gennem "
    "flytningen og samtidig holde fokus på børnenes hverdag.",
]


def challenge_text(i: int, name: str, children: int, units: int) -> str:
    """A cluster's specific part: a paragraph on the cluster, and every other one bullets."""
    text = (
        f"{name} har {units} enheder med i alt {children} børn. "
        + CHALLENGES[i % len(CHALLENGES)].split("\n\n")[0]
    )
    if i % 2 == 0:
        picked = [BULLETS[(i + k) % len(BULLETS)] for k in range(3)]
        text += "\n\nKlyngen skal især arbejde med:\n" + "\n".join(picked)
    return text


def committee(
    position: str, chair: tuple[str, str], names: Names, rng: random.Random, where: str
) -> list[dict]:
    rows = [
        {
            "Stilling": position,
            "Navn": chair[0],
            "Sæde": "Formand",
            "Udpeget af": "Områdechefen",
            "E-mail": chair[1],
            "Telefon": "",
        }
    ]
    # Who appoints whom as Bilag 7 says: the institution's cooperation committee or staff
    # meeting, and the *existing* parent boards (in 2010 the cluster has none of its own).
    # A cluster-leader position spans the cluster's institutions (the cluster itself has no
    # committee or staff meeting until 2011); a unit's position is its own institution's.
    in_ = "institutionerne i " + where if where.startswith("Klynge ") else where
    leaders = ("Lederne af " if where.startswith("Klynge ") else "Lederne i ") + in_
    bodies = (
        ("Samarbejdsudvalgene i ", "Personalemøderne i ")
        if where.startswith("Klynge ")
        else (
            "Samarbejdsudvalget i ",
            "Personalemødet i ",
        )
    )
    seats = [
        ("Lokal ledelsesrepræsentant", leaders, "buf.demokommune.dk"),
        ("Medarbejderrepræsentant 1", bodies[0] + in_, "buf.demokommune.dk"),
        ("Medarbejderrepræsentant 2", bodies[1] + in_, "buf.demokommune.dk"),
        (
            "Forældrerepræsentant 1",
            "De eksisterende forældrebestyrelser",
            "foraeldre.demokommune.dk",
        ),
        (
            "Forældrerepræsentant 2",
            "De eksisterende forældrebestyrelser",
            "foraeldre.demokommune.dk",
        ),
        ("Pædagogisk konsulent", "Områdechefen", "buf.demokommune.dk"),
    ]
    if rng.random() < 0.5:
        seats.append(("HR-konsulent", "HR-gruppen", "buf.demokommune.dk"))
    for seat, by, domain in seats:
        name, email = names.person(domain)
        rows.append(
            {
                "Stilling": position,
                "Navn": name,
                "Sæde": seat,
                "Udpeget af": by,
                "E-mail": email,
                "Telefon": f"33 66 {rng.randint(10, 99)} {rng.randint(10, 99)}",
            }
        )
    return rows


def build() -> dict[str, str]:
    structure = yaml.safe_load((DEMO / "struktur.yaml").read_text(encoding="utf-8"))
    areas = {a["Område"]: a for a in structure["Områder"]}
    clusters = structure["Klynger"]
    units = structure["Enheder"]
    rng = random.Random(SEED)
    names = Names(rng)
    for a in areas.values():
        names.used |= {a["Områdechef"], a["Souschef"]}

    # The municipality recruits in its own clusters only (no network, no self-governing
    # institution: docauto.recruitment.scope).
    municipal = [c for c in clusters if c["Type"] == "Kommunal klynge"]
    municipal_ids = {c["Klynge-ID"] for c in municipal}
    own_units = [u for u in units if u["Klynge-ID"] in municipal_ids]
    vacant = [u["Enheds-ID"] for u in own_units[VACANT_EVERY - 1 :: VACANT_EVERY]]
    cluster_of = {u["Enheds-ID"]: u["Klynge-ID"] for u in units}
    area_of = {c["Klynge-ID"]: c["Område"] for c in clusters}
    rows: list[dict] = []
    for i, c in enumerate(c for c in municipal if c["Område"] in COMMITTEE_AREAS):
        a = areas[c["Område"]]
        chair = (
            (a["Områdechef"], a["E-mail"]) if i % 2 == 0 else (a["Souschef"], a["Souschef e-mail"])
        )
        rows += committee(c["Klynge-ID"], chair, names, rng, c["Klynge"])
    unit_names = {u["Enheds-ID"]: u["Enhed"] for u in units}
    for uid in vacant[:4]:
        a = areas[area_of[cluster_of[uid]]]
        rows += committee(uid, (a["Områdechef"], a["E-mail"]), names, rng, unit_names[uid])
    # The deliberately broken committee: chaired by another area's chief, and two people in
    # the seat "Medarbejderrepræsentant 1".
    bad_cluster = next(c for c in municipal if c["Område"] == BAD_AREA)
    wrong = areas[BAD_CHAIR_AREA]
    bad = committee(
        bad_cluster["Klynge-ID"],
        (wrong["Områdechef"], wrong["E-mail"]),
        names,
        rng,
        bad_cluster["Klynge"],
    )
    for r in bad:
        if r["Sæde"] == "Medarbejderrepræsentant 2":
            r["Sæde"] = "Medarbejderrepræsentant 1"
    rows += bad

    children = {}
    count = {}
    for u in units:
        children[u["Klynge-ID"]] = children.get(u["Klynge-ID"], 0) + int(u["Antal børn"])
        count[u["Klynge-ID"]] = count.get(u["Klynge-ID"], 0) + 1
    texts = {
        c["Klynge-ID"]: challenge_text(
            i, c["Klynge"], children[c["Klynge-ID"]], count[c["Klynge-ID"]]
        )
        for i, c in enumerate(municipal)
    }
    for i, uid in enumerate(vacant):
        texts[uid] = f"{unit_names[uid]}: " + UNIT_TEXTS[i % len(UNIT_TEXTS)]
    head = (
        "# Demo: {what}. Genereret af scripts/make_demo_recruitment.py; ret ikke i hånden, "
        "men i scriptet, og kør det igen. Alle personer er opdigtede.\n"
    )

    def dump(data: object) -> str:
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)

    return {
        "vurderingsudvalg.yaml": head.format(
            what="vurderingsudvalgenes medlemmer; udvalget for "
            f"{bad_cluster['Klynge-ID']} bryder bevidst reglen"
        )
        + dump({"Vurderingsudvalg": rows}),
        "udfordringer.yaml": head.format(
            what="områdechefernes tekster til stillingsopslagenes specifikke del "
            "(Klynge-ID eller Enheds-ID: tekst; linjer med '- ' bliver punkter)"
        )
        + dump(texts),
        "rekruttering.yaml": head.format(what="ledige stillinger som pædagogisk leder")
        + dump({"vakante_enheder": vacant}),
    }


def main(argv: list[str]) -> int:
    files = build()
    if "--check" in argv:
        stale = [
            n
            for n, text in files.items()
            if not (DEMO / n).exists() or (DEMO / n).read_text(encoding="utf-8") != text
        ]
        if stale:
            print("out of date: " + ", ".join(stale), file=sys.stderr)
            return 1
        return 0
    for name, text in files.items():
        (DEMO / name).write_text(text, encoding="utf-8", newline="\n")
        print(f"wrote {DEMO / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
