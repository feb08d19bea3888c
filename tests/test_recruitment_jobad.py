"""Job ads (stillingsopslag): the profile's general part, the position's specific part,
the area chief's own text, custom properties, and bad input."""

from __future__ import annotations

import copy
from pathlib import Path

import openpyxl
import pytest
import yaml
from click.testing import CliRunner

from docauto.cli import cli
from docauto.office.docprops import read_custom_properties
from docauto.office.docxtext import docx_text

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str):
    return CliRunner().invoke(cli, ["generate", "stillingsopslag", *args])


def _run_neutral(*args: str):
    """Without the area chiefs' texts: the neutral paragraph, asked for explicitly."""
    return _run(*args, "--set", "standardtekst=ja")


def _text(path: Path) -> list[str]:
    return docx_text(path.read_bytes()).all.splitlines()


@pytest.mark.parametrize(
    ("role_opt", "profile", "filename"),
    [
        ("klyngeleder", "klyngeleder.yaml", "stillingsopslag-klyngeleder-K001.docx"),
        (
            "paedagogisk_leder",
            "paedagogisk-leder.yaml",
            "stillingsopslag-paedagogisk-leder-E0002.docx",
        ),
    ],
)
def test_ad_holds_every_responsibility_competency_and_unit(
    rec_structure_path, rec_structure, tmp_path, role_opt, profile, filename
):
    out = tmp_path / "out"
    result = _run_neutral(
        "--structure",
        str(rec_structure_path),
        "--out",
        str(out),
        "--set",
        f"rolle={role_opt}",
        "--only",
        "K001",
    )
    assert result.exit_code == 0, result.output
    lines = _text(out / filename)
    data = yaml.safe_load((ROOT / "templates" / "profiler" / profile).read_text(encoding="utf-8"))
    for item in data["ansvarsomraader"] + data["kompetencer"] + data["generelt"]:
        assert item in lines, item
    assert data["refererer_til"] in lines
    # The specific part: every unit of the cluster with its address, children and ages.
    for unit in rec_structure.clusters["K001"].units:
        assert f"{unit.name} | {unit.address} | {unit.children} | {unit.age_group} år" in lines
    assert "Område: | Amager" in lines
    assert "Antal børn i alt: | 180" in lines
    assert any("anne.andersen@buf.example.dk" in ln for ln in lines)


def test_cluster_leader_ad_specifics_and_properties(rec_structure_path, tmp_path):
    out = tmp_path / "out"
    result = _run_neutral(
        "--structure", str(rec_structure_path), "--out", str(out), "--only", "K002"
    )
    assert result.exit_code == 0, result.output
    path = out / "stillingsopslag-klyngeleder-K002.docx"
    lines = _text(path)
    assert "Klyngeleder til Klynge Kastrupvej" in lines
    assert "Type: | Kommunal klynge" in lines
    assert any("senest fredag den 8. oktober 2010" in ln for ln in lines)
    assert any("uge 42 og 45" in ln for ln in lines)
    assert "Opslået den 1. oktober 2010." in lines
    assert any("én ansøgning pr. område" in ln for ln in lines)
    props = read_custom_properties(path.read_bytes())
    assert props["docauto.rolle"] == "cluster_leader"
    assert props["docauto.klynge_id"] == "K002"
    assert props["docauto.kind"] == "job_ad"
    assert "docauto.enheds_id" not in props


