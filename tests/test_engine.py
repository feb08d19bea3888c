"""The template engine against docxtpl itself, and its safety rules."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docxhelp import png_file
from docxtpl import DocxTemplate

from docauto.errors import TemplateError
from docauto.office.docprops import read_custom_properties
from docauto.office.docxtext import docx_text
from docauto.office.engine import PreparedTemplate, clean_text, prepare

CORPUS = Path(__file__).parent / "data" / "docxtpl"
CASES = json.loads((CORPUS / "cases.json").read_text(encoding="utf-8"))


def _docxtpl_reference(template: Path, context: dict) -> bytes:
    tpl = DocxTemplate(str(template))
    tpl.render(context, autoescape=True)
    buf = io.BytesIO()
    tpl.save(buf)
    return buf.getvalue()


def make_template(tmp_path: Path, paragraphs: list[str], name: str = "t.docx") -> Path:
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    path = tmp_path / name
    doc.save(path)
    return path


@pytest.mark.parametrize("case", CASES, ids=[c["template"] for c in CASES])
def test_same_text_as_docxtpl(case: dict) -> None:
    template = CORPUS / case["template"]
    ours = docx_text(PreparedTemplate(template).render(case["context"]))
    ref = docx_text(_docxtpl_reference(template, case["context"]))
    assert ours.body == ref.body
    assert ours.headers == ref.headers
    assert ours.footers == ref.footers
    assert ours.footnotes == ref.footnotes
    assert ours.all.strip(), "a case that renders to nothing proves nothing"


@pytest.mark.parametrize("case", CASES[:6], ids=[c["template"] for c in CASES[:6]])
def test_output_opens_in_python_docx(case: dict) -> None:
    blob = PreparedTemplate(CORPUS / case["template"]).render(case["context"])
    doc = Document(io.BytesIO(blob))
    assert doc.paragraphs is not None
    with zipfile.ZipFile(io.BytesIO(blob)) as zf:
        assert zf.testzip() is None


def test_prepared_once_renders_many_distinct(tmp_path: Path) -> None:
    prepared = PreparedTemplate(make_template(tmp_path, ["Kære {{ navn }}"]))
    texts = [docx_text(prepared.render({"navn": n})).body for n in ("Anna", "Bo", "Åse")]
    assert [t[0] for t in texts] == ["Kære Anna", "Kære Bo", "Kære Åse"]


def test_autoescape_always_on(tmp_path: Path) -> None:
    prepared = PreparedTemplate(make_template(tmp_path, ["{{ x }}"]))
    blob = prepared.render({"x": "Børn & unge <i>kursiv</i>"})
    assert docx_text(blob).body[0] == "Børn & unge <i>kursiv</i>"
    assert b"<i>kursiv" not in zipfile.ZipFile(io.BytesIO(blob)).read("word/document.xml")


def test_missing_variable_names_template_and_variable(tmp_path: Path) -> None:
    path = make_template(tmp_path, ["Indledning", "Kære {{ modtager }}"], "brev.docx")
    with pytest.raises(TemplateError) as err:
        PreparedTemplate(path).render({})
    msg = str(err.value)
    assert "brev.docx" in msg and "'modtager'" in msg
    assert "afsnit 2" in msg


def test_syntax_error_names_paragraph(tmp_path: Path) -> None:
    path = make_template(tmp_path, ["ok", "ok", "{% if x %}uden slutning"], "fejl.docx")
    with pytest.raises(TemplateError) as err:
        PreparedTemplate(path)
    assert "fejl.docx" in str(err.value) and "syntaksfejl" in str(err.value)


def test_corpus_template_error_is_located() -> None:
    with pytest.raises(TemplateError) as err:
        PreparedTemplate(CORPUS / "template_error_tpl.docx")
    assert "template_error_tpl.docx" in str(err.value)
    assert "afsnit" in str(err.value)


def test_sandbox_blocks_python_internals(tmp_path: Path) -> None:
    path = make_template(tmp_path, ["{{ x.__class__.__mro__[1].__subclasses__() }}"])
    with pytest.raises(TemplateError) as err:
        PreparedTemplate(path).render({"x": "streng"})
    assert "ulovlig" in str(err.value) or "unsafe" in str(err.value).lower()


def test_sandbox_allows_summing_and_grouping_on_its_own_copy(tmp_path: Path) -> None:
    path = make_template(
        tmp_path,
        [
            "{% set ns = namespace(total=0) %}{% for b in beløb %}{% set ns.total = ns.total + b %}"
            "{% endfor %}I alt {{ ns.total }}",
            "{% set grupper = {} %}{% for p in personer %}{% set _ = grupper.setdefault(p.område, "
            "[]).append(p.navn) %}{% endfor %}{% for o, navne in grupper.items() %}"
            "{{ o }}: {{ navne | join(', ') }}; {% endfor %}",
            "{% set x = liste.append(3) %}{{ liste | join(',') }}{% set _ = d.update({'b': 2}) %}"
            " {{ d | dictsort | map('last') | join(',') }}",
        ],
    )
    data = {
        "beløb": [10, 20, 12],
        "personer": [
            {"navn": "Anna", "område": "Amager"},
            {"navn": "Bo", "område": "Valby"},
            {"navn": "Eva", "område": "Amager"},
        ],
        "liste": [1, 2],
        "d": {"a": 1},
    }
    body = docx_text(PreparedTemplate(path).render(data)).body
    assert body == ["I alt 42", "Amager: Anna, Eva; Valby: Bo; ", "1,2,3 1,2"]
    assert data["liste"] == [1, 2] and data["d"] == {"a": 1}  # the caller's data is untouched


@pytest.mark.parametrize(
    "expr",
    [
        "x.__class__",
        "x.mro()",
        "f.__globals__",
        "p.write_text('x')",
        "img.blob",
    ],
)
def test_sandbox_still_refuses_internals_and_machinery(tmp_path: Path, expr: str) -> None:
    from docauto.office.richvalues import Image

    png = png_file(tmp_path)
    path = make_template(tmp_path, ["{{ " + expr + " }}"])
    context = {"x": "s", "f": make_template, "p": tmp_path / "x.txt", "img": Image(png)}
    with pytest.raises(TemplateError) as err:
        PreparedTemplate(path).render(context)
    assert "ulovlig" in str(err.value) or "mangler" in str(err.value)
    assert not (tmp_path / "x.txt").exists()


def test_control_characters_removed(tmp_path: Path) -> None:
    prepared = PreparedTemplate(make_template(tmp_path, ["{{ x }}"]))
    blob = prepared.render({"x": "før\x00\x01\x1befter\ttab"})
    assert docx_text(blob).body[0] == "førefter\ttab"
    assert clean_text({"a": ["x\x0by"]}) == {"a": ["xy"]}


def test_danish_filters(tmp_path: Path) -> None:
    prepared = PreparedTemplate(
        make_template(
            tmp_path,
            [
                "{{ d | dato }}",
                "{{ d | dato_ugedag }}",
                "{{ d | uge }}",
                "{{ n | tal(2) }}",
                "{{ n | kroner }}",
                "{{ d | dato_kort }}",
                "{{ navne | opremsning }}",
            ],
        )
    )
    body = docx_text(
        prepared.render({"d": "2010-10-08", "n": 1250.5, "navne": ["Amager", "Valby", "Nørrebro"]})
    ).body
    assert body == [
        "8. oktober 2010",
        "fredag den 8. oktober 2010",
        "uge 40",
        "1.250,50",
        "1.250,50 kr.",
        "08.10.2010",
        "Amager, Valby og Nørrebro",
    ]


def test_custom_properties_written_and_read(tmp_path: Path) -> None:
    prepared = PreparedTemplate(make_template(tmp_path, ["Opslag for {{ k }}"]))
    blob = prepared.render(
        {"k": "K012"}, properties={"docauto.klynge_id": "K012", "docauto.rolle": "cluster_leader"}
    )
    assert read_custom_properties(blob) == {
        "docauto.klynge_id": "K012",
        "docauto.rolle": "cluster_leader",
    }
    doc = Document(io.BytesIO(blob))  # still a valid package for python-docx
    assert doc.paragraphs[0].text == "Opslag for K012"


@pytest.mark.parametrize(
    "content,expected",
    [
        (b"", "Office"),
        (b"not a zip at all", "Office"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "krypteret"),
    ],
)
def test_bad_template_files(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "skabelon.docx"
    path.write_bytes(content)
    with pytest.raises(TemplateError) as err:
        PreparedTemplate(path)
    assert "skabelon.docx" in str(err.value) and expected in str(err.value)


def test_prepare_caches_until_file_changes(tmp_path: Path) -> None:
    path = make_template(tmp_path, ["v1 {{ x }}"])
    first = prepare(path)
    assert prepare(path) is first
    make_template(tmp_path, ["version to {{ x }}"])
    import os

    os.utime(path, ns=(first_ns := path.stat().st_mtime_ns + 10**9, first_ns))
    second = prepare(path)
    assert second is not first
    assert docx_text(second.render({"x": 1})).body[0] == "version to 1"


def test_block_across_table_boundary_is_a_template_error(tmp_path: Path) -> None:
    doc = Document()
    table = doc.add_table(rows=2, cols=1)
    table.rows[0].cells[0].text = "{%tr for x in xs %}"
    table.rows[1].cells[0].text = "{{ x }}"
    doc.add_paragraph("{%tr endfor %}")
    path = tmp_path / "tabel.docx"
    doc.save(path)
    with pytest.raises(TemplateError) as err:
        PreparedTemplate(path).render({"xs": [1, 2]})
    assert "tabel.docx" in str(err.value)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("2010-10-08", "2010-10-08"),
        ("08.10.2010", "2010-10-08"),
        ("8/10/10", "2010-10-08"),
        ("8. oktober 2010", "2010-10-08"),
        ("8 okt 2010", "2010-10-08"),
    ],
)
def test_one_date_reading_for_filters_and_readers(text: str, expected: str) -> None:
    from docauto.mail.readers.values import parse_date
    from docauto.office.filters import to_date

    assert to_date(text).isoformat() == expected
    assert parse_date(text).isoformat() == expected


def test_impossible_date_is_an_error_not_a_rollover() -> None:
    from docauto.mail.readers.values import parse_date
    from docauto.office.filters import to_date

    with pytest.raises(ValueError, match="30 dage"):
        to_date("31.11.2012")
    assert parse_date("31.11.2012") is None


def test_plain_texts_use_the_same_rules_without_html_escaping() -> None:
    from docauto.errors import ConfigError
    from docauto.office.engine import render_text

    out = render_text(
        "Frist {{ frist | dato_ugedag }} for {{ navn }}",
        {"frist": "2010-10-15", "navn": "Børn & Unge <HR>"},
        where="paamindelse.yaml",
    )
    assert out == "Frist fredag den 15. oktober 2010 for Børn & Unge <HR>"
    with pytest.raises(ConfigError, match="paamindelse.yaml.*'mangler'"):
        render_text("{{ mangler }}", {}, where="paamindelse.yaml")


def _grid(blob: bytes) -> list[int]:
    from lxml import etree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(blob)).read("word/document.xml"))
    return [len(t.findall(f"{w}tblGrid/{w}gridCol")) for t in root.iter(f"{w}tbl")]


@pytest.mark.parametrize(
    "cells,fix",
    [
        (
            [
                ["A", "B"],
                ["{%tr for x in xs %}", ""],
                ["{{ x }}", "{{ x * 2 }}"],
                ["{%tr endfor %}", ""],
            ],
            False,
        ),
        ([["A", "{%tc for x in xs %}"], ["{{ x }}", "{%tc endfor %}"]], True),
    ],
    ids=["row-loop-keeps-the-grid", "cell-loop-changes-it"],
)
def test_table_grid_fixed_only_when_cells_can_change(
    tmp_path: Path, cells: list[list[str]], fix: bool
) -> None:
    doc = Document()
    table = doc.add_table(rows=len(cells), cols=len(cells[0]))
    for r, row in enumerate(cells):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    path = tmp_path / "tabel.docx"
    doc.save(path)
    prepared = PreparedTemplate(path)
    assert prepared._parts[0].fix_tables is fix
    for xs in ([1, 2, 3], []):
        ours = prepared.render({"xs": xs})
        ref = _docxtpl_reference(path, {"xs": xs})
        assert docx_text(ours).body == docx_text(ref).body
        assert _grid(ours) == _grid(ref)
