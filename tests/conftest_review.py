"""Fixtures for the structural review tests: a small municipality of its own."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

FIXTURE = {
    "Områder": [
        {
            "Område": "Nord",
            "Områdechef": "Anna Nord",
            "E-mail": "anna.nord@kk.test",
            "Souschef": "",
            "Souschef e-mail": "",
        },
        {
            "Område": "Syd",
            "Områdechef": "Bent Syd",
            "E-mail": "bent.syd@kk.test",
            "Souschef": "",
            "Souschef e-mail": "",
        },
    ],
    "Klynger": [
        {
            "Klynge-ID": "K1",
            "Klynge": "Klynge Nordhavn",
            "Område": "Nord",
            "Type": "Kommunal klynge",
            "Paraplyorganisation": "",
            "Model": "",
            "Klyngeleder": "Karen Kommune",
            "E-mail": "karen@kk.test",
        },
        {
            "Klynge-ID": "S1",
            "Klynge": "Klynge SBBU Syd",
            "Område": "Syd",
            "Type": "Selvejende klynge",
            "Paraplyorganisation": "SBBU",
            "Model": "3",
            "Klyngeleder": "Sofie Selv",
            "E-mail": "sofie@kk.test",
        },
        {
            "Klynge-ID": "N1",
            "Klynge": "Netværk Ringen Nord",
            "Område": "Nord",
            "Type": "Netværk",
            "Paraplyorganisation": "Børneringen",
            "Model": "Netværksledelse",
            "Klyngeleder": "Niels Netværk",
            "E-mail": "niels@kk.test",
        },
        {
            "Klynge-ID": "N2",
            "Klynge": "Netværk Ringen Lille",
            "Område": "Syd",
            "Type": "Netværk",
            "Paraplyorganisation": "Børneringen",
            "Model": "Netværksledelse",
            "Klyngeleder": "Lis Lille",
            "E-mail": "lis@kk.test",
        },
        {
            "Klynge-ID": "N3",
            "Klynge": "Netværk Frie Syd",
            "Område": "Syd",
            "Type": "Netværk",
            "Paraplyorganisation": "Frie Børnehaver",
            "Model": "C",
            "Klyngeleder": "Frede Fri",
            "E-mail": "frede@kk.test",
        },
    ],
    "Enheder": [
        # K1: municipal
        {
            "Enheds-ID": "E01",
            "Enhed": "Børnehuset Havnen",
            "Klynge-ID": "K1",
            "Adresse": "Havnevej 1",
            "Antal børn": 80,
            "Aldersgruppe": "0-6",
            "Leder": "Karen Kommune",
            "E-mail": "karen@kk.test",
        },
        {
            "Enheds-ID": "E02",
            "Enhed": "Vuggestuen Molen",
            "Klynge-ID": "K1",
            "Adresse": "Molevej 2",
            "Antal børn": 40,
            "Aldersgruppe": "0-2",
            "Leder": "Mads Mole",
            "E-mail": "mads@kk.test",
        },
        # S1: SBBU cluster
        {
            "Enheds-ID": "E03",
            "Enhed": "Børnehaven Solen",
            "Klynge-ID": "S1",
            "Adresse": "Solvej 3",
            "Antal børn": 90,
            "Aldersgruppe": "3-6",
            "Leder": "Sofie Selv",
            "E-mail": "sofie@kk.test",
        },
        {
            "Enheds-ID": "E04",
            "Enhed": "Vuggestuen Månen",
            "Klynge-ID": "S1",
            "Adresse": "Månevej 4",
            "Antal børn": 50,
            "Aldersgruppe": "0-2",
            "Leder": "Mona Måne",
            "E-mail": "mona@kk.test",
        },
        # N1: Børneringen, inside the model (3 institutions, 260 children, 0-12)
        {
            "Enheds-ID": "E05",
            "Enhed": "Fritidshjemmet Ringen",
            "Klynge-ID": "N1",
            "Adresse": "Ringvej 5",
            "Antal børn": 100,
            "Aldersgruppe": "6-12",
            "Leder": "Niels Netværk",
            "E-mail": "niels@kk.test",
        },
        {
            "Enheds-ID": "E06",
            "Enhed": "Børnehaven Cirklen",
            "Klynge-ID": "N1",
            "Adresse": "Cirkelvej 6",
            "Antal børn": 90,
            "Aldersgruppe": "3-6",
            "Leder": "Carla Cirkel",
            "E-mail": "carla@kk.test",
        },
        {
            "Enheds-ID": "E07",
            "Enhed": "Vuggestuen Buen",
            "Klynge-ID": "N1",
            "Adresse": "Buevej 7",
            "Antal børn": 70,
            "Aldersgruppe": "0-2",
            "Leder": "Bo Bue",
            "E-mail": "bo@kk.test",
        },
        # N2: Børneringen, breaks the model (2 institutions, 120 children, a 10-16 club)
        {
            "Enheds-ID": "E08",
            "Enhed": "Klubben Lille",
            "Klynge-ID": "N2",
            "Adresse": "Lillevej 8",
            "Antal børn": 60,
            "Aldersgruppe": "10-16",
            "Leder": "Lis Lille",
            "E-mail": "lis@kk.test",
        },
        {
            "Enheds-ID": "E09",
            "Enhed": "Børnehaven Prik",
            "Klynge-ID": "N2",
            "Adresse": "Prikvej 9",
            "Antal børn": 60,
            "Aldersgruppe": "3-6",
            "Leder": "Per Prik",
            "E-mail": "per@kk.test",
        },
        # N3: Frie Børnehaver, model C
        {
            "Enheds-ID": "E10",
            "Enhed": "Den Frie Børnehave",
            "Klynge-ID": "N3",
            "Adresse": "Frivej 10",
            "Antal børn": 40,
            "Aldersgruppe": "3-6",
            "Leder": "Frede Fri",
            "E-mail": "frede@kk.test",
        },
        {
            "Enheds-ID": "E11",
            "Enhed": "Børnehaven Fløjten",
            "Klynge-ID": "N3",
            "Adresse": "Fløjtevej 11",
            "Antal børn": 45,
            "Aldersgruppe": "3-6",
            "Leder": "Flemming Fløjte",
            "E-mail": "flemming@kk.test",
        },
    ],
}


@pytest.fixture
def review_structure_path(tmp_path: Path) -> Path:
    path = tmp_path / "struktur.yaml"
    path.write_text(yaml.safe_dump(FIXTURE, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def review_structure(review_structure_path: Path):
    from docauto.structure.model import load_structure

    return load_structure(review_structure_path)


@pytest.fixture
def review_settings():
    from docauto.review.settings import load_settings

    return load_settings()