def test_pedagogical_leader_ads_for_vacant_units_with_unit_id(rec_structure_path, tmp_path):
    out = tmp_path / "out"
    result = _run_neutral(
        "--structure",
        str(rec_structure_path),
        "--out",
        str(out),
        "--set",
        "rolle=paedagogisk_leder",
    )
    assert result.exit_code == 0, result.output
    # Units without a leader in the structure are the vacant positions.
    assert sorted(p.name for p in out.iterdir()) == [
        "stillingsopslag-paedagogisk-leder-E0002.docx",
        "stillingsopslag-paedagogisk-leder-E0004.docx",
    ]
    props = read_custom_properties(
        (out / "stillingsopslag-paedagogisk-leder-E0004.docx").read_bytes()
    )
    assert props == {
        "docauto.kind": "job_ad",
        "docauto.rolle": "pedagogical_leader",
        "docauto.klynge_id": "K002",
        "docauto.enheds_id": "E0004",
        "docauto.omraade": "Amager",
    }
    lines = _text(out / "stillingsopslag-paedagogisk-leder-E0004.docx")
    assert "Pædagogisk leder til Børnehaven Solsikken" in lines
    assert any("senest mandag den 22. november 2010" in ln for ln in lines)
    result = _run_neutral(
        "--structure",
        str(rec_structure_path),
        "--out",
        str(tmp_path / "all"),
        "--set",
        "rolle=begge",
        "--set",
        "stillinger=alle",
    )
    assert result.exit_code == 0, result.output
    # The network K003 gets neither a cluster-leader ad nor ads for its institutions.
    names = sorted(p.name for p in (tmp_path / "all").iterdir())
    assert not [n for n in names if "K003" in n]
    assert len(names) == 3 + len([u for c in ("K001", "K002", "K004") for u in _units(c)])


def _units(cluster_id: str) -> list[str]:
    from conftest_recruitment import SMALL_STRUCTURE

    return [u["Enheds-ID"] for u in SMALL_STRUCTURE["Enheder"] if u["Klynge-ID"] == cluster_id]


def _challenge_inputs(tmp_path: Path) -> dict[str, Path]:
    text = "Klyngen skal samle tre traditioner.\n\nAnden paragraf om forældrene."
    yml = tmp_path / "tekster.yaml"
    yml.write_text(yaml.safe_dump({"K001": text}, allow_unicode=True), encoding="utf-8")
    xlsx = tmp_path / "tekster.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Områdechefernes tekster"])  # a title above the header is fine
    wb.active.append(["Klynge-ID", "Tekst"])
    wb.active.append(["K001", text])
    wb.save(xlsx)
    folder = tmp_path / "tekster"
    folder.mkdir()
    from docx import Document

    doc = Document()
    doc.add_paragraph("Klyngen skal samle tre traditioner.")
    doc.add_paragraph("Anden paragraf om forældrene.")
    doc.save(folder / "K001.docx")
    (folder / "K002.txt").write_text("Tekst til Kastrupvej.", encoding="utf-8")
    return {"yaml": yml, "xlsx": xlsx, "folder": folder}


@pytest.mark.parametrize("source", ["yaml", "xlsx", "folder"])
def test_area_chiefs_text_from_data(rec_structure_path, tmp_path, source):
    data = _challenge_inputs(tmp_path)[source]
    out = tmp_path / "out"
    result = _run(
        "--structure",
        str(rec_structure_path),
        "--out",
        str(out),
        "--data",
        str(data),
        "--only",
        "K001",
        "--only",
        "K002",
        "--set",
        "standardtekst=ja",
    )
    assert result.exit_code == 0, result.output
    lines = _text(out / "stillingsopslag-klyngeleder-K001.docx")
    i = lines.index("Klyngens udfordringer")
    assert lines[i + 1 : i + 3] == [
        "Klyngen skal samle tre traditioner.",
        "Anden paragraf om forældrene.",
    ]
    lines = _text(out / "stillingsopslag-klyngeleder-K002.docx")
    if source == "folder":  # K002.txt
        assert lines[lines.index("Klyngens udfordringer") + 1] == "Tekst til Kastrupvej."
    else:  # no text for K002: the profile's neutral paragraph, as asked, and counted
        default = yaml.safe_load(
            (ROOT / "templates/profiler/klyngeleder.yaml").read_text(encoding="utf-8")
        )["standardtekst_udfordringer"]
        assert lines[lines.index("Klyngens udfordringer") + 1] == default
        assert "1 af 2 stillingsopslag har fået standardteksten" in result.output
        assert "K002" in result.output


