"""Fixtures for the recruitment tests: a small structure of its own (not the demo data)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

SMALL_STRUCTURE = {
    "Områder": [
        {
            "Område": "Amager",
            "Områdechef": "Anne Andersen",
            "E-mail": "anne.andersen@buf.example.dk",
            "Souschef": "Bo Berg",
            "Souschef e-mail": "bo.berg@buf.example.dk",
        },
        {
            "Område": "Vesterbro",
            "Områdechef": "Carl Clausen",
            "E-mail": "carl.clausen@buf.example.dk",
            "Souschef": "Dorte Dahl",
            "Souschef e-mail": "dorte.dahl@buf.example.dk",
        },
    ],
    "Klynger": [
        {
            "Klynge-ID": "K001",
            "Klynge": "Klynge Sundby, Nord",
            "Område": "Amager",
            "Type": "Kommunal klynge",
            "Paraplyorganisation": "",
            "Model": "",
            "Klyngeleder": "",
            "E-mail": "",
        },
        {
            "Klynge-ID": "K002",
            "Klynge": "Klynge Kastrupvej",
            "Område": "Amager",
            "Type": "Kommunal klynge",
            "Paraplyorganisation": "",
            "Model": "",
            "Klyngeleder": "",
            "E-mail": "",
        },
        {
            "Klynge-ID": "K003",
            "Klynge": "Netværk Enghave",
            "Område": "Vesterbro",
            "Type": "Netværk",
            "Paraplyorganisation": "MDI",
            "Model": "",
            "Klyngeleder": "",
            "E-mail": "",
        },
        {
            "Klynge-ID": "K004",
            "Klynge": "Klynge Vesterbro Syd",
            "Område": "Vesterbro",
            "Type": "Kommunal klynge",
            "Paraplyorganisation": "",
            "Model": "",
            "Klyngeleder": "",
            "E-mail": "",
        },
    ],
    "Enheder": [
        {
            "Enheds-ID": "E0001",
            "Enhed": "Børnehuset Mågen",
            "Klynge-ID": "K001",
            "Adresse": "Amagerbrogade 1",
            "Antal børn": 64,
            "Aldersgruppe": "3-6",
            "Leder": "Eva Egholm",
            "E-mail": "eva@buf.example.dk",
        },
        {
            "Enheds-ID": "E0002",
            "Enhed": "Vuggestuen Spiren",
            "Klynge-ID": "K001",
            "Adresse": "Amagerbrogade 2",
            "Antal børn": 36,
            "Aldersgruppe": "0-3",
            "Leder": "",
            "E-mail": "",
        },
        {
            "Enheds-ID": "E0003",
            "Enhed": "Fritidshjemmet Kometen",
            "Klynge-ID": "K001",
            "Adresse": "Holmbladsgade 7",
            "Antal børn": 80,
            "Aldersgruppe": "6-10",
            "Leder": "Finn Fisker",
            "E-mail": "",
        },
        {
            "Enheds-ID": "E0004",
            "Enhed": "Børnehaven Solsikken",
            "Klynge-ID": "K002",
            "Adresse": "Kastrupvej 10",
            "Antal børn": 55,
            "Aldersgruppe": "3-6",
            "Leder": "",
            "E-mail": "",
        },
        {
            "Enheds-ID": "E0005",
            "Enhed": "Integreret institution Ærtebjerg",
            "Klynge-ID": "K002",
            "Adresse": "Kastrupvej 12",
            "Antal børn": 90,
            "Aldersgruppe": "0-6",
            "Leder": "Gitte Gram",
            "E-mail": "",
        },
        {
            "Enheds-ID": "E0006",
            "Enhed": "Børnehuset Enghave",
            "Klynge-ID": "K003",
            "Adresse": "Enghavevej 3",
            "Antal børn": 120,
            "Aldersgruppe": "0-6",
            "Leder": "Hans Holm",
            "E-mail": "",
        },
        {
            "Enheds-ID": "E0007",
            "Enhed": "Børnehuset Sønder Boulevard",
            "Klynge-ID": "K004",
            "Adresse": "Sønder Boulevard 9",
            "Antal børn": 70,
            "Aldersgruppe": "0-6",
            "Leder": "Ida Iversen",
            "E-mail": "",
        },
    ],
}


def write_structure(path: Path, data: dict | None = None) -> Path:
    path.write_text(
        yaml.safe_dump(data or SMALL_STRUCTURE, allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    return path


@pytest.fixture
def rec_structure_path(tmp_path: Path) -> Path:
    return write_structure(tmp_path / "struktur.yaml")


@pytest.fixture
def rec_structure(rec_structure_path: Path):
    from docauto.structure.model import load_structure

    return load_structure(rec_structure_path)


def committee_rows(
    position: str,
    chair: str = "Anne Andersen",
    chair_email: str = "anne.andersen@buf.example.dk",
    prefix: str = "",
) -> list[dict]:
    """A committee that keeps the rule, for ``position`` (cluster or unit id)."""
    p = prefix or position
    return [
        {
            "Stilling": position,
            "Navn": chair,
            "Sæde": "Formand",
            "Udpeget af": "Områdechefen",
            "E-mail": chair_email,
            "Telefon": "",
        },
        {
            "Stilling": position,
            "Navn": f"Lene Leder {p}",
            "Sæde": "Lokal ledelsesrepræsentant",
            "Udpeget af": "Ledergruppen",
            "E-mail": f"lene.{p}@buf.example.dk",
            "Telefon": "33 66 00 01",
        },
        {
            "Stilling": position,
            "Navn": f"Mads Medarbejder {p}",
            "Sæde": "Medarbejderrepræsentant 1",
            "Udpeget af": "MED-udvalget",
            "E-mail": f"mads.{p}@buf.example.dk",
            "Telefon": "",
        },
        {
            "Stilling": position,
            "Navn": f"Mia Medarbejder {p}",
            "Sæde": "Medarbejderrepræsentant 2",
            "Udpeget af": "Personalemødet",
            "E-mail": f"mia.{p}@buf.example.dk",
            "Telefon": "",
        },
        {
            "Stilling": position,
            "Navn": f"Frida Forælder {p}",
            "Sæde": "Forældrerepræsentant",
            "Udpeget af": "Forældrebestyrelsen",
            "E-mail": f"frida.{p}@example.com",
            "Telefon": "",
        },
        {
            "Stilling": position,
            "Navn": f"Finn Forælder {p}",
            "Sæde": "Forældrerepræsentant",
            "Udpeget af": "Forældrebestyrelsen",
            "E-mail": f"finn.{p}@example.com",
            "Telefon": "",
        },
        {
            "Stilling": position,
            "Navn": f"Karen Konsulent {p}",
            "Sæde": "Pædagogisk konsulent",
            "Udpeget af": "Områdechefen",
            "E-mail": f"karen.{p}@buf.example.dk",
            "Telefon": "",
        },
        {
            "Stilling": position,
            "Navn": f"Hanne HR {p}",
            "Sæde": "HR-konsulent",
            "Udpeget af": "HR-gruppen",
            "E-mail": f"hanne.{p}@buf.example.dk",
            "Telefon": "",
        },
    ]


def write_committees(path: Path, rows: list[dict]) -> Path:
    path.write_text(
        yaml.safe_dump({"Vurderingsudvalg": rows}, allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    return path
