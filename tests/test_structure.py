"""The structure loader, the bundled demo municipality and ``docauto structure``."""

from __future__ import annotations

import importlib.util
import io
import re
import sys
import zipfile
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
import yaml
from click.testing import CliRunner

from docauto.cli import cli
from docauto.demo.municipality import demo_structure_path
from docauto.errors import InputError, StructureError
from docauto.structure.model import (
    SHEETS,
    Structure,
    load_structure,
    write_structure_workbook,
    write_structure_yaml,
)

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = "@buf.demokommune.dk"


@pytest.fixture(scope="module")
def demo() -> Structure:
    return load_structure(demo_structure_path())


def same(a: Structure, b: Structure) -> None:
    assert list(a.areas.items()) == list(b.areas.items())
    assert list(a.clusters.items()) == list(b.clusters.items())
    assert list(a.units.items()) == list(b.units.items())


def where(exc: StructureError) -> Counter:
    return Counter((p.location.sheet, p.location.row, p.location.column) for p in exc.problems)


# --- the demo municipality ------------------------------------------------------------------


def test_demo_counts_and_shape(demo: Structure) -> None:
    types = Counter(c.type for c in demo.clusters.values())
    assert len(demo.areas) == 8
    assert 75 <= len(demo.clusters) <= 85
    assert 55 <= types["Kommunal klynge"] <= 65
    assert 1 <= types["Selvejende klynge"] <= 6
    assert 12 <= types["Netværk"] <= 14
    assert 320 <= len(demo.units) <= 340
    for c in demo.clusters.values():
        if c.type == "Kommunal klynge":
            assert 3 <= len(c.units) <= 6, c.id
            assert re.fullmatch(r"K\d{3}", c.id) and c.name.startswith("Klynge ")
        elif c.type == "Netværk":
            assert re.fullmatch(r"N\d{3}", c.id) and c.name.startswith("Netværk ")
        else:
            assert re.fullmatch(r"S\d{3}", c.id)
        assert c.leader and c.email.endswith(DOMAIN), c.id
        assert c.area in demo.areas
    for u in demo.units.values():
        assert re.fullmatch(r"E\d{4}", u.id)
        assert 20 <= u.children <= 150, u.id
        assert u.age_range is not None and u.leader and u.email.endswith(DOMAIN)
        assert re.search(r"\d, \d{4} \w", u.address), u.address  # "Gade 12, 2300 København S"
    for a in demo.areas.values():
        assert a.chief and a.deputy and a.email.endswith(DOMAIN) and a.deputy_email.endswith(DOMAIN)
    names = [u.name for u in demo.units.values()]
    assert len(set(names)) == len(names)
    # One person, one address; the coordinator of a network is also one of its leaders.
    people = {(a.chief, a.email) for a in demo.areas.values()}
    people |= {(a.deputy, a.deputy_email) for a in demo.areas.values()}
    people |= {(c.leader, c.email) for c in demo.clusters.values()}
    people |= {(u.leader, u.email) for u in demo.units.values()}
    assert len({e for _, e in people}) == len(people)
    assert f"jobbank{DOMAIN}" not in {e for _, e in people}


def test_demo_umbrellas_and_models(demo: Structure) -> None:
    models = Counter(
        (c.type, c.umbrella, c.model) for c in demo.clusters.values() if c.is_self_governing
    )
    assert set(models) == {
        ("Selvejende klynge", "SBBU", "3"),
        ("Netværk", "MDI", "Forpligtende netværk"),
        ("Netværk", "Frie Børnehaver", "B"),
        ("Netværk", "Frie Børnehaver", "A"),
        ("Netværk", "Børneringen", "Netværksledelse"),
        ("Netværk", "Danske Daginstitutioner", "Netværksmodel"),
    }
    assert models[("Netværk", "Frie Børnehaver", "A")] == 1
    for c in demo.clusters.values():
        if c.is_network:  # the coordinator leads one of the network's institutions
            assert (c.leader, c.email) in {(u.leader, u.email) for u in c.units}