def test_unknown_cluster_in_text_file_is_named_and_nothing_written(rec_structure_path, tmp_path):
    data = tmp_path / "tekster.yaml"
    data.write_text("K001: fin tekst\nK777: ukendt klynge\n", encoding="utf-8")
    out = tmp_path / "out"
    result = _run("--structure", str(rec_structure_path), "--out", str(out), "--data", str(data))
    assert result.exit_code == 1
    assert "nøglen 'K777'" in result.output and "hverken en klynge eller en enhed" in result.output
    assert not out.exists() or not list(out.iterdir())


def _bad_structure(tmp_path: Path, mutate) -> Path:
    from conftest_recruitment import SMALL_STRUCTURE, write_structure

    data = copy.deepcopy(SMALL_STRUCTURE)
    mutate(data)
    return write_structure(tmp_path / "bad.yaml", data)


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda d: d["Klynger"].append(
                {**d["Klynger"][0], "Klynge-ID": "K009", "Klynge": "Tom klynge"}
            ),
            "klyngen 'K009' har ingen enheder",
        ),
        (
            lambda d: d["Enheder"][1].update({"Antal børn": -4}),
            "antal børn kan ikke være negativt (-4)",
        ),
    ],
)
def test_bad_structure_is_named_located_and_nothing_written(tmp_path, mutate, expected):
    path = _bad_structure(tmp_path, mutate)
    out = tmp_path / "out"
    result = _run("--structure", str(path), "--out", str(out))
    assert result.exit_code == 1
    assert expected in result.output
    assert "bad.yaml" in result.output and "række" in result.output
    assert not out.exists()


def test_options_and_dry_run(rec_structure_path, tmp_path):
    out = tmp_path / "out"
    result = _run_neutral(
        "--structure",
        str(rec_structure_path),
        "--out",
        str(out),
        "--only",
        "K002",
        "--set",
        "opslagsdato=2010-10-04",
        "--set",
        "kontakt=souschef",
        "--dry-run",
    )
    assert result.exit_code == 0 and not out.exists()
    result = _run_neutral(
        "--structure",
        str(rec_structure_path),
        "--out",
        str(out),
        "--only",
        "K002",
        "--set",
        "opslagsdato=2010-10-04",
        "--set",
        "kontakt=souschef",
    )
    lines = _text(out / "stillingsopslag-klyngeleder-K002.docx")
    assert "Opslået den 4. oktober 2010." in lines
    assert any("souschef Bo Berg, bo.berg@buf.example.dk" in ln for ln in lines)
    result = _run("--structure", str(rec_structure_path), "--out", str(out), "--set", "rolle=chef")
    assert result.exit_code == 2 and "ukendt rolle 'chef'" in result.output
    result = _run("--structure", str(rec_structure_path), "--out", str(out), "--only", "K404")
    assert result.exit_code == 2 and "ukendt klynge eller enhed 'K404'" in result.output


def test_profiles_and_reminders_read_as_prose():
    import re

    import yaml

    from docauto.resources import templates_dir

    for path in sorted((templates_dir() / "profiler").glob("*.yaml")):
        text = yaml.safe_dump(yaml.safe_load(path.read_text(encoding="utf-8")), allow_unicode=True)
        # "administrative/økonomiske" from the source reads as a form, not a job ad
        # ("og/eller" is ordinary Danish)
        assert not re.search(r"[a-zæøå]/[a-zæøå]", text.replace("og/eller", "")), path.name
    reminder = (templates_dir() / "tekster" / "paamindelse.yaml").read_text(encoding="utf-8")
    body = "\n".join(ln for ln in reminder.splitlines() if not ln.lstrip().startswith("#"))
    assert "docauto" not in body  # a chief is not told the name of the tool
