"""One notion of "which parts of a .docx are templates" for the engine and the checker."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from docx import Document

from docauto.office.docxparts import template_parts
from docauto.office.docxtext import docx_text
from docauto.office.engine import PreparedTemplate
from docauto.office.templatecheck import check_template


def _package(tmp_path: Path) -> Path:
    """Header and footer in use (the header through an absolute target), and a stray header
    part no section refers to (Word leaves those behind): it is not a template."""
    doc = Document()
    doc.sections[0].header.paragraphs[0].text = "Hoved {{ a }}"
    doc.sections[0].footer.paragraphs[0].text = "Fod {{ b }}"
    doc.add_paragraph("Brød {{ c }}")
    buf = io.BytesIO()
    doc.save(buf)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zin, zipfile.ZipFile(out, "w") as zout:
        stray = zin.read("word/header1.xml").replace(b"Hoved {{ a }}", b"{{ ikke brugt +")
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "word/_rels/document.xml.rels":
                data = data.replace(b'Target="header1.xml"', b'Target="/word/header1.xml"')
            zout.writestr(item, data)
        zout.writestr("word/header9.xml", stray)
    path = tmp_path / "t.docx"
    path.write_bytes(out.getvalue())
    return path


def test_engine_and_checker_see_the_same_parts(tmp_path: Path) -> None:
    path = _package(tmp_path)
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    parts = template_parts(members)
    assert [(p.member, p.kind, p.label) for p in parts] == [
        ("word/document.xml", "body", "brødtekst"),
        ("word/header1.xml", "header", "sidehoved header1.xml"),
        ("word/footer1.xml", "footer", "sidefod footer1.xml"),
    ]
    # the stray header9.xml holds a broken tag: neither the checker nor the engine reads it
    assert check_template(path, fields=["a", "b", "c"]) == []
    text = docx_text(PreparedTemplate(path).render({"a": 1, "b": 2, "c": 3}))
    assert (text.body[0], text.footers) == ("Brød 3", ["Fod 2"])
    assert "Hoved 1" in text.headers
    findings = check_template(path, fields=["a", "b"])
    assert [(f.part, f.code) for f in findings] == [("body", "unknown-variable")]
