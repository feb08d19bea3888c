"""A letter as HR would make one: a logo in the header, a signature picture and an embedded
formatted .docx (bold, a bulleted list, a table), rendered from a YAML context through the CLI,
then opened by python-docx and converted by LibreOffice, where the pictures and bullets must be.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from docx.shared import Mm, Pt
from docxhelp import assert_whole, png_bytes

from docauto.cli import cli

needs_office = pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftotext") and shutil.which("pdfimages")),
    reason="LibreOffice and poppler-utils (pdftotext, pdfimages) are not installed",
)


def _letter_template(path: Path) -> Path:
    doc = Document()
    doc.sections[0].header.paragraphs[0].text = "{{ logo }}  Børne- og Ungdomsforvaltningen"
    doc.add_paragraph("Kære {{ navn }}")
    doc.add_paragraph(
        "Vi bekræfter hermed din ansættelse som {{ stilling }} pr. {{ start | dato }}."
    )
    doc.add_paragraph("{{p vilkaar }}")
    doc.add_paragraph("Med venlig hilsen")
    doc.add_paragraph("{{ underskrift }}")
    doc.add_paragraph("{{ afsender }}")
    doc.save(path)
    return path


def _terms(path: Path) -> Path:
    doc = Document()
    p = doc.add_paragraph("Dine vilkår: ")
    p.add_run("læs dem grundigt").bold = True
    for text in ("37 timer om ugen", "Seks ugers ferie", "Pension efter overenskomst"):
        doc.add_paragraph(text, style="List Bullet")
    table = doc.add_table(rows=2, cols=2)
    table.style = "Table Grid"
    for r, row in enumerate([("Løntrin", "L3"), ("Tillæg", "kr. 12.000")]):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    run = doc.add_paragraph().add_run("Vigtigt")
    run.font.size = Pt(14)
    doc.save(path)
    return path


@pytest.fixture
def letter(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "brev"
    (folder / "billeder").mkdir(parents=True)
    (folder / "billeder" / "logo.png").write_bytes(png_bytes(300, 100, (0, 70, 140)))
    (folder / "billeder" / "underskrift.png").write_bytes(png_bytes(240, 80, (20, 20, 20)))
    _terms(folder / "vilkaar.docx")
    template = _letter_template(tmp_path / "ansaettelsesbrev.docx")
    context = folder / "anna.yaml"
    context.write_text(
        "navn: Anna Holm\n"
        "stilling: pædagogisk leder\n"
        "start: 2026-02-01\n"
        "afsender: Lise Berg, HR\n"
        "logo: {billede: billeder/logo.png, hoejde_mm: 12}\n"
        "underskrift: {billede: billeder/underskrift.png, bredde_mm: 45, beskrivelse: Underskrift}\n"
        "vilkaar: {underdokument: vilkaar.docx}\n",
        encoding="utf-8",
    )
    out = tmp_path / "ud"
    result = CliRunner().invoke(cli, ["render", str(template), str(context), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out / "ansaettelsesbrev.docx", out


def test_letter_opens_in_python_docx_with_pictures_and_bullets(letter: tuple[Path, Path]) -> None:
    docx_path, _ = letter
    blob = assert_whole(docx_path.read_bytes())
    doc = Document(io.BytesIO(blob))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "Kære Anna Holm"
    assert "pædagogisk leder pr. 1. februar 2026" in texts[1]
    assert texts[2] == "Dine vilkår: læs dem grundigt"
    bullets = [p for p in doc.paragraphs if p.style.name == "List Bullet"]
    assert [p.text for p in bullets] == [
        "37 timer om ugen",
        "Seks ugers ferie",
        "Pension efter overenskomst",
    ]
    # the bullet style's numbering exists in the letter (Word would show no bullets otherwise)
    with zipfile.ZipFile(io.BytesIO(blob)) as zf:
        numbering = zf.read("word/numbering.xml").decode()
    num_id = bullets[0].style.element.pPr.numPr.numId.val
    assert f'w:numId="{num_id}"' in numbering
    assert doc.tables[0].cell(1, 1).text == "kr. 12.000"
    assert doc.paragraphs[2].runs[1].bold
    signature = [s for s in doc.inline_shapes]
    assert len(signature) == 1 and signature[0].width == Mm(45)
    header = doc.sections[0].header
    header_pics = header._element.xpath(".//pic:pic")
    assert len(header_pics) == 1
    assert "Børne- og Ungdomsforvaltningen" in header.paragraphs[0].text


@needs_office
def test_letter_in_libreoffice_has_pictures_and_bullets(letter: tuple[Path, Path]) -> None:
    docx_path, out = letter
    from docauto.office.pdf import convert_to_pdf

    (pdf,) = convert_to_pdf([docx_path], out)  # soffice --headless --convert-to pdf
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "Kære Anna Holm" in text
    assert "Børne- og Ungdomsforvaltningen" in text
    for item in ("37 timer om ugen", "Seks ugers ferie", "Pension efter overenskomst"):
        line = next(ln for ln in text.splitlines() if item in ln)
        assert line.strip().startswith(("•", "●", "▪", "")), line  # the bullet is drawn
    assert "Løntrin" in text and "kr. 12.000" in text
    images = subprocess.run(
        ["pdfimages", "-list", str(pdf)], check=True, capture_output=True, text=True
    ).stdout.splitlines()[2:]
    sizes = sorted((int(cols[3]), int(cols[4])) for cols in (ln.split() for ln in images))
    assert sizes == [(240, 80), (300, 100)], images  # the signature and the logo
