"""Fixtures for the recruitment tests: a small structure of its own (not the demo data)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

SMALL_STRUCTURE = {
    "Områder": [
        {"Område": "Amager", "Områdechef": "Anne Andersen", "E-mail": "anne.andersen@buf.example.dk",
         "Souschef": "Bo Berg", "Souschef e-mail": "bo.berg@buf.example.dk"},
        {"Område": "Vesterbro", "Områdechef": "Carl Clausen", "E-mail": "carl.clausen@buf.example.dk",
         "Souschef": "Dorte Dahl", "Souschef e-mail": "dorte.dahl@buf.example.dk"},
    ],
    "Klynger": [
        {"Klynge-ID": "K001", "Klynge": "Klynge Sundby, Nord", "Område": "Amager",
         "Type": "Kommunal klynge", "Paraplyorganisation": "", "Model": "",
         "Klyngeleder": "", "E-mail": ""},
        {"Klynge-ID": "K002", "Klynge": "Klynge Kastrupvej", "Område": "Amager",
         "Type": "Kommunal klynge", "Paraplyorganisation": "", "Model": "",
         "Klyngeleder": "", "E-mail": ""},
        {"Klynge-ID": "K003", "Klynge": "Netværk Enghave", "Område": "Vesterbro",
         "Type": "Netværk", "Paraplyorganisation": "MDI", "Model": "",
         "Klyngeleder": "", "E-mail": ""},
    ],
    "Enheder": [
        {"Enheds-ID": "E0001", "Enhed": "Børnehuset Mågen", "Klynge-ID": "K001",
         "Adresse": "Amagerbrogade 1", "Antal børn": 64, "Aldersgruppe": "3-6",
         "Leder": "Eva Egholm", "E-mail": "eva@buf.example.dk"},
        {"Enheds-ID": "E0002", "Enhed": "Vuggestuen Spiren", "Klynge-ID": "K001",
         "Adresse": "Amagerbrogade 2", "Antal børn": 36, "Aldersgruppe": "0-3",
         "Leder": "", "E-mail": ""},
        {"Enheds-ID": "E0003", "Enhed": "Fritidshjemmet Kometen", "Klynge-ID": "K001",
         "Adresse": "Holmbladsgade 7", "Antal børn": 80, "Aldersgruppe": "6-10",
         "Leder": "Finn Fisker", "E-mail": ""},
        {"Enheds-ID": "E0004", "Enhed": "Børnehaven Solsikken", "Klynge-ID": "K002",
         "Adresse": "Kastrupvej 10", "Antal børn": 55, "Aldersgruppe": "3-6",
         "Leder": "", "E-mail": ""},
        {"Enheds-ID": "E0005", "Enhed": "Integreret institution Ærtebjerg", "Klynge-ID": "K002",
         "Adresse": "Kastrupvej 12", "Antal børn": 90, "Aldersgruppe": "0-6",
         "Leder": "Gitte Gram", "E-mail": ""},
        {"Enheds-ID": "E0006", "Enhed": "Børnehuset Enghave", "Klynge-ID": "K003",
         "Adresse": "Enghavevej 3", "Antal børn": 120, "Aldersgruppe": "0-6",
         "Leder": "Hans Holm", "E-mail": ""},
    ],
}


def write_structure(path: Path, data: dict | None = None) -> Path:
    path.write_text(yaml.safe_dump(data or SMALL_STRUCTURE, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    return path


@pytest.fixture
def rec_structure_path(tmp_path: Path) -> Path:
    return write_structure(tmp_path / "struktur.yaml")


@pytest.fixture
def rec_structure(rec_structure_path: Path):  # noqa: ANN201
    from docauto.structure import load_structure

    return load_structure(rec_structure_path)
