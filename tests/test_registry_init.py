"""registry init: the workbook of REGISTRY.md §3, its positions, its look; status rules."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest_registry import NORD, mail, sheet

from docauto.cli import cli
from docauto.registry import schema

EXPECTED = {
    "Stillinger": [
        "Stillings-ID",
        "Stillingstype",
        "Område",
        "Klynge",
        "Enhed",
        "Status",
        "Ansat",
        "Opdateret",
    ],
    "Ansøgninger": [
        "Stillingstype",
        "Område",
        "Klynge",
        "Enhed",
        "Ansøger",
        "E-mail",
        "Nuværende stilling",
        "Nuværende arbejdssted",
        "Modtaget",
        "Kilde",
    ],
    "Indstillinger": [
        "Runde",
        "Stillingstype",
        "Område",
        "Klynge",
        "Enhed",
        "Kandidat",
        "E-mail",
        "Prioritet",
        "Modtaget",
        "Kilde",
    ],
    "Ansættelser": [
        "Stillingstype",
        "Område",
        "Klynge",
        "Enhed",
        "Navn",
        "E-mail",
        "Tiltrædelsesdato",
        "Modtaget",
        "Kilde",
    ],
    "Ikke besatte": [
        "Stillingstype",
        "Område",
        "Klynge",
        "Enhed",
        "Bemærkning",
        "Modtaget",
        "Kilde",
    ],
    "Stillingsannoncer": ["Stillingstype", "Område", "Klynge", "Enhed", "Fil", "Modtaget", "Kilde"],
    "Indbakke": [
        "Message-ID",
        "Modtaget",
        "Afsender",
        "Emne",
        "Type",
        "Runde",
        "Status",
        "Rækker",
        "Bemærkning",
    ],
}


def test_init_creates_exact_sheets_columns_and_look(hr_registry: Path) -> None:
    wb = openpyxl.load_workbook(hr_registry)
    visible = [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"]
    assert visible == list(EXPECTED)
    for name, headers in EXPECTED.items():
        ws = wb[name]
        assert [c.value for c in ws[1]] == headers
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref.startswith("A1:")
        assert all(c.font.bold for c in ws[1])
        assert ws.column_dimensions["A"].width >= 7
    assert wb["Indbakke"].column_dimensions["D"].width == schema.WIDTHS["Emne"]


def test_init_one_position_per_municipal_cluster(hr_registry: Path) -> None:
    rows = sheet(hr_registry, "Stillinger")
    assert [
        (r["Stillings-ID"], r["Stillingstype"], r["Område"], r["Klynge"], r["Status"]) for r in rows
    ] == [
        ("KL-K01", "Klyngeleder", "Nord", "Klynge Nordhavn", "Opslået"),
        ("KL-K03", "Klyngeleder", "Syd", "Klynge Sydhavn", "Opslået"),
    ]  # the network N01 has a coordinator; the SBBU cluster K02 hires its own (setting off)


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("true", ["KL-K01", "KL-K02", "KL-K03"]),
        ("[k02]", ["KL-K01", "KL-K02", "KL-K03"]),
        ("[S999]", ["KL-K01", "KL-K03"]),
    ],
)
def test_init_self_governing_clusters_only_where_the_setting_says(
    hr_structure_file: Path, tmp_path: Path, monkeypatch, setting: str, expected: list[str]
) -> None:
    import shutil

    from docauto.resources import mappings_dir

    mappings = tmp_path / "mappings"
    shutil.copytree(mappings_dir(), mappings)
    (mappings / "rekruttering.yaml").write_text(f"selvejende_klynger: {setting}\n", "utf-8")
    monkeypatch.setenv("DOCAUTO_MAPPINGS", str(mappings))
    target = tmp_path / "r.xlsx"
    result = CliRunner().invoke(
        cli, ["registry", "init", "--structure", str(hr_structure_file), "--registry", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert [r["Stillings-ID"] for r in sheet(target, "Stillinger")] == expected


def test_init_again_changes_nothing_and_restores_a_deleted_sheet(
    hr_registry: Path, hr_structure_file: Path
) -> None:
    wb = openpyxl.load_workbook(hr_registry)
    wb["Stillinger"]["F2"].value = "Besat"
    del wb["Ikke besatte"]
    wb.save(hr_registry)
    result = CliRunner().invoke(
        cli,
        ["registry", "init", "--structure", str(hr_structure_file), "--registry", str(hr_registry)],
    )
    assert result.exit_code == 0, result.output
    assert "Ikke besatte" in result.output
    wb = openpyxl.load_workbook(hr_registry)
    assert "Ikke besatte" in wb.sheetnames
    assert wb["Stillinger"]["F2"].value == "Besat"
    assert wb["Stillinger"].max_row == 3


def test_init_refuses_while_excel_has_it_open(hr_registry: Path, hr_structure_file: Path) -> None:
    owner = hr_registry.with_name("~$" + hr_registry.name[2:])
    owner.write_bytes(b"x")
    result = CliRunner().invoke(
        cli,
        ["registry", "init", "--structure", str(hr_structure_file), "--registry", str(hr_registry)],
    )
    assert result.exit_code == 1
    assert "Excel" in result.output


def test_a_missing_owned_column_is_reported_not_guessed(
    hr_registry: Path, hr_ingest, hr_mailbox
) -> None:
    wb = openpyxl.load_workbook(hr_registry)
    wb["Indbakke"]["G1"].value = "Tilstand"
    wb.save(hr_registry)
    before = hr_registry.read_bytes()
    result = CliRunner().invoke(
        cli, ["registry", "init", "--structure", "x.yaml", "--registry", str(hr_registry)]
    )
    assert result.exit_code != 0
    # A poll with no new mail does not even open the registry; a mail makes it look.
    hr_mailbox.add(mail("Hej", NORD, message_id="<col@x>"))
    hr_ingest(expect_exit=1)
    assert hr_registry.read_bytes() == before


@pytest.mark.parametrize(
    ("current", "proposed", "expected"),
    [
        ("", schema.ANSOEGERE, schema.ANSOEGERE),
        (schema.OPSLAAET, schema.ANSOEGERE, schema.ANSOEGERE),
        (schema.ANSOEGERE, schema.KANDIDAT, schema.KANDIDAT),
        (schema.KANDIDAT, schema.BESAT, schema.BESAT),
        (schema.KANDIDAT, schema.ANSOEGERE, None),  # never backwards
        (schema.BESAT, schema.KANDIDAT, None),
        (schema.BESAT, schema.IKKE_BESAT, None),
        (schema.IKKE_BESAT, schema.BESAT, schema.BESAT),  # filled in the 2nd round
        (schema.IKKE_BESAT, schema.OPSLAAET, schema.GENOPSLAG),  # a new ad = re-advertised
        (schema.IKKE_BESAT, schema.GENOPSLAG, schema.GENOPSLAG),
        (schema.KANDIDAT, schema.GENOPSLAG, None),
        (schema.GENOPSLAG, schema.ANSOEGERE, schema.ANSOEGERE),
        (schema.GENOPSLAG, schema.OPSLAAET, None),
        ("Afventer direktør", schema.BESAT, None),  # HR's own status is left alone
    ],
)
def test_status_moves_forward_only(current: str, proposed: str, expected: str | None) -> None:
    assert schema.next_status(current, proposed) == expected


def test_position_ids() -> None:
    assert schema.position_id("cluster_leader", "K012") == "KL-K012"
    assert schema.position_id("pedagogical_leader", "K012", "E0042") == "PL-E0042"
    assert schema.position_id("pedagogical_leader", "K012") == "PL-K012"


def test_init_creates_the_folder(tmp_path: Path, hr_structure_file: Path) -> None:
    target = tmp_path / "ny" / "mappe" / "register.xlsx"
    result = CliRunner().invoke(
        cli, ["registry", "init", "--structure", str(hr_structure_file), "--registry", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert len(sheet(target, "Stillinger")) == 2


def test_ingest_without_a_registry_says_how_to_make_one(
    tmp_path: Path, hr_structure_file: Path
) -> None:
    (tmp_path / "box").mkdir()
    result = CliRunner().invoke(
        cli,
        [
            "mail",
            "ingest",
            "--source",
            f"dir:{tmp_path / 'box'}",
            "--structure",
            str(hr_structure_file),
            "--registry",
            str(tmp_path / "mangler.xlsx"),
        ],
    )
    assert result.exit_code == 2
    assert "registret findes ikke" in result.output and "registry init" in result.output
    assert not (tmp_path / "mangler.xlsx").exists()


def test_a_damaged_registry_is_reported_and_left_alone(
    hr_registry: Path, hr_structure_file: Path, tmp_path: Path
) -> None:
    hr_registry.write_bytes(b"PK\x03\x04 not really")
    (tmp_path / "box").mkdir()
    result = CliRunner().invoke(
        cli,
        [
            "mail",
            "ingest",
            "--source",
            f"dir:{tmp_path / 'box'}",
            "--structure",
            str(hr_structure_file),
            "--registry",
            str(hr_registry),
        ],
    )
    assert result.exit_code == 1
    assert "kan ikke åbnes" in result.output and "backup" in result.output
    assert hr_registry.read_bytes() == b"PK\x03\x04 not really"
