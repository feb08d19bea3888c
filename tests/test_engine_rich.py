"""Pictures, links, listings, sub-documents, replacements, optional values and plugin filters."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Mm
from docxhelp import assert_whole, png_bytes, png_file
from lxml import etree

from docauto.errors import InputError, TemplateError
from docauto.office.docxtext import docx_text
from docauto.office.engine import PreparedTemplate
from docauto.office.packagecheck import broken_references
from docauto.office.richvalues import Image, RichText, Subdoc, from_data

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"


def _template(tmp_path: Path, body: list[str], header: str = "", name: str = "t.docx") -> Path:
    doc = Document()
    if header:
        doc.sections[0].header.paragraphs[0].text = header
    for text in body:
        doc.add_paragraph(text)
    path = tmp_path / name
    doc.save(path)
    return path


def _part(blob: bytes, member: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(blob)) as zf:
        return etree.fromstring(zf.read(member))


def _extents(blob: bytes, member: str = "word/document.xml") -> list[tuple[int, int]]:
    root = _part(blob, member)
    return [(int(e.get("cx")), int(e.get("cy"))) for e in root.iter(f"{WP}extent")]


def test_picture_in_body_and_header_with_sizes(tmp_path: Path) -> None:
    logo = png_file(tmp_path, "logo.png", width=200, height=100)
    path = _template(tmp_path, ["Før {{ sig }} efter", "{{ foto }}"], header="{{ logo }}")
    blob = PreparedTemplate(path).render(
        {
            "sig": Image(logo, width_mm=40),
            "foto": Image(logo, 20, 30),
            "logo": Image(logo, None, 10),
        }
    )
    assert_whole(blob)
    assert _extents(blob) == [(40 * 36000, 20 * 36000), (20 * 36000, 30 * 36000)]
    headers = [n for n in zipfile.ZipFile(io.BytesIO(blob)).namelist() if "header" in n]
    header = next(n for n in headers if n.endswith(".xml") and "_rels" not in n)
    assert _extents(blob, header) == [(20 * 36000, 10 * 36000)]  # proportions kept
    doc = Document(io.BytesIO(blob))
    assert len(doc.inline_shapes) == 2
    assert doc.paragraphs[0].text == "Før  efter"
    # one media part for the three uses of the same picture
    media = [n for n in zipfile.ZipFile(io.BytesIO(blob)).namelist() if n.startswith("word/media/")]
    assert len(media) == 1


def test_picture_objects_in_json_relative_to_the_file(tmp_path: Path) -> None:
    (tmp_path / "billeder").mkdir()
    png_file(tmp_path / "billeder", "sig.png", width=100, height=50)
    data = {
        "navn": "Anna",
        "underskrift": {"billede": "billeder/sig.png", "bredde_mm": 50, "beskrivelse": "Anna"},
        "tekst": {
            "formateret": [
                {"tekst": "vigtigt", "fed": True},
                {"tekst": " se ", "kursiv": True},
                {"tekst": "kk.dk", "link": "https://www.kk.dk/", "farve": "#0000ff"},
            ]
        },
    }
    base = tmp_path
    context = from_data(json.loads(json.dumps(data)), base)
    path = _template(tmp_path, ["Hilsen {{ navn }}", "{{ underskrift }}", "{{ tekst }}"])
    blob = assert_whole(PreparedTemplate(path).render(context))
    assert _extents(blob) == [(50 * 36000, 25 * 36000)]
    root = _part(blob, "word/document.xml")
    assert root.find(f".//{WP}docPr").get("descr") == "Anna"
    link = root.find(f".//{W}hyperlink")
    rid = link.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
    rels = _part(blob, "word/_rels/document.xml.rels")
    target = next(r for r in rels if r.get("Id") == rid)
    assert target.get("Target") == "https://www.kk.dk/" and target.get("TargetMode") == "External"
    runs = [(r.findtext(f"{W}t"), r.find(f"{W}rPr/{W}b") is not None) for r in root.iter(f"{W}r")]
    assert ("vigtigt", True) in runs
    assert docx_text(blob).body[2] == "vigtigt se kk.dk"


@pytest.mark.parametrize(
    "value,expected",
    [
        ({"billede": "mangler.png"}, "feltet 'foto': billedfilen .*mangler.png findes ikke"),
        ({"billede": "tekst.png"}, "feltet 'foto': tekst.png er ikke et billede"),
        ({"billede": "ok.png", "bredde_mm": "bred"}, "bredde_mm skal være et tal"),
    ],
)
def test_bad_picture_names_field_and_file(tmp_path: Path, value: dict, expected: str) -> None:
    (tmp_path / "tekst.png").write_text("ikke et billede")
    png_file(tmp_path, "ok.png")
    with pytest.raises(InputError, match=expected):
        from_data({"foto": value}, tmp_path)


def test_listing_newline_paragraph_and_page_break(tmp_path: Path) -> None:
    path = _template(tmp_path, ["{{ tekst }}"])
    blob = assert_whole(
        PreparedTemplate(path).render({"tekst": "linje 1\nlinje 2\aafsnit 2\fside 2"})
    )
    body = _part(blob, "word/document.xml").find(f"{W}body")
    paragraphs = [p for p in body if p.tag == f"{W}p"]
    texts = ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in paragraphs]
    assert texts[:4] == ["linje 1linje 2", "afsnit 2", "", "side 2"]
    assert paragraphs[0].find(f".//{W}br") is not None
    assert paragraphs[2].find(f".//{W}br").get(f"{W}type") == "page"


def test_subdoc_from_file_brings_styles_bullets_tables_and_pictures(tmp_path: Path) -> None:
    sub = Document()
    sub.styles.add_style("Bilagsoverskrift", 1).font.bold = True
    sub.add_paragraph("Bilag", style="Bilagsoverskrift")
    sub.add_paragraph("første punkt", style="List Bullet")
    sub.add_paragraph("andet punkt", style="List Bullet")
    table = sub.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "a", "b"
    sub.add_picture(io.BytesIO(png_bytes(60, 30)), width=Mm(30))
    sub.save(tmp_path / "bilag.docx")
    path = _template(tmp_path, ["Se bilaget:", "{{p bilag }}", "Slut"])
    blob = assert_whole(PreparedTemplate(path).render({"bilag": Subdoc(tmp_path / "bilag.docx")}))
    doc = Document(io.BytesIO(blob))
    texts = [p.text for p in doc.paragraphs]
    assert texts[:4] == ["Se bilaget:", "Bilag", "første punkt", "andet punkt"]
    assert texts[-1] == "Slut"
    assert doc.paragraphs[1].style.name == "Bilagsoverskrift"
    assert doc.paragraphs[2].style.name == "List Bullet"
    assert doc.tables[0].rows[0].cells[1].text == "b"
    assert len(doc.inline_shapes) == 1
    assert doc.inline_shapes[0].width == Mm(30)


def test_new_subdoc_built_in_code_and_reused_in_many_renders(tmp_path: Path) -> None:
    path = _template(tmp_path, ["{{ navn }}", "{{p tillæg }}"])
    prepared = PreparedTemplate(path)
    sd = prepared.new_subdoc()
    sd.add_paragraph("Tillæg for ").add_run("alle").italic = True
    sd.add_picture(io.BytesIO(png_bytes()), width=Mm(10))
    for navn in ("Anna", "Bo"):
        blob = assert_whole(prepared.render({"navn": navn, "tillæg": sd}))
        doc = Document(io.BytesIO(blob))
        assert [p.text for p in doc.paragraphs][:2] == [navn, "Tillæg for alle"]
        assert len(doc.inline_shapes) == 1


def test_subdoc_in_header_is_refused(tmp_path: Path) -> None:
    Document().save(tmp_path / "s.docx")
    path = _template(tmp_path, ["x"], header="{{ s }}")
    with pytest.raises(TemplateError, match="kun stå i brødteksten"):
        PreparedTemplate(path).render({"s": Subdoc(tmp_path / "s.docx")})


def test_replace_picture_by_name_and_media_by_content(tmp_path: Path) -> None:
    old, new = png_bytes(30, 30, (0, 0, 255)), png_bytes(30, 30, (0, 255, 0))
    doc = Document()
    doc.sections[0].header.paragraphs[0].add_run().add_picture(io.BytesIO(old), width=Mm(15))
    doc.add_paragraph("Brev til {{ navn }}")
    doc.save(tmp_path / "logo.docx")
    prepared = PreparedTemplate(tmp_path / "logo.docx")
    assert prepared.picture_names == ["image.png"]
    for blob in (
        prepared.render({"navn": "A"}, replace_pictures={"image.png": new}),
        prepared.render({"navn": "A"}, replace_media={old: new}),
    ):
        assert_whole(blob)
        with zipfile.ZipFile(io.BytesIO(blob)) as zf:
            media = [zf.read(n) for n in zf.namelist() if n.startswith("word/media/")]
        assert media == [new]
    with pytest.raises(TemplateError, match="'logo' findes ikke i skabelonen .*image.png"):
        prepared.render({"navn": "A"}, replace_pictures={"logo": new})


def test_dangling_relationship_is_refused_not_written(tmp_path: Path) -> None:
    from docxtpl import RichText as DocxtplRichText

    rt = DocxtplRichText()
    rt.add("link", url_id="rId99")  # made for another document
    path = _template(tmp_path, ["{{ rt }}"])
    with pytest.raises(TemplateError, match="'rId99'.*beskadiget"):
        PreparedTemplate(path).render({"rt": rt})


def test_broken_references_finds_what_word_calls_damaged(tmp_path: Path) -> None:
    path = _template(tmp_path, ["x"])
    good = path.read_bytes()
    assert broken_references(good) == []
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as zin, zipfile.ZipFile(buf, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "word/document.xml":
                data = data.replace(
                    b"<w:body>",
                    b'<w:body><w:p><w:hyperlink r:id="rId404"><w:r><w:t>x</w:t></w:r>'
                    b"</w:hyperlink></w:p>",
                )
            if item.filename == "word/_rels/document.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdX" Type="t" Target="media/none.png"/></Relationships>',
                )
            zout.writestr(item, data)
    problems = broken_references(buf.getvalue())
    assert any("rId404" in p for p in problems)
    assert any("media/none.png" in p for p in problems)


def test_rich_text_link_in_header_gets_the_headers_relationship(tmp_path: Path) -> None:
    rt = RichText("Læs mere på ")
    rt.add("kk.dk", url="https://www.kk.dk/?a=1&b=2", underline=True)
    path = _template(tmp_path, ["{{ rt }}"], header="{{ rt }}")
    blob = assert_whole(PreparedTemplate(path).render({"rt": rt}))
    with zipfile.ZipFile(io.BytesIO(blob)) as zf:
        rels = [zf.read(n) for n in zf.namelist() if n.endswith(".rels") and "header" in n]
    assert any(b"https://www.kk.dk/?a=1&amp;b=2" in r for r in rels)
    assert docx_text(blob).headers[0] == "Læs mere på kk.dk"


def test_optional_values_strict_default_and_lenient(tmp_path: Path) -> None:
    path = _template(
        tmp_path,
        [
            "{% if tlf is defined %}Tlf. {{ tlf }}{% endif %}",
            "{{ titel | default('Kære') }} {{ navn }}",
            "{% if (mobil | default('')) %}Mobil {{ mobil }}{% endif %}slut",
        ],
    )
    body = docx_text(PreparedTemplate(path).render({"navn": "Åse"})).body
    assert body == ["", "Kære Åse", "slut"]
    body = docx_text(
        PreparedTemplate(path).render({"navn": "Åse", "tlf": "1234", "mobil": "55"})
    ).body
    assert body == ["Tlf. 1234", "Kære Åse", "Mobil 55slut"]
    strict = _template(tmp_path, ["{% if valgfri %}med{% endif %}{{ navn }}"], name="s.docx")
    with pytest.raises(TemplateError, match="'valgfri'.*is defined"):
        PreparedTemplate(strict).render({"navn": "x"})
    assert docx_text(PreparedTemplate(strict, lenient=True).render({"navn": "x"})).body == ["x"]


class _Plugin:
    from docauto.hookspecs import hookimpl

    @hookimpl
    def docauto_template_extensions(self) -> dict:
        return {
            "filters": {"råb": lambda s: str(s).upper() + "!"},
            "tests": {"lige": lambda n: n % 2 == 0},
            "globals": {"kommune": "Københavns Kommune"},
        }


def test_plugin_filters_tests_and_globals(tmp_path: Path) -> None:
    from docauto import plugins
    from docauto.office.templatecheck import check_template

    path = _template(
        tmp_path,
        [
            "{{ navn | råb }}",
            "{% for n in tal %}{% if n is lige %}{{ n }} {% endif %}{% endfor %}",
            "{{ kommune }}",
        ],
    )
    with pytest.raises(TemplateError):
        PreparedTemplate(path)  # without the plugin 'råb' does not exist
    pm = plugins.get_plugin_manager()
    pm.register(_Plugin(), name="test-template-extensions")
    try:
        body = docx_text(PreparedTemplate(path).render({"navn": "hej", "tal": [1, 2, 3, 4]})).body
        findings = check_template(path, fields=["navn", "tal"])
    finally:
        pm.unregister(name="test-template-extensions")
    assert body == ["HEJ!", "2 4 ", "Københavns Kommune"]
    assert findings == []
