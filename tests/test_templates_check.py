"""Tests for ``docauto templates check`` (docauto/office/templatecheck.py).

Templates are built with python-docx; where python-docx cannot produce what Word does (a tag
split over runs, half in a link, ...), the ``<w:r>`` elements are written by hand into the
body of a python-docx document. ``tests/data/template_error_tpl.docx`` is a copy of a template
from docxtpl's own test suite (elapouya/python-docx-template, LGPL-2.1).
"""

from __future__ import annotations

import io
import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from docauto import plugins
from docauto.cli import cli
from docauto.kinds import Kind
from docauto.office.templatecheck import ERROR, WARNING, Finding, check_template

DATA = Path(__file__).parent / "data"
CORPUS = Path("/work/shared/corpora/docxtpl")
BOLD = "<w:b/>"


# -- building templates -----------------------------------------------------------------------


def run(text: str, rpr: str = "") -> str:
    props = f"<w:rPr>{rpr}</w:rPr>" if rpr else ""
    return f'<w:r>{props}<w:t xml:space="preserve">{text}</w:t></w:r>'


def para(*runs: str) -> str:
    return "<w:p>" + "".join(runs) + "</w:p>"


def table(rows: list[list[str]]) -> str:
    body = "".join(
        "<w:tr>" + "".join(f"<w:tc>{cell}</w:tc>" for cell in row) + "</w:tr>" for row in rows
    )
    return f"<w:tbl>{body}</w:tbl>"


FOOTNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


def docx_with_body(
    path: Path, body_xml: str, header: str | None = None, footnote: str | None = None
) -> Path:
    """A real Word document from python-docx whose body is replaced by ``body_xml``
    (and, if given, a footnotes part holding the paragraph XML ``footnote``)."""
    import docx

    doc = docx.Document()
    if header is not None:
        doc.sections[0].header.paragraphs[0].text = header
    buf = io.BytesIO()
    doc.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                xml = data.decode("utf-8")
                xml = re.sub(
                    r"(<w:body>).*?(<w:sectPr)",
                    lambda m: m.group(1) + body_xml + m.group(2),
                    xml,
                    flags=re.S,
                )
                data = xml.encode("utf-8")
            if info.filename == "[Content_Types].xml" and footnote is not None:
                data = data.replace(
                    b"</Types>",
                    f'<Override PartName="/word/footnotes.xml" '
                    f'ContentType="{FOOTNOTES_CT}"/></Types>'.encode(),
                )
            dst.writestr(info, data)
        if footnote is not None:
            dst.writestr(
                "word/footnotes.xml",
                '<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/'
                f'2006/main"><w:footnote w:id="1">{footnote}</w:footnote></w:footnotes>',
            )
    path.write_bytes(out.getvalue())
    return path


