"""The recruitment part of ``docauto demo`` on the bundled demo municipality."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import yaml
from click.testing import CliRunner

from docauto.cli import cli
from docauto.office.docprops import read_custom_properties
from docauto.office.docxtext import docx_text

ROOT = Path(__file__).resolve().parent.parent


def test_demo_data_is_what_the_script_makes():
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_demo_recruitment.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_demo_step_writes_ads_letters_forms_and_reports_the_bad_committee(tmp_path):
    from docauto.demo.municipality import demo_structure_path
    from docauto.structure.model import load_structure

    result = CliRunner().invoke(cli, ["demo", "--out", str(tmp_path), "--only", "recruitment"])
    assert result.exit_code == 0, result.output
    out = tmp_path / "rekruttering"
    structure = load_structure(demo_structure_path())
    ads = sorted((out / "stillingsopslag").glob("*.docx"))
    cl_ads = [p for p in ads if "-klyngeleder-" in p.name]
    # Only the municipal clusters: networks and self-governing clusters hire their own.
    municipal = [c for c in structure.clusters.values() if not c.is_self_governing]
    assert len(cl_ads) == len(municipal)
    assert not [
        p
        for p in ads
        if any(f"-{c.id}." in p.name for c in structure.clusters.values() if c.is_self_governing)
    ]
    vacant = yaml.safe_load(
        (demo_structure_path().parent / "rekruttering.yaml").read_text(encoding="utf-8")
    )["vakante_enheder"]
    assert len(ads) - len(cl_ads) == len(vacant)
    # Every ad has the area chief's specific part, none the neutral filler.
    assert not [p for p in ads if "uddyber gerne" in docx_text(p.read_bytes()).all]
    props = read_custom_properties(
        (out / "stillingsopslag" / "stillingsopslag-klyngeleder-K001.docx").read_bytes()
    )
    assert props["docauto.klynge_id"] == "K001" and props["docauto.rolle"] == "cluster_leader"
    # The demo's own text for K001 is in its ad.
    text = docx_text(
        (out / "stillingsopslag" / "stillingsopslag-klyngeleder-K001.docx").read_bytes()
    )
    assert any("forskellige traditioner for forældresamarbejde" in ln for ln in text.body)

    # One committee (K006) breaks the rule on purpose: reported, and no letters for it.
    assert "vurderingsudvalg K006 (Klynge Nørrebro), sæde 'formand'" in result.output
    assert "2 personer i samme sæde" in result.output
    letters = [p.name for p in (out / "udpegningsbreve").iterdir()]
    assert not [n for n in letters if "-K006-" in n]
    assert len([n for n in letters if n.endswith("-oversigt.docx")]) == 19
    assert not [n for n in letters if "-formand" in n]  # the chair gets the overview

    forms = sorted((out / "registreringsskemaer").glob("*.xlsx"))
    assert len(forms) == len(structure.areas) * 8
    wb = openpyxl.load_workbook(
        out / "registreringsskemaer" / "registreringsskema-klyngeleder-ansoegere-valby.xlsx"
    )
    klynger = [c.value for c in wb["Lister"]["B"][1:] if c.value]
    # The drop-down lists the municipal clusters only (not the SBBU cluster or the networks).
    assert klynger == [c.name for c in structure.clusters_in("Valby") if not c.is_self_governing]