def _deviations(c) -> set[str]:
    """The umbrella criteria of DOMAIN.md, read as mappings/paraplymodeller.yaml reads them."""
    out = set()
    ages = [u.age_range for u in c.units]
    if c.umbrella == "MDI":
        if c.children < 350:
            out.add("children")
        if any(lo < 0 or hi > 13 for lo, hi in ages):
            out.add("ages")
    if c.umbrella == "Børneringen":
        if not 200 <= c.children <= 400:
            out.add("children")
        if not 3 <= len(c.units) <= 7:
            out.add("institutions")
        if any(lo < 0 or hi > 12 for lo, hi in ages):
            out.add("ages")
    if c.umbrella == "Frie Børnehaver" and c.model != "B":
        out.add("model")
    if c.umbrella == "SBBU" and c.model != "3":
        out.add("model")
    return out


def test_demo_deviations_are_the_documented_ones(demo: Structure) -> None:
    found = {c.id: _deviations(c) for c in demo.clusters.values() if _deviations(c)}
    assert found == {
        "N002": {"children"},
        "N004": {"ages"},
        "N008": {"model"},
        "N010": {"institutions"},
        "N011": {"children"},
    }
    doc = _script().__doc__
    for cid in found:
        assert f"``{cid}``" in doc


def _script():
    path = ROOT / "scripts" / "make_demo_data.py"
    spec = importlib.util.spec_from_file_location("make_demo_data", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_demo_data"] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


def test_committed_demo_yaml_is_what_the_script_makes() -> None:
    assert _script().render() == demo_structure_path().read_bytes()


def test_workbook_export_loads_to_the_same_objects(demo: Structure, tmp_path: Path) -> None:
    path = tmp_path / "struktur.xlsx"
    path.write_bytes(write_structure_workbook(demo))
    same(load_structure(path), demo)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == list(SHEETS)
    assert [c.value for c in wb["Klynger"][1]] == list(SHEETS["Klynger"])
    assert [c.value for c in wb["Enheder"][2]][:3] == ["E0001", demo.units["E0001"].name, "K001"]


def test_yaml_export_loads_to_the_same_objects(demo: Structure, tmp_path: Path) -> None:
    path = tmp_path / "struktur.yaml"
    path.write_bytes(write_structure_yaml(demo, header="to linjer\nkommentar"))
    assert path.read_text(encoding="utf-8").startswith("# to linjer\n# kommentar\nOmråder:")
    same(load_structure(path), demo)


# --- every problem at once -----------------------------------------------------------------

AREA_HEADERS = list(SHEETS["Områder"])
CLUSTER_HEADERS = [h for h in SHEETS["Klynger"] if h != "Model"]  # the missing column
UNIT_HEADERS = list(SHEETS["Enheder"])

AREA_ROWS = [
    ["Amager", "Chef A", "a@demo.dk", "Sous A", "sa@demo.dk"],
    ["Valby", "Chef B", None, "Sous B", "sb@demo.dk"],  # chief e-mail missing
    ["Nørrebro", "Chef C", "c@demo.dk", "Sous C", "sous(at)demo.dk"],  # malformed e-mail
]
CLUSTER_ROWS = [
    ["K1", "Klynge A", "Amager", "Kommunal klynge", None, "Leder A", "ka@demo.dk"],
    ["K2", "Klynge B", "Valby", "Netværk", "MDI", "Leder B", "kb@demo.dk"],
    ["K1", "Klynge A igen", "Amager", "Kommunal klynge", None, "Leder X", "kx@demo.dk"],  # dup id
    ["K3", "Klynge C", "Atlantis", "Kommunal klynge", None, "Leder C", "kc@demo.dk"],  # area
    ["K4", "Klynge D", "Nørrebro", "Privat klynge", None, "Leder D", "kd@demo.dk"],  # type
    ["K5", "Klynge E", "Nørrebro", "Kommunal klynge", None, "Leder E", "ke@demo.dk"],  # no units
]
UNIT_ROWS = [
    ["E1", "Solsikken", "K1", "Vej 1", 40, "0-6", "Leder 1", "e1@demo.dk"],
    ["E2", "Mælkebøtten", "K2", "Vej 2", 50, "3-6", "Leder 2", "e2@demo.dk"],
    None,  # a blank row
    ["E1", "Troldehøjen", "K1", "Vej 3", 30, "0-2", "Leder 3", "e3@demo.dk"],  # duplicate id
    ["E3", "Regnbuen", "K99", "Vej 4", 30, "0-6", "Leder 4", "e4@demo.dk"],  # unknown cluster
    ["E4", "Myretuen", "K3", "Vej 5", "ca. 40", "0-6", "Leder 5", "e5@demo.dk"],  # not a number
    ["E5", "Bikuben", "K4", "Vej 6", -5, "0-6", "Leder 6", "e6@demo.dk"],  # negative
    ["E6", "Spiren", "K2", "Vej 7", 30, "0-6", "Leder 7", "leder@@demo.dk"],  # malformed e-mail
]

# (sheet, Excel row, column) -> a word the message must contain.
EXPECTED_XLSX = {
    ("Områder", 5, "E-mail"): "mangler",
    ("Områder", 6, "Souschef e-mail"): "gyldig e-mailadresse",
    ("Klynger", 2, "Model"): "kolonnen mangler",
    ("Klynger", 5, "Klynge-ID"): "findes også i række 3",
    ("Klynger", 6, "Område"): "ukendt område 'Atlantis'",
    ("Klynger", 7, "Type"): "ukendt type 'Privat klynge'",
    ("Klynger", 8, "Klynge-ID"): "ingen enheder",
    ("Enheder", 8, "Enheds-ID"): "findes også i række 5",
    ("Enheder", 9, "Klynge-ID"): "ukendt Klynge-ID 'K99'",
    ("Enheder", 10, "Antal børn"): "ikke et helt tal",
    ("Enheder", 11, "Antal børn"): "negativt",
    ("Enheder", 12, "E-mail"): "gyldig e-mailadresse",
}


def bad_workbook(path: Path, drop_sheet: str | None = None) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    # Headers on rows 3, 2 and 4: a title, a date line and blank rows above them, as HR has it.
    layout = {
        "Områder": (["Områder i Demokommune", None, AREA_HEADERS], AREA_ROWS),
        "Klynger": (["Klynger pr. 1.1.2011", CLUSTER_HEADERS], CLUSTER_ROWS),
        "Enheder": (["Enheder", "Opdateret 1. marts 2012", None, UNIT_HEADERS], UNIT_ROWS),
    }
    for sheet, (top, rows) in layout.items():
        if sheet == drop_sheet:
            continue
        ws = wb.create_sheet(sheet)
        for i, row in enumerate(top + rows, start=1):
            for j, value in enumerate(row or [], start=1):
                ws.cell(i, j, value)
    wb.save(path)
    return path


def bad_yaml(path: Path, drop_sheet: str | None = None) -> Path:
    data = {
        "Områder": [dict(zip(AREA_HEADERS, r, strict=True)) for r in AREA_ROWS],
        "Klynger": [dict(zip(CLUSTER_HEADERS, r, strict=True)) for r in CLUSTER_ROWS],
        "Enheder": [dict(zip(UNIT_HEADERS, r, strict=True)) for r in UNIT_ROWS if r],
    }
    del data["Enheder"][0]["Enhed"]  # a field missing from one row
    if drop_sheet:
        del data[drop_sheet]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# In YAML a row is the item's number in its list (and the message gives the line).
EXPECTED_YAML = {
    ("Områder", 2, "E-mail"): "mangler",
    ("Områder", 3, "Souschef e-mail"): "gyldig e-mailadresse",
    ("Klynger", 3, "Klynge-ID"): "findes også i række 1",
    ("Klynger", 4, "Område"): "ukendt område 'Atlantis'",
    ("Klynger", 5, "Type"): "ukendt type 'Privat klynge'",
    ("Klynger", 6, "Klynge-ID"): "ingen enheder",
    ("Enheder", 1, "Enhed"): "mangler en værdi",
    ("Enheder", 3, "Enheds-ID"): "findes også i række 1",
    ("Enheder", 4, "Klynge-ID"): "ukendt Klynge-ID 'K99'",
    ("Enheder", 5, "Antal børn"): "ikke et helt tal",
    ("Enheder", 6, "Antal børn"): "negativt",
    ("Enheder", 7, "E-mail"): "gyldig e-mailadresse",
}


@pytest.mark.parametrize(
    ("make", "expected"),
    [(bad_workbook, EXPECTED_XLSX), (bad_yaml, EXPECTED_YAML)],
    ids=["xlsx", "yaml"],
)
def test_every_problem_in_one_error(make, expected, tmp_path: Path) -> None:
    path = make(tmp_path / ("bad.xlsx" if make is bad_workbook else "bad.yaml"))
    with pytest.raises(StructureError) as info:
        load_structure(path)
    exc = info.value
    assert where(exc) == Counter(expected.keys())  # each once, and nothing else
    for p in exc.problems:
        assert expected[(p.location.sheet, p.location.row, p.location.column)] in p.message
        assert p.location.file == str(path)
    text = str(exc)
    assert f"{path}: strukturen har {len(expected)} fejl" in text
    assert "ark 'Enheder', række " in text


def test_yaml_problems_name_the_line(tmp_path: Path) -> None:
    path = bad_yaml(tmp_path / "bad.yaml")
    lines = path.read_text(encoding="utf-8").splitlines()
    with pytest.raises(StructureError) as info:
        load_structure(path)
    p = next(
        p
        for p in info.value.problems
        if p.location.column == "Antal børn" and "negativt" in p.message
    )
    line = int(re.fullmatch(r"linje (\d+)", p.location.part).group(1))
    assert lines[line - 1].lstrip("- ").startswith("Enheds-ID: E5")


@pytest.mark.parametrize("make", [bad_workbook, bad_yaml], ids=["xlsx", "yaml"])
@pytest.mark.parametrize("sheet", list(SHEETS))
def test_missing_sheet_is_one_problem_and_the_rest_still_listed(
    make, sheet, tmp_path: Path
) -> None:
    path = make(tmp_path / ("bad.xlsx" if make is bad_workbook else "bad.yaml"), drop_sheet=sheet)
    with pytest.raises(StructureError) as info:
        load_structure(path)
    found = where(info.value)
    assert found[(sheet, None, None)] == 1
    assert all(s != sheet for s, _, _ in found - Counter({(sheet, None, None): 1}))
    messages = " ".join(p.message for p in info.value.problems)
    # A missing sheet gives no echo of "unknown" / "no units" for every row elsewhere.
    if sheet == "Områder":
        assert "ukendt område" not in messages
    if sheet == "Klynger":
        assert "ukendt Klynge-ID" not in messages
    if sheet == "Enheder":
        assert "ingen enheder" not in messages
    assert len(info.value.problems) >= 4  # the other sheets' problems are still there


def test_missing_key_column_does_not_flood(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Områder"
    ws.append(AREA_HEADERS)
    ws.append(["Amager", "Chef", "a@demo.dk", None, None])
    ws = wb.create_sheet("Klynger")
    ws.append(list(SHEETS["Klynger"]))
    for i in range(5):
        ws.append([f"K{i}", f"Klynge {i}", "Amager", "Kommunal klynge", None, None, None, None])
    ws = wb.create_sheet("Enheder")
    ws.append([h for h in UNIT_HEADERS if h != "Klynge-ID"])
    for i in range(5):
        ws.append([f"E{i}", f"Enhed {i}", "Vej", 20, "0-6", None, None])
    wb.save(tmp_path / "s.xlsx")
    with pytest.raises(StructureError) as info:
        load_structure(tmp_path / "s.xlsx")
    assert where(info.value) == Counter({("Enheder", 1, "Klynge-ID"): 1})


def test_values_are_read_leniently_and_numbers_strictly(tmp_path: Path) -> None:
    data = {
        "Områder": [{"Område": "Amager", "Områdechef": "C", "E-mail": " A@Demo.dk "}],
        "Klynger": [
            {
                "Klynge-ID": "K1",
                "Klynge": "Klynge 1",
                "Område": "Amager",
                "Type": "kommunal  KLYNGE",
                "Paraplyorganisation": "mdi",
            }
        ],
        "Enheder": [
            {"Enheds-ID": "E1", "Enhed": "A", "Klynge-ID": "K1", "Antal børn": "1.200"},
            {"Enheds-ID": "E2", "Enhed": "B", "Klynge-ID": "K1", "Antal børn": 12.0},
            {"enheds-id": "E3", "ENHED": "C", "Klynge-ID": "K1", "Antal  børn": "12.5"},
        ],
    }
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(StructureError) as info:
        load_structure(path)
    assert [(p.location.row, p.message) for p in info.value.problems] == [
        (3, "'12.5' er ikke et helt tal")
    ]
    del data["Enheder"][2]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    s = load_structure(path)
    assert s.clusters["K1"].type == "Kommunal klynge" and s.clusters["K1"].umbrella == "MDI"
    assert [u.children for u in s.clusters["K1"].units] == [1200, 12]
    assert s.areas["Amager"].email == "A@Demo.dk"


def test_wrong_dimension_record_does_not_hide_rows(demo: Structure, tmp_path: Path) -> None:
    # Some programs write <dimension ref="A1"/> whatever the sheet holds; read-only openpyxl
    # would believe it and see only the header.
    src = io.BytesIO(write_structure_workbook(demo))
    out = io.BytesIO()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data, n = re.subn(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1"/>', data)
                assert n == 1
            zout.writestr(item, data)
    path = tmp_path / "s.xlsx"
    path.write_bytes(out.getvalue())
    same(load_structure(path), demo)


# --- files that cannot be read --------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("krypteret.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000, "krypteret"),
        ("beskadiget.xlsx", b"PK\x03\x04" + b"\x13" * 300, "beskadiget"),
        ("tekst.xlsx", b"Omraade;Chef\n", "ikke en gyldig Office-fil"),
        ("ugyldig.yaml", "Områder: [\n  - Område: {".encode(), "ugyldig YAML (linje"),
        ("latin1.yaml", "Områder: []".encode("latin-1"), "ikke UTF-8"),
        ("liste.yaml", b"- 1\n- 2\n", "forventede nøglerne"),
        ("tom.yaml", b"", "forventede nøglerne"),
        ("struktur.csv", b"a;b\n", "ukendt filtype"),
    ],
    ids=[
        "encrypted",
        "corrupt-zip",
        "not-zip",
        "bad-yaml",
        "latin1",
        "yaml-list",
        "empty-yaml",
        "csv",
    ],
)
def test_unreadable_file_is_an_input_error_naming_it(name, content, words, tmp_path: Path) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as info:
        load_structure(path)
    assert str(path) in str(info.value) and words in str(info.value)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="findes ikke") as info:
        load_structure(tmp_path / "mangler.xlsx")
    assert str(tmp_path / "mangler.xlsx") in str(info.value)
    folder = tmp_path / "mappe.yaml"
    folder.mkdir()
    with pytest.raises(InputError, match="kan ikke læses"):
        load_structure(folder)


