"""``docauto render`` as a mail merge from Excel/CSV, with names, filters, pictures and preview."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from docx import Document
from docx.shared import Mm
from docxhelp import assert_whole, png_bytes, png_file

from docauto.cli import cli
from docauto.office.docxtext import docx_text
from docauto.office.mergedata import parse_header


def invoke(*args: object):
    return CliRunner().invoke(cli, ["render", *map(str, args)])


def _template(path: Path, *paragraphs: str) -> Path:
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    doc.save(path)
    return path


def _workbook(path: Path, rows: list[list], sheet: str = "Modtagere") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    other = wb.create_sheet("Andet")
    other.append(["Navn"])
    other.append(["Fra det andet ark"])
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


@pytest.fixture
def merge(tmp_path: Path) -> tuple[Path, Path]:
    png_file(tmp_path, "anna.png", width=90, height=30)
    png_file(tmp_path, "bo.png", width=60, height=30)
    tpl = _template(
        tmp_path / "brev.docx",
        "Kære {{ Navn }}",
        "Område {{ Område }}, start {{ Start | dato }}",
        "{% if Telefon %}Tlf. {{ Telefon }}{% endif %}",
        "{{ Underskrift }}",
    )
    book = _workbook(
        tmp_path / "modtagere.xlsx",
        [
            ["Navn", "Område", "Start", "Telefon", "Underskrift [billede 30mm]"],
            ["Anna Holm", "Amager", dt.datetime(2026, 2, 1), 12345678, "anna.png"],
            ["Bo/Berg", "Valby", dt.datetime(2026, 3, 1), None, "bo.png"],
            [None, None, None, None, None],
            ["Anna Holm", "Amager", dt.datetime(2026, 4, 1), None, "bo.png"],
        ],
    )
    return tpl, book


def test_one_document_per_row_named_safe_and_unique(
    merge: tuple[Path, Path], tmp_path: Path
) -> None:
    tpl, book = merge
    out = tmp_path / "ud"
    result = invoke(tpl, book, "--out", out, "--name", "{{ Navn }} {{ Område }}")
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == ["Anna-Holm-Amager-2.docx", "Anna-Holm-Amager.docx", "Bo-Berg-Valby.docx"]
    blob = assert_whole((out / "Anna-Holm-Amager.docx").read_bytes())
    assert docx_text(blob).body[:3] == [
        "Kære Anna Holm",
        "Område Amager, start 1. februar 2026",
        "Tlf. 12345678",
    ]
    assert (
        docx_text((out / "Bo-Berg-Valby.docx").read_bytes()).body[2] == ""
    )  # empty cell: no blank label
    shapes = Document(io.BytesIO(blob)).inline_shapes
    assert len(shapes) == 1 and shapes[0].width == Mm(30) and shapes[0].height == Mm(10)


def test_default_names_from_first_column_and_sheet_option(
    merge: tuple[Path, Path], tmp_path: Path
) -> None:
    tpl, book = merge
    out = tmp_path / "ud"
    result = invoke(tpl, book, "--out", out, "--where", "Område == 'Amager' and Start.month > 2")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["Anna-Holm.docx"]
    assert docx_text((out / "Anna-Holm.docx").read_bytes()).body[1].endswith("1. april 2026")
    simple = _template(tmp_path / "enkel.docx", "{{ Navn }}")
    result = invoke(simple, book, "--out", tmp_path / "ud2", "--sheet", "Andet")
    assert result.exit_code == 0, result.output
    assert [p.name for p in (tmp_path / "ud2").iterdir()] == ["Fra-det-andet-ark.docx"]


def test_csv_from_danish_excel(tmp_path: Path) -> None:
    tpl = _template(tmp_path / "brev.docx", "Kære {{ Navn }} i {{ By }}{{ række['Tlf.'] }}")
    csv_file = tmp_path / "liste.csv"
    csv_file.write_bytes("Navn;By;Tlf.\r\nSøren Ærø;Østerbro;\r\nÅse;Valby;\r\n".encode("cp1252"))
    result = invoke(tpl, csv_file, "--out", tmp_path / "ud")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "ud").iterdir()) == ["Søren-Ærø.docx", "Åse.docx"]
    body = docx_text((tmp_path / "ud" / "Søren-Ærø.docx").read_bytes()).body
    assert body == ["Kære Søren Ærø i Østerbro"]


def test_dry_run_lists_names_and_previews_the_first(
    merge: tuple[Path, Path], tmp_path: Path
) -> None:
    tpl, book = merge
    out = tmp_path / "ud"
    result = invoke(tpl, book, "--out", out, "--name", "{{ Navn }}", "--dry-run")
    assert result.exit_code == 0, result.output
    assert not out.exists()
    assert "Anna-Holm.docx" in result.output and "Bo-Berg.docx" in result.output
    assert "Anna-Holm-2.docx" in result.output
    assert (
        "Kære Anna Holm" in result.output
        and "Område Amager, start 1. februar 2026" in result.output
    )
    assert "Kære Bo" not in result.output  # only the first document is shown


@pytest.mark.parametrize(
    "args,words",
    [
        (["--sheet", "Nej"], "arket 'Nej' findes ikke (arkene er: Modtagere, Andet)"),
        (["--where", "Område =="], "--where"),
        (["--where", "Postnummer == 2300"], "'Postnummer' is undefined"),
        (["--name", "{{ Navn "], "--name"),
    ],
)
def test_bad_invocation_exits_2(
    merge: tuple[Path, Path], tmp_path: Path, args: list, words: str
) -> None:
    tpl, book = merge
    result = invoke(tpl, book, "--out", tmp_path / "ud", *args)
    assert result.exit_code == 2, result.output
    assert words in result.output
    assert not (tmp_path / "ud").exists()


def test_missing_picture_names_row_column_and_file(
    merge: tuple[Path, Path], tmp_path: Path
) -> None:
    tpl, book = merge
    (tmp_path / "bo.png").unlink()
    result = invoke(tpl, book, "--out", tmp_path / "ud")
    assert result.exit_code == 2
    assert "Underskrift, række 3" in result.output and "bo.png findes ikke" in result.output


def test_failed_row_exits_1_and_writes_nothing(tmp_path: Path) -> None:
    tpl = _template(tmp_path / "brev.docx", "{{ Navn }} {{ Mangler }}")
    book = _workbook(tmp_path / "l.xlsx", [["Navn"], ["A"], ["B"]])
    result = invoke(tpl, book, "--out", tmp_path / "ud")
    assert result.exit_code == 1
    assert "række 2" in result.output and "'Mangler'" in result.output
    assert not (tmp_path / "ud").exists()
    result = invoke(tpl, book, "--out", tmp_path / "ud", "--lenient")
    assert result.exit_code == 0, result.output
    assert docx_text((tmp_path / "ud" / "A.docx").read_bytes()).body == ["A "]


def test_json_list_keeps_numbers_unless_named_and_replaces_pictures(tmp_path: Path) -> None:
    old, new = png_bytes(20, 20, (0, 0, 255)), png_bytes(20, 20, (0, 200, 0))
    doc = Document()
    doc.sections[0].header.paragraphs[0].add_run().add_picture(io.BytesIO(old), width=Mm(10))
    doc.add_paragraph("{{ navn }}")
    doc.save(tmp_path / "t.docx")
    (tmp_path / "nyt-logo.png").write_bytes(new)
    ctx = tmp_path / "liste.json"
    ctx.write_text(json.dumps([{"navn": "A"}, {"navn": "B"}]), encoding="utf-8")
    result = invoke(
        tmp_path / "t.docx",
        ctx,
        "--out",
        tmp_path / "a",
        "--replace-pic",
        "image.png=" + str(tmp_path / "nyt-logo.png"),
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["0001.docx", "0002.docx"]
    with zipfile.ZipFile(tmp_path / "a" / "0002.docx") as zf:
        assert [zf.read(n) for n in zf.namelist() if n.startswith("word/media/")] == [new]
    ctx.write_text(
        json.dumps({"navn": "C", "erstat_billeder": {"image.png": "nyt-logo.png"}}),
        encoding="utf-8",
    )
    result = invoke(
        tmp_path / "t.docx", ctx, "--out", tmp_path / "b", "--name", "brev til {{ navn }}"
    )
    assert result.exit_code == 0, result.output
    blob = assert_whole((tmp_path / "b" / "brev-til-C.docx").read_bytes())
    with zipfile.ZipFile(io.BytesIO(blob)) as zf:
        assert [zf.read(n) for n in zf.namelist() if n.startswith("word/media/")] == [new]


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
def test_pdf_beside_each_document(merge: tuple[Path, Path], tmp_path: Path) -> None:
    tpl, book = merge
    out = tmp_path / "ud"
    result = invoke(tpl, book, "--out", out, "--where", "Område == 'Valby'", "--pdf")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["Bo-Berg.docx", "Bo-Berg.pdf"]
    assert (out / "Bo-Berg.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    "header,expected",
    [
        ("Navn", ("Navn", False, None, None)),
        ("Foto [billede]", ("Foto", True, None, None)),
        ("Logo [billede 40mm]", ("Logo", True, 40.0, None)),
        ("Logo [Billede bredde=40 hoejde=12,5]", ("Logo", True, 40.0, 12.5)),
    ],
)
def test_picture_column_headers(header: str, expected: tuple) -> None:
    col = parse_header(header)
    assert (col.name, col.picture, col.width_mm, col.height_mm) == expected


def test_render_gives_the_house_fields_under_the_datas_own(tmp_path: Path) -> None:
    """A user's own template gets afsender (mappings/afsender.yaml) and today's dato as with
    'generate'; the data's own dato wins, in a JSON/YAML context and in a spreadsheet."""
    from docauto.office.filters import dato
    from docauto.office.housestyle import sender

    afsender = sender()
    tpl = _template(
        tmp_path / "eget.docx",
        "{{ afsender.forvaltning }}, {{ afsender.adresse | join(', ') }}",
        "{{ afsender.email }}",
        "Dato: {{ dato | dato }}",
        "{% if sagsnr %}Sagsnr. {{ sagsnr }}{% endif %}Til {{ Navn }}",
    )
    (tmp_path / "data.yaml").write_text("Navn: Anna Holm\n", encoding="utf-8")
    res = invoke(tpl, tmp_path / "data.yaml", "--out", tmp_path / "a")
    assert res.exit_code == 0, res.output
    body = docx_text((tmp_path / "a" / "eget.docx").read_bytes()).body
    assert body == [
        f"{afsender['forvaltning']}, {', '.join(afsender['adresse'])}",
        afsender["email"],
        f"Dato: {dato(dt.date.today())}",
        "Til Anna Holm",
    ]
    book = _workbook(
        tmp_path / "liste.xlsx", [["Navn", "dato"], ["Bo Berg", dt.datetime(2010, 10, 8)]]
    )
    res = invoke(tpl, book, "--out", tmp_path / "b", "--name", "{{ Navn }}")
    assert res.exit_code == 0, res.output
    [made] = sorted((tmp_path / "b").glob("*.docx"))
    assert made.name.startswith("Bo")
    body = docx_text(made.read_bytes()).body
    assert body[2] == "Dato: 8. oktober 2010" and body[3] == "Til Bo Berg"