def clean_template(path: Path) -> Path:
    """A template as someone would type it cleanly in Word: text, a row loop, a header."""
    import docx

    doc = docx.Document()
    doc.sections[0].header.paragraphs[0].text = "Område {{ område }}"
    doc.add_heading("Stillingsopslag: {{ stilling }}", level=1)
    doc.add_paragraph("Ansøgningsfrist: {{ frist | dato_ugedag }}.")
    doc.add_paragraph("{%p if klynger %}")
    doc.add_paragraph("Stillingen omfatter {{ klynger | length }} klynger.")
    doc.add_paragraph("{%p endif %}")
    t = doc.add_table(rows=4, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text = "Klynge", "Børn"
    t.cell(1, 0).text = "{%tr for k in klynger %}"
    t.cell(2, 0).text, t.cell(2, 1).text = "{{ k.navn }}", "{{ k.børn | tal }}"
    t.cell(3, 0).text = "{%tr endfor %}"
    doc.add_paragraph('{% if stilling == "klyngeleder" %}Klyngeleder{% else %}Leder{% endif %}')
    doc.save(path)
    return path


CLEAN_FIELDS = "område,stilling,frist,klynger"


def invoke(*args: str):
    return CliRunner().invoke(cli, ["templates", "check", *args])


# -- the corpus file with a deliberate error --------------------------------------------------


def test_template_error_names_file_and_paragraph(tmp_path: Path) -> None:
    path = shutil.copy(DATA / "template_error_tpl.docx", tmp_path / "template_error_tpl.docx")
    result = invoke(str(path))
    assert result.exit_code == 1, result.output
    lines = [ln for ln in result.output.splitlines() if ln.startswith(str(path))]
    assert len(lines) == 1
    assert lines[0].startswith(f"{path}: afsnit 5 (brødtekst): fejl: '{{% endif %}}' har ingen")
    assert "[stray-end]" in lines[0]
    assert "1 fejl" in result.output.splitlines()[-1]


def test_template_error_library() -> None:
    findings = check_template(DATA / "template_error_tpl.docx")
    assert [(f.code, f.part, f.paragraph, f.text) for f in findings] == [
        ("stray-end", "body", 5, "{% endif %}")
    ]


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared docxtpl corpus not on this machine")
@pytest.mark.parametrize(
    "name",
    [
        "order_tpl.docx",
        "nested_for_tpl.docx",
        "dynamic_table_tpl.docx",
        "footnotes_tpl.docx",
        "header_footer_entities_tpl.docx",
        "vertical_merge_tpl.docx",
        "horizontal_merge_tpl.docx",
        "merge_paragraph_tpl.docx",
        "word2016_tpl.docx",
        "comments_tpl.docx",
    ],
)
def test_corpus_templates_without_errors_exit_0(name: str) -> None:
    result = invoke(str(CORPUS / name))
    assert result.exit_code == 0, result.output
    assert " 0 fejl" in result.output


# -- clean templates --------------------------------------------------------------------------


def test_clean_template_exits_0(tmp_path: Path) -> None:
    path = clean_template(tmp_path / "opslag.docx")
    result = invoke(str(path), "--fields", CLEAN_FIELDS, "--strict")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "1 skabelon kontrolleret: 0 fejl, 0 advarsler i 0 filer."


def test_folder_is_searched_and_owner_files_skipped(tmp_path: Path) -> None:
    clean_template(tmp_path / "a.docx")
    sub = tmp_path / "sub"
    sub.mkdir()
    shutil.copy(DATA / "template_error_tpl.docx", sub / "b.docx")
    (tmp_path / "~$a.docx").write_bytes(b"owner file of Word, not a document")
    result = invoke(str(tmp_path))
    assert result.exit_code == 1
    assert "2 skabeloner kontrolleret: 1 fejl" in result.output
    assert "~$" not in result.output
    assert f"{sub / 'b.docx'}: afsnit 5 (brødtekst)" in result.output


def test_default_is_the_templates_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clean_template(tmp_path / "x.docx")
    shutil.copy(DATA / "template_error_tpl.docx", tmp_path / "y.docx")
    monkeypatch.setenv("DOCAUTO_TEMPLATES", str(tmp_path))
    result = invoke()
    assert result.exit_code == 1
    assert f"{tmp_path / 'y.docx'}: afsnit 5" in result.output
    assert "2 skabeloner kontrolleret" in result.output


# -- each problem class -----------------------------------------------------------------------

T = table
P = para
R = run

CASES = [
    # (id, body, code, severity, (paragraph, table, row, column), words in the message)
    (
        "jinja-syntax",
        P(R("Hej {{ navn + }}")),
        "syntax-error",
        ERROR,
        (1, None, None, None),
        "mærket er ufuldstændigt",
    ),
    (
        "jinja-syntax-cell",
        T([[P(R("a")), P(R("b"))], [P(R("c")), P(R("{% if navn = 1 %}x{% endif %}"))]]),
        "syntax-error",
        ERROR,
        (4, 1, 2, 2),
        "syntaksfejl",
    ),
    (
        "split-bold-braces",
        P(R("Kære ")) + P(R("{"), R("{ navn }}", BOLD)),
        "split-tag-formatting",
        WARNING,
        (2, None, None, None),
        "ryd formateringen",
    ),
    (
        "split-percent-brace",
        P(R("{% if navn %}ja{% endif %"), R("}", BOLD)),
        "split-tag-formatting",
        WARNING,
        (1, None, None, None),
        "selve '{%' eller '%}' er delt",
    ),
    (
        "split-proof-and-formatting",
        P(R("{{ na", "<w:i/>"), '<w:proofErr w:type="spellStart"/>', R("vn }}")),
        "split-tag-formatting",
        WARNING,
        (1, None, None, None),
        "2 stykker",
    ),
    (
        "bookmark-inside",
        P(R("{{ na"), '<w:bookmarkStart w:id="0" w:name="m"/>', R("vn }}")),
        "split-tag-marker",
        WARNING,
        (1, None, None, None),
        "bogmærke",
    ),
    (
        "half-in-link",
        P('<w:hyperlink w:anchor="m">' + R("{{ navn") + "</w:hyperlink>", R(" }}")),
        "split-tag-container",
        ERROR,
        (1, None, None, None),
        "halvt inde i et link",
    ),
    (
        "across-paragraphs",
        P(R("intro")) + P(R("{{ navn")) + P(R("}}")),
        "tag-across-paragraphs",
        ERROR,
        (2, None, None, None),
        "slutter først i afsnit 3",
    ),
    (
        "unclosed-tag",
        P(R("{{ navn")) + P(R("tekst")) + P(R("{{ navn }}")),
        "unclosed-tag",
        ERROR,
        (1, None, None, None),
        "docxtpl læser videre til afsnit 3",
    ),
    (
        "curly-quotes-that-break-the-string",
        P(R("{{ 'it’s' }}")),
        "syntax-error",
        ERROR,
        (1, None, None, None),
        "typografiske anførselstegn",
    ),
    (
        "p-if-across-cells",
        T([[P(R("{%p if navn %}")), P(R("a"))], [P(R("b")), P(R("{%p endif %}"))]]),
        "block-across-cells",
        ERROR,
        (4, 1, 2, 2),
        "Word afviser filen",
    ),
    (
        "unknown-test-in-condition",
        P(R("a")) + P(R("{% if navn is divisibleby3 %}x{% endif %}")),
        "unknown-test",
        ERROR,
        (2, None, None, None),
        "testen 'divisibleby3' findes ikke (mente du divisibleby",
    ),
    (
        "unknown-filter-in-condition",
        P(R("{% if navn | lenght > 2 %}x{% endif %}")),
        "unknown-filter",
        ERROR,
        (1, None, None, None),
        "filteret 'lenght' findes ikke (mente du length",
    ),
    (
        "sandbox-refused",
        P(R("{{ navn.__class__ }}")),
        "sandbox-refused",
        ERROR,
        (1, None, None, None),
        "'__class__' er ikke tilladt",
    ),
    (
        "sandbox-refused-mro",
        P(R("{{ navn.mro() }}")),
        "sandbox-refused",
        ERROR,
        (1, None, None, None),
        "'mro' er ikke tilladt",
    ),
    (
        "low-quotes",
        P(R("{% if navn == „a” %}ja{% endif %}")),
        "curly-quotes",
        ERROR,
        (1, None, None, None),
        "forstår Jinja ikke",
    ),
    (
        "en-dash",
        P(R("x")) + P(R("{%– if navn %}ja{% endif %}")),
        "dash",
        ERROR,
        (2, None, None, None),
        "'{%-'",
    ),
    ("nbsp", P(R("{{\u00a0navn }}")), "nbsp", WARNING, (1, None, None, None), "hårdt mellemrum"),
    ("ellipsis", P(R("{{ navn… }}")), "ellipsis", ERROR, (1, None, None, None), "'…'"),
    (
        "for-without-endfor",
        P(R("a")) + P(R("{% for x in navn %}{{ x }}")) + P(R("b")),
        "unclosed-block",
        ERROR,
        (2, None, None, None),
        "'{% for %}' fra afsnit 2 lukkes aldrig",
    ),
    (
        "if-inside-for-unclosed",
        P(R("{% for x in navn %}")) + P(R("{% if x %}{{ x }}")) + P(R("{% endfor %}")),
        "unclosed-block",
        ERROR,
        (2, None, None, None),
        "mangler '{% endif %}' før '{% endfor %}' i afsnit 3",
    ),
    (
        "stray-endif",
        P(R("a")) + P(R("b {% endif %}")),
        "stray-end",
        ERROR,
        (2, None, None, None),
        "har ingen '{% if ... %}'",
    ),
    ("stray-else", P(R("{% else %}")), "misplaced-else", ERROR, (1, None, None, None), "uden for"),
    (
        "tr-in-two-tables",
        T([[P(R("{%tr for x in navn %}"))], [P(R("{{ x }}"))]])
        + P(R("mellem"))
        + T([[P(R("a")), P(R("{%tr endfor %}"))]]),
        "tr-block-tables",
        ERROR,
        (5, 2, 1, 2),
        "begynder i tabel 1",
    ),
    (
        "if-in-cell-endif-outside",
        T([[P(R("{% if navn %}a"))]]) + P(R("b{% endif %}")),
        "block-structure",
        ERROR,
        (2, None, None, None),
        "afsnit 1, tabel 1, række 1, celle 1",
    ),
    (
        "tr-with-space",
        T([[P(R("{% tr for x in navn %}"))], [P(R("{{ x }}"))], [P(R("{%tr endfor %}"))]]),
        "prefix-space",
        ERROR,
        (1, 1, 1, 1),
        "'{%tr ...%}'",
    ),
    (
        "p-tag-with-text",
        P(R("{%p if navn %} og {{ navn }}")) + P(R("x")) + P(R("{%p endif %}")),
        "text-dropped",
        ERROR,
        (1, None, None, None),
        "også mærkerne",
    ),
    (
        "unknown-filter",
        P(R("a")) + P(R("{{ navn | datoo }}")),
        "unknown-filter",
        ERROR,
        (2, None, None, None),
        "filteret 'datoo' findes ikke (mente du dato",
    ),
    (
        "wrong-closer",
        P(R("{{ navn %}")),
        "wrong-closer",
        ERROR,
        (1, None, None, None),
        "der står '%}' i stedet",
    ),
]


@pytest.mark.parametrize(
    "body,code,severity,where,words", [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_problem_is_found_with_place(
    tmp_path: Path, body: str, code: str, severity: str, where: tuple, words: str
) -> None:
    path = docx_with_body(tmp_path / "t.docx", body)
    findings = check_template(path, fields=["navn"])
    hits = [f for f in findings if f.code == code]
    assert hits, [str(f) for f in findings]
    f = hits[0]
    assert f.severity == severity
    assert (f.paragraph, f.table, f.row, f.column) == where
    assert f.part == "body"
    assert words in f.message, f.message
    assert f.text  # the offending text is quoted


def test_split_tag_line_in_cli_output(tmp_path: Path) -> None:
    body = T([[P(R("a")), P(R("b"))], [P(R("c")), P(R("{"), R("{ navn }}", BOLD))]])
    path = docx_with_body(tmp_path / "t.docx", body)
    result = invoke(str(path), "--fields", "navn")
    assert result.exit_code == 0  # a warning only
    assert (
        f"{path}: tabel 1, række 2, celle 2 (brødtekst): advarsel: mærket er delt i 2 stykker"
        in result.output
    )
    assert invoke(str(path), "--fields", "navn", "--strict").exit_code == 1


def test_proof_error_alone_is_not_reported(tmp_path: Path) -> None:
    # Word moves spell-check marks around all the time; docxtpl removes them, no harm done
    body = P(R("{{ na"), '<w:proofErr w:type="spellStart"/>', R("vn }}"))
    assert check_template(docx_with_body(tmp_path / "t.docx", body), fields=["navn"]) == []


def test_quotes_inside_string_literal_are_fine(tmp_path: Path) -> None:
    body = P(R("{{ navn or '–' }} {{ navn | default(\"…\") }}"))
    assert check_template(docx_with_body(tmp_path / "t.docx", body), fields=["navn"]) == []


def test_header_part_is_named(tmp_path: Path) -> None:
    path = docx_with_body(tmp_path / "t.docx", P(R("{{ navn }}")), header="Side {{ navn ")
    findings = check_template(path, fields=["navn"])
    assert [(f.part, f.paragraph, f.code) for f in findings] == [("header1.xml", 1, "unclosed-tag")]
    assert findings[0].where == "afsnit 1 (sidehoved header1.xml)"


# -- variables and kinds ----------------------------------------------------------------------


@pytest.fixture
def kind_for_opslag(monkeypatch: pytest.MonkeyPatch) -> Kind:
    kind = Kind(
        name="testopslag",
        description="test",
        templates=("opslag.docx",),
        fields=("område", "stilling", "frist"),
    )
    monkeypatch.setattr(plugins, "kinds", lambda: {kind.name: kind})
    return kind


def test_kind_is_found_by_file_name(tmp_path: Path, kind_for_opslag: Kind) -> None:
    path = clean_template(tmp_path / "opslag.docx")
    result = invoke(str(path))
    assert result.exit_code == 1
    lines = [ln for ln in result.output.splitlines() if "[unknown-variable]" in ln]
    assert len(lines) == 1
    assert lines[0].startswith(
        f"{path}: afsnit 3 (brødtekst): fejl: 'klynger' leveres ikke af "
        "dokumenttypen 'testopslag' (den leverer: frist, område, stilling)"
    )


def test_other_file_name_has_no_kind(tmp_path: Path, kind_for_opslag: Kind) -> None:
    path = clean_template(tmp_path / "andet.docx")
    assert invoke(str(path)).exit_code == 0


def test_kind_option_forces_the_kind(tmp_path: Path, kind_for_opslag: Kind) -> None:
    path = clean_template(tmp_path / "andet.docx")
    result = invoke(str(path), "--kind", "testopslag")
    assert result.exit_code == 1
    assert "'klynger' leveres ikke af dokumenttypen 'testopslag'" in result.output


def test_unknown_kind_is_an_error(tmp_path: Path, kind_for_opslag: Kind) -> None:
    path = clean_template(tmp_path / "andet.docx")
    result = invoke(str(path), "--kind", "testopslg")
    assert result.exit_code == 2
    assert "ukendt dokumenttype 'testopslg'" in result.output


def test_fields_option_and_suggestion(tmp_path: Path) -> None:
    path = docx_with_body(
        tmp_path / "t.docx",
        P(R("a")) + T([[P(R("{{ stillling }}"))]]) + P(R("{{ x | default('') }}")),
    )
    findings = check_template(path, fields=["stilling"])
    assert [(f.code, f.severity, f.table, f.row, f.column) for f in findings] == [
        ("unknown-variable", ERROR, 1, 1, 1),
        ("unknown-variable", WARNING, None, None, None),
    ]
    assert "mente du stilling?" in findings[0].message
    assert "standardværdi" in findings[1].message


def test_loop_variables_are_not_reported(tmp_path: Path) -> None:
    path = clean_template(tmp_path / "t.docx")
    assert check_template(path, fields=CLEAN_FIELDS.split(",")) == []


# -- files that are not templates ---------------------------------------------------------------


def test_not_a_docx(tmp_path: Path) -> None:
    path = tmp_path / "brev.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64)
    result = invoke(str(path))
    assert result.exit_code == 1
    assert result.output.startswith(f"{path}: hele filen: fejl: filen er ikke en Word-skabelon")


@pytest.mark.parametrize(
    "content,words",
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "krypteret"),
        (b"this is not a zip", "ikke et zip-arkiv"),
        (b"PK\x03\x04broken", "beskadiget"),
    ],
)
def test_encrypted_or_corrupt(tmp_path: Path, content: bytes, words: str) -> None:
    path = tmp_path / "skabelon.docx"
    path.write_bytes(content)
    findings = check_template(path)
    assert len(findings) == 1
    assert findings[0].code == "unreadable"
    assert words in findings[0].message
    assert str(findings[0]).startswith(f"{path}: hele filen: fejl:")


def test_zip_without_word_document(tmp_path: Path) -> None:
    path = tmp_path / "skabelon.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "hi")
    findings = check_template(path)
    assert [f.code for f in findings] == ["corrupt"]


# -- output ---------------------------------------------------------------------------------------


def test_json_output(tmp_path: Path) -> None:
    path = docx_with_body(tmp_path / "t.docx", T([[P(R("{% for x in navn %}"))]]))
    result = invoke(str(path), "--json", "--fields", "navn")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["errors"] == 1 and data["ok"] is False
    (f,) = data["findings"]
    assert f["code"] == "unclosed-block"
    assert (f["part"], f["paragraph"], f["table"], f["row"], f["column"]) == ("body", 1, 1, 1, 1)
    assert f["where"] == "tabel 1, række 1, celle 1 (brødtekst)"
    assert f["text"] == "{% for x in navn %}"


def test_finding_str() -> None:
    f = Finding("a.docx", "footer2.xml", "x", "besked", WARNING, paragraph=3, text="{{ a }}")
    assert str(f) == "a.docx: afsnit 3 (sidefod footer2.xml): advarsel: besked «{{ a }}» [x]"


def test_help_has_example() -> None:
    result = CliRunner().invoke(cli, ["templates", "check", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output


def test_error_only_jinja_sees_is_located(tmp_path: Path) -> None:
    # each tag is fine alone; only the whole part fails (a block name used twice)
    body = (
        P(R("{% block a %}x{% endblock %}"))
        + P(R("y"))
        + T([[P(R("{% block a %}z{% endblock %}"))]])
    )
    findings = check_template(docx_with_body(tmp_path / "t.docx", body))
    assert [(f.code, f.paragraph, f.table, f.row, f.column) for f in findings] == [
        ("syntax-error", 3, 1, 1, 1)
    ]
    assert "block 'a' defined twice" in findings[0].message


def test_document_property_with_broken_tag(tmp_path: Path) -> None:
    import docx

    doc = docx.Document()
    doc.add_paragraph("{{ navn }}")
    doc.core_properties.title = "Opslag {{ navn"
    doc.save(tmp_path / "t.docx")
    findings = check_template(tmp_path / "t.docx")
    assert [(f.part, f.code) for f in findings] == [("properties", "syntax-error")]
    assert findings[0].message.startswith("dokumentegenskaben 'title': ")
    assert findings[0].where == "dokumentegenskaber"


def test_kind_and_fields_together_is_usage_error(tmp_path: Path) -> None:
    path = clean_template(tmp_path / "t.docx")
    assert invoke(str(path), "--kind", "x", "--fields", "a").exit_code == 2


def test_spaced_braces_outside_tags_only(tmp_path: Path) -> None:
    body = P(R("{{ {'a': navn}['a'] }}")) + P(R("Skriv { { navn } } her"))
    findings = check_template(docx_with_body(tmp_path / "t.docx", body), fields=["navn"])
    assert [(f.code, f.severity, f.paragraph) for f in findings] == [("spaced-braces", WARNING, 2)]


def test_nested_table_place(tmp_path: Path) -> None:
    inner = T([[P(R("{{ navn | datoo }}"))]])
    body = P(R("a")) + T([[P(R("x")), P(R("y")) + inner]])
    findings = check_template(docx_with_body(tmp_path / "t.docx", body), fields=["navn"])
    # the innermost table: table 2 in document order, its only cell
    assert [(f.code, f.paragraph, f.table, f.row, f.column) for f in findings] == [
        ("unknown-filter", 4, 2, 1, 1)
    ]


def test_footnote_part(tmp_path: Path) -> None:
    path = docx_with_body(
        tmp_path / "t.docx", P(R("{{ navn }}")), footnote=P(R("Se {% if navn %}bilag"))
    )
    findings = check_template(path, fields=["navn"])
    assert [(f.part, f.paragraph, f.code) for f in findings] == [("footnotes", 1, "unclosed-block")]
    assert findings[0].where == "afsnit 1 (fodnoter)"


# -- no false alarms ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        # text inside {% raw %} is text, even when it looks like a broken tag
        P(R("{% raw %}Skriv {{ navn }} eller {% if x %} - {{ halv")) + P(R("}}{% endraw %}")),
        P(R("{% raw %}"))
        + P(R("{{ ikke en variabel + }}"))
        + P(R("{% endraw %}"))
        + P(R("{{ navn }}")),
        # prose braces (a set of sets) and a lone '{ {'
        P(R("Mængden { {a, b}, {c} } har to elementer; { { er ikke et mærke")),
        # curly quotes docxtpl (and the engine) make straight
        P(R("{% if navn == ”a” %}ja{% endif %}{{ navn | default(“ukendt”) }}")),
        # summing and grouping as docxtpl templates do
        P(
            R(
                "{% set ns = namespace(n=0) %}{% for x in navn %}{% set ns.n = ns.n + 1 %}{% endfor %}"
            )
        )
        + P(R("{% set l = [] %}{% set _ = l.append(navn) %}{{ l | length }} {{ ns.n }}")),
        # a plain if across cells of one row: a warning at most, never an error
        P(R("{{ navn is defined }}")),
    ],
    ids=["raw-inline", "raw-paragraphs", "prose-braces", "curly-converted", "sums", "is-defined"],
)
def test_no_false_alarms(tmp_path: Path, body: str) -> None:
    path = docx_with_body(tmp_path / "t.docx", body)
    findings = check_template(path, fields=["navn", "x", "halv"])
    assert findings == [], [str(f) for f in findings]
    # what check passes, render accepts
    from docauto.office.engine import PreparedTemplate

    PreparedTemplate(path).render({"navn": "abc", "x": 1, "halv": 2})


@pytest.mark.parametrize(
    "tag",
    ["{{ navn.__class__ }}", "{{ navn.mro() }}", "{% if navn is divisibleby3 %}x{% endif %}"],
)
def test_what_check_refuses_render_refuses(tmp_path: Path, tag: str) -> None:
    from docauto.errors import TemplateError
    from docauto.office.engine import PreparedTemplate

    path = docx_with_body(tmp_path / "t.docx", P(R(tag)))
    assert [f.severity for f in check_template(path, fields=["navn"])] == [ERROR]
    with pytest.raises(TemplateError):
        PreparedTemplate(path).render({"navn": 6})


def _upstream_templates() -> Path | None:
    root = Path(__file__).resolve().parent.parent
    for base in [root, *root.parents]:
        candidate = base / "shared" / "corpora" / "docxtpl-upstream" / "templates"
        if candidate.is_dir():
            return candidate
    return None


@pytest.mark.skipif(
    _upstream_templates() is None,
    reason="docxtpl's upstream suite is not beside the repository (../shared/corpora/"
    "docxtpl-upstream); CI checks it out there",
)
def test_upstream_templates_only_real_problems() -> None:
    """docxtpl's own 40 templates (raw blocks, curly quotes, merges, pictures, sub-documents)
    written by other people: the only findings are the deliberate error and the two filters
    that only the upstream script's own Jinja environment defines."""
    folder = _upstream_templates()
    findings = [
        (f.file.rsplit("/", 1)[-1].rsplit("\\", 1)[-1], f.code, f.paragraph)
        for p in sorted(folder.glob("*.docx"))
        for f in check_template(p, detect_kind=False)
    ]
    assert sorted(findings) == [
        ("custom_jinja_filters_tpl.docx", "unknown-filter", 5),
        ("custom_jinja_filters_tpl.docx", "unknown-filter", 6),
        ("template_error_tpl.docx", "stray-end", 5),
    ]