# --- the command line -----------------------------------------------------------------------


def run(*args: str):
    return CliRunner().invoke(cli, ["structure", *args])


def err(result) -> str:
    """What the command wrote to stderr (Click < 8.2 mixes it into the output)."""
    try:
        return result.stderr
    except ValueError:
        return result.output


def test_cli_check_demo(tmp_path: Path) -> None:
    result = run("check", "--structure", str(demo_structure_path()))
    assert result.exit_code == 0, result.output
    assert re.search(
        r"8 områder, 66 klynger \(62 kommunale, 4 selvejende\), 14 netværk, "
        r"330 enheder",
        result.stdout,
    )
    result = run("check", "--structure", str(demo_structure_path()), "--json")
    import json

    assert json.loads(result.stdout)["units"] == 330


def test_cli_check_lists_every_problem(tmp_path: Path) -> None:
    path = bad_workbook(tmp_path / "bad.xlsx")
    result = run("check", "--structure", str(path))
    assert result.exit_code == 1
    assert result.exit_code == 1 and "OK" not in result.output
    for sheet, row, col in EXPECTED_XLSX:
        assert f"ark '{sheet}', række {row}, kolonne '{col}'" in err(result)


def test_cli_check_encrypted_file(tmp_path: Path) -> None:
    path = tmp_path / "låst.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    result = run("check", "--structure", str(path))
    assert result.exit_code == 2
    assert str(path) in err(result) and "krypteret" in err(result)


@pytest.mark.parametrize(("first", "second"), [("xlsx", "yaml"), ("yaml", "xlsx")])
def test_cli_export_round_trip(first: str, second: str, demo: Structure, tmp_path: Path) -> None:
    a, b = tmp_path / f"a.{first}", tmp_path / f"b.{second}"
    for src, dst in ((demo_structure_path(), a), (a, b)):
        result = run("export", "--structure", str(src), "--out", str(dst))
        assert result.exit_code == 0, result.output
        assert f"skrev {dst}" in result.stdout
    same(load_structure(b), demo)
    if second == "xlsx":
        ws = openpyxl.load_workbook(b)["Områder"]
        first_area = next(iter(demo.areas.values()))
        assert [c.value for c in ws[2]] == [
            first_area.name,
            first_area.chief,
            first_area.email,
            first_area.deputy,
            first_area.deputy_email,
        ]


def test_cli_export_dry_run_and_refusals(tmp_path: Path) -> None:
    out = tmp_path / "s.xlsx"
    result = run(
        "export", "--structure", str(demo_structure_path()), "--out", str(out), "--dry-run"
    )
    assert result.exit_code == 0 and f"ville skrive {out}" in result.stdout
    assert not out.exists()
    result = run(
        "export", "--structure", str(demo_structure_path()), "--out", str(tmp_path / "s.csv")
    )
    assert result.exit_code == 2 and ".xlsx, .yaml eller .yml" in err(result)
    # A structure with problems is not exported.
    result = run("export", "--structure", str(bad_yaml(tmp_path / "bad.yaml")), "--out", str(out))
    assert result.exit_code == 1 and not out.exists()
    # A file Excel holds open is not overwritten.
    out.write_bytes(b"old")
    (tmp_path / "~$s.xlsx").write_bytes(b"")
    result = run("export", "--structure", str(demo_structure_path()), "--out", str(out))
    assert result.exit_code == 1 and "åben" in err(result)
    assert out.read_bytes() == b"old"


def test_cli_demo_writes_the_bundled_structure(demo: Structure, tmp_path: Path) -> None:
    result = run("demo", "--out", str(tmp_path / "demo.yaml"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "demo.yaml").read_bytes() == demo_structure_path().read_bytes()
    result = run("demo", "--out", str(tmp_path / "demo.xlsx"))
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(tmp_path / "demo.xlsx")
    ws = wb["Enheder"]
    assert [c.value for c in ws[1]] == list(SHEETS["Enheder"])
    last = list(demo.units.values())[-1]
    assert [c.value for c in ws[ws.max_row]] == [
        last.id,
        last.name,
        last.cluster_id,
        last.address,
        last.children,
        last.age_group,
        last.leader,
        last.email,
    ]
    same(load_structure(tmp_path / "demo.xlsx"), demo)


def test_every_structure_command_has_an_example() -> None:
    for name in ("check", "export", "demo"):
        result = run(name, "--help")
        assert result.exit_code == 0 and "Example:" in result.stdout
