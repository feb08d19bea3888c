"""The template engine: docxtpl's template language, prepared once and rendered many times.

``prepare(path)`` reads a .docx template once: it unpacks the package, applies docxtpl's own
XML patching to the parts docxtpl renders (``docxparts.template_parts``: body, headers,
footers, footnotes) and compiles each into a Jinja template in docauto's sandbox
(``docauto.office.sandbox``), autoescaping and strict. ``render(context)`` then only runs the
compiled templates and docxtpl's post-processing, and writes a new zip with the changed
members appended to the unchanged ones compressed once; it never re-reads the package or
recompiles. The text it produces is the text ``DocxTemplate(path).render(context,
autoescape=True)`` produces.

Pictures, links and sub-documents (``docauto.office.richvalues``) add parts and relationships
to the output through ``docauto.office.renderpackage``; every relationship id a rendered part
refers to is checked to exist before the document is returned.
"""

from __future__ import annotations

import io
import re
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from types import TracebackType
from typing import Any

from jinja2 import TemplateError as JinjaTemplateError
from jinja2 import TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SecurityError
from lxml import etree

from docauto.errors import DocautoError, TemplateError
from docauto.office import docprops, docxparts
from docauto.office.docxparts import CORE_PROPS, FOOTNOTES_CT, MAIN_CTS, W_NS
from docauto.office.sandbox import TemplateSandbox, make_sandbox

__all__ = [
    "FOOTNOTES_CT",
    "MAIN_CTS",
    "PreparedTemplate",
    "clean_text",
    "make_environment",
    "prepare",
    "render_text",
]

XML_DECL = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
# Characters XML 1.0 forbids; Word refuses a document that holds one. \a and \f are kept in
# data until docxtpl's listing step has turned them into a new paragraph and a page break.
_ILLEGAL_XML = re.compile("[\x00-\x06\x08\x0b\x0e-\x1f\ufffe\uffff]")
_ILLEGAL_OUT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_TAGS = re.compile(r"<[^>]+>")
_LINK_RE = re.compile(r'r:id="docauto-link-([^"]*)"')
_RID_RE = re.compile(r'\br:(?:id|embed|link|pict|dm|lo|qs|cs)="([^"]*)"')
_WP_DOCPR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"


def _docxtpl():
    # docxtpl's XML patching and post-processing are pure functions on strings; reuse them
    # so that the template language is exactly docxtpl's.
    from docxtpl import DocxTemplate

    return DocxTemplate(None)


_DT = None
_DT_LOCK = threading.Lock()


def _dt():
    global _DT
    with _DT_LOCK:
        if _DT is None:
            _DT = _docxtpl()
    return _DT


def make_environment(*, lenient: bool = False) -> TemplateSandbox:
    """The Jinja environment for .docx templates: docauto's sandbox, autoescaping, strict
    unless ``lenient`` (docxtpl's behaviour: a missing value renders as nothing)."""
    return make_sandbox(lenient=lenient)


@cache
def text_environment() -> TemplateSandbox:
    return make_sandbox(autoescape=False)


@lru_cache(maxsize=256)
def _text_template(source: str):
    # Plain text (mail subjects and bodies): no HTML escaping, otherwise the same rules.
    return text_environment().from_string(source)


def render_text(source: str, context: Mapping[str, Any], *, where: str) -> str:
    """Render an editable plain text (a reminder, a receipt) with the Danish filters.

    ``where`` names the text file for the error message."""
    from docauto.errors import ConfigError

    try:
        return _text_template(source).render(**context)
    except JinjaTemplateError as exc:
        raise ConfigError(
            f"{where}: fejl i teksten ({exc})", hint="ret tekstfilen i templates/tekster/"
        ) from None


def clean_text(value: Any) -> Any:
    """Data with XML-illegal control characters removed, recursively; markup objects kept.

    Dicts and lists are copied, so a template that appends to a list changes only its copy.
    docxtpl's ``InlineImage`` becomes docauto's ``Image`` (it needs no DocxTemplate)."""
    return _clean(value, set())


def _clean(value: Any, seen: set[str]) -> Any:
    # ``seen`` collects "markup" (a value that writes XML itself) and "subdoc", so that a
    # render knows in the same walk whether it needs the reference check or the composer.
    if isinstance(value, str):
        if hasattr(value, "__html__"):
            seen.add("markup")
            return value
        return _ILLEGAL_XML.sub("", value) if _ILLEGAL_XML.search(value) else value
    if isinstance(value, int | float | bool | None):
        return value
    if isinstance(value, Mapping):
        return {k: _clean(v, seen) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v, seen) for v in value]
    value = _foreign(value)
    if hasattr(value, "__html__"):
        seen.add("markup")
        if type(value).__name__ == "Subdoc":
            seen.add("subdoc")
    return value


def _foreign(value: Any) -> Any:
    module = type(value).__module__
    if not module.startswith("docxtpl"):
        return value
    from docxtpl import InlineImage
    from docxtpl.subdoc import Subdoc as DocxtplSubdoc

    from docauto.office.richvalues import Image

    if isinstance(value, InlineImage):
        return Image.from_inline_image(value)
    if isinstance(value, DocxtplSubdoc):
        raise TemplateError(
            "docxtpl's Subdoc hører til et andet dokument; brug docauto.office.richvalues.Subdoc "
            "eller PreparedTemplate.new_subdoc()"
        )
    return value


@dataclass
class _Part:
    name: str  # zip member name
    label: str  # for messages: "brødtekst", "sidehoved header1.xml", ...
    source: str  # patched XML, one paragraph per line
    template: Any  # compiled jinja template
    kind: str  # body | header | footer | footnotes
    fix_tables: bool = True  # whether a render can change a table's number of cells


# docxtpl's fix_tables parses the rendered body with recover=True; the same, without entities.
_RECOVERING = etree.XMLParser(recover=True, resolve_entities=False, no_network=True)
_TABLE_TOKENS = re.compile(r"<w:p[ >]|</w:p>|<w:tbl[ >]|</w:tbl>|<w:tr[ >]|</w:tr>|\{%|\{\{")


def _needs_table_fix(source: str, uniform_tables: bool) -> bool:
    """Whether docxtpl's fix_tables (grid columns after cell loops and merges) can change
    anything. A tag inside a paragraph changes text only. A tag in a row but outside its
    paragraphs ({%tc %}, which docxtpl puts between the cells, {% hm %}, {% vm %},
    {% colspan %}, {% cellbg %}) can add, drop or span cells. A tag between rows
    ({%tr for %}, {%tr if %}) repeats or drops whole rows, which changes nothing for a table
    whose rows all have as many cells as its grid."""
    para = table = row = 0
    row_level = False
    for m in _TABLE_TOKENS.finditer(source):
        token = m.group()
        if token in ("{%", "{{"):
            if table > 0 and para <= 0:
                if row > 0:
                    return True
                row_level = True
            continue
        step = -1 if token.startswith("</") else 1
        name = token.strip("</ >")
        if name == "w:p":
            para += step
        elif name == "w:tbl":
            table += step
        else:
            row += step
    return row_level and not uniform_tables


def _uniform_tables(body: Any) -> bool:
    """Every table has as many cells (with their spans) in each row as grid columns, and no
    table holds another."""
    w = f"{{{W_NS}}}"
    for tbl in body.iter(f"{w}tbl"):
        if tbl.find(f".//{w}tbl") is not None:
            return False
        grid = len(tbl.findall(f"{w}tblGrid/{w}gridCol"))
        rows = tbl.findall(f"{w}tr")
        if not rows or len(rows) != len(list(tbl.iter(f"{w}tr"))):
            return False
        for tr in rows:
            spans = [tc.find(f"{w}tcPr/{w}gridSpan") for tc in tr.findall(f"{w}tc")]
            cells = sum(int(sp.get(f"{w}val", "1")) if sp is not None else 1 for sp in spans)
            if cells != grid:
                return False
    return True


def _template_frames(tb: TracebackType | None) -> int | None:
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _paragraph_text(source: str, lineno: int | None) -> str:
    if not lineno:
        return ""
    lines = source.splitlines()
    if not 0 < lineno <= len(lines):
        return ""
    text = _TAGS.sub("", lines[lineno - 1]).strip()
    return text[:80]


def _paragraph_number(source: str, lineno: int) -> int:
    # Each paragraph starts a new line in the prepared source (docxtpl's own trick).
    return sum(1 for ln in source.splitlines()[:lineno] if ln.startswith("<w:p"))


def _where(part: _Part, lineno: int | None) -> str:
    if not lineno:
        return part.label
    n = _paragraph_number(part.source, lineno)
    text = _paragraph_text(part.source, lineno)
    cell = (
        " i en tabelcelle"
        if "<w:tc" in "\n".join(part.source.splitlines()[max(0, lineno - 3) : lineno])
        else ""
    )
    return f"{part.label}, afsnit {n}{cell}" + (f": «{text}»" if text else "")


def _blob(value: bytes | str | Path, what: str) -> bytes:
    if isinstance(value, bytes):
        return value
    try:
        return Path(value).read_bytes()
    except OSError:
        raise TemplateError(f"{what}: filen {value} findes ikke eller kan ikke læses") from None


def _pictures(members: Mapping[str, bytes], parts: list[docxparts.TemplatePart]) -> dict:
    """Picture name, title and alt text -> the media members they show (for replace_pic)."""
    ns = {
        "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
        "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    }
    embed = f"{{{docxparts.R_NS}}}embed"
    out: dict[str, set[str]] = {}
    for tp in parts:
        rels = {r.get("Id"): r for r in docxparts.relationships(members, tp.member)}
        root = docxparts.parse_xml(members[tp.member])
        for pic in root.iter(f"{{{ns['pic']}}}pic"):
            cnv = pic.find("pic:nvPicPr/pic:cNvPr", ns)
            blip = pic.find("pic:blipFill/a:blip", ns)
            rel = rels.get(blip.get(embed)) if blip is not None else None
            if cnv is None or rel is None or rel.get("TargetMode") == "External":
                continue
            media = docxparts.resolve_target(tp.member, rel.get("Target", ""))
            for key in ("name", "title", "descr"):
                if cnv.get(key):
                    out.setdefault(cnv.get(key), set()).add(media)
    return out


class _Session:
    """What the rich values of one render talk to: the part being rendered and the package."""

    def __init__(self, backend: Any) -> None:
        self.backend = backend
        self.member = ""
        self.shape_id = 5000  # picture ids; the body's are renumbered afterwards anyway

    def image_xml(self, image: Any) -> str:
        from docx.oxml.shape import CT_Inline

        info = image.info
        rid = self.backend.add_image(self.member, image.blob, info.ext, info.content_type)
        cx, cy = image.size()
        self.shape_id += 1
        inline = CT_Inline.new_pic_inline(self.shape_id, rid, image.filename, cx, cy)
        if image.description:
            inline.docPr.set("descr", image.description)
        xml = etree.tostring(inline, encoding="unicode")
        # the same run surgery as docxtpl's InlineImage: close the text, add a drawing run
        return f'</w:t></w:r><w:r><w:drawing>{xml}</w:drawing></w:r><w:r><w:t xml:space="preserve">'

    def subdoc_xml(self, subdoc: Any) -> str:
        return self.backend.subdoc_xml(self.member, subdoc)

    def resolve_links(self, xml: str) -> str:
        if "docauto-link-" not in xml:
            return xml
        from urllib.parse import unquote

        return _LINK_RE.sub(
            lambda m: f'r:id="{self.backend.add_hyperlink(self.member, unquote(m.group(1)))}"', xml
        )


class PreparedTemplate:
    """A .docx template read and compiled once; ``render`` may be called any number of times.

    ``lenient`` renders a missing value as nothing, as docxtpl does; by default it is an error.
    """

    def __init__(
        self, path: str | Path, data: bytes | None = None, *, lenient: bool = False
    ) -> None:
        self.path = Path(path)
        self.name = self.path.name
        self.lenient = lenient
        if data is None:
            from docauto.office.xlsxio import read_docx_bytes

            try:
                data, _ = read_docx_bytes(self.path)
            except Exception as exc:
                raise TemplateError(f"{self.path}: skabelonen kan ikke læses: {exc}") from None
        self._data = data
        self.env = make_environment(lenient=lenient)
        self._members: list[tuple[zipfile.ZipInfo, bytes]] = []
        self._parts: list[_Part] = []
        self._core: dict[str, Any] = {}
        self._core_xml: bytes | None = None
        self._doc_head = self._doc_tail = ""
        self._bases: dict[frozenset[str], bytes] = {}
        self._base_lock = threading.Lock()
        try:
            self._load(data)
        except TemplateError:
            raise
        except (etree.XMLSyntaxError, KeyError, zipfile.BadZipFile) as exc:
            raise TemplateError(
                f"{self.path}: skabelonen er ikke et gyldigt Word-dokument ({exc})"
            ) from None

    # -- preparation ------------------------------------------------------------------------

    def _load(self, data: bytes) -> None:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for info in zf.infolist():
                self._members.append((info, zf.read(info)))
        self._member_names = frozenset(i.filename for i, _ in self._members)
        members = self._member_map = {i.filename: b for i, b in self._members}
        self._defaults, _ = docxparts.content_types(members)
        template_parts = docxparts.template_parts(members)
        self._rel_ids = {
            tp.member: {r.get("Id") for r in docxparts.relationships(members, tp.member)}
            for tp in template_parts
        }
        for tp in template_parts:
            if tp.kind == "body":
                self._parts.append(self._load_body(tp, members[tp.member]))
            else:
                root = docxparts.parse_xml(members[tp.member])
                xml = etree.tostring(root, encoding="unicode")
                self._parts.append(
                    self._compile(tp.member, tp.label, _dt().patch_xml(xml), tp.kind)
                )
        self._picture_media = _pictures(members, template_parts)
        self._load_core(members)

    def _load_body(self, tp: docxparts.TemplatePart, blob: bytes) -> _Part:
        doc_root = docxparts.parse_xml(blob)
        body = doc_root.find(f"{{{W_NS}}}body")
        if body is None:
            raise TemplateError(f"{self.path}: dokumentet har ingen brødtekst")
        body_xml = etree.tostring(body, encoding="unicode")
        marker = etree.SubElement(doc_root, "DOCAUTO_BODY_MARKER")
        doc_root.replace(body, marker)
        whole = etree.tostring(doc_root, encoding="unicode")
        head, tail = whole.split("<DOCAUTO_BODY_MARKER/>")
        self._doc_head, self._doc_tail = XML_DECL + head, tail
        part = self._compile(tp.member, tp.label, _dt().patch_xml(body_xml), "body")
        part.fix_tables = _needs_table_fix(part.source, _uniform_tables(body))
        return part

    def _load_core(self, members: Mapping[str, bytes]) -> None:
        if docxparts.CORE_MEMBER not in members:
            return
        self._core_xml = members[docxparts.CORE_MEMBER]
        core = docxparts.parse_xml(self._core_xml)
        for prop, tag in CORE_PROPS.items():
            el = core.find(tag)
            if el is not None and el.text and ("{" in el.text):
                try:
                    self._core[tag] = self.env.from_string(el.text)
                except TemplateSyntaxError as exc:
                    raise TemplateError(
                        f"{self.path}: dokumentegenskaben '{prop}': {exc.message}"
                    ) from None

    def _compile(self, member: str, label: str, patched: str, kind: str) -> _Part:
        source = re.sub(r"<w:p([ >])", r"\n<w:p\1", patched)
        part = _Part(member, label, source, None, kind)
        try:
            part.template = self.env.from_string(source)
        except TemplateSyntaxError as exc:
            raise TemplateError(
                f"{self.path}: syntaksfejl i skabelonen ({_where(part, exc.lineno)}): {exc.message}",
                hint="åbn skabelonen i Word og ret feltet",
            ) from None
        return part

    @property
    def variables(self) -> set[str]:
        """Top-level variables the template reads (for checks against what a kind supplies)."""
        from jinja2 import meta

        names: set[str] = set()
        for part in self._parts:
            names |= meta.find_undeclared_variables(self.env.parse(part.source))
        return names

    @property
    def picture_names(self) -> list[str]:
        """Names, titles and alt texts of the template's pictures (for replace_pictures)."""
        return sorted(self._picture_media)

    def new_subdoc(self) -> Any:
        """An empty sub-document with this template's styles, to build with python-docx
        (``sd.add_paragraph(...)``) and put in the context, as docxtpl's ``new_subdoc()``."""
        from docx import Document

        from docauto.office.richvalues import Subdoc

        doc = Document(io.BytesIO(self._data))
        body = doc.element.body
        for child in list(body):
            if child.tag != f"{{{W_NS}}}sectPr":
                body.remove(child)
        return Subdoc(doc)

    # -- rendering --------------------------------------------------------------------------

    def _base_zip(self, changed: frozenset[str]) -> bytes:
        """A zip of every member that a render does not change, compressed once per set."""
        with self._base_lock:
            base = self._bases.get(changed)
            if base is None:
                buf = io.BytesIO()
                with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
                    for info, blob in self._members:
                        if info.filename in changed:
                            continue
                        zi = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                        zi.compress_type = (
                            zipfile.ZIP_STORED
                            if info.compress_type == zipfile.ZIP_STORED
                            else zipfile.ZIP_DEFLATED
                        )
                        zi.external_attr = info.external_attr
                        zf.writestr(zi, blob)
                base = self._bases[changed] = buf.getvalue()
            return base

    def _run(self, part: _Part, context: Mapping[str, Any]) -> str:
        try:
            out = part.template.render(context)
        except UndefinedError as exc:
            line = _template_frames(exc.__traceback__)
            m = re.match(r"'([^']+)' is undefined", str(exc))
            what = f"mangler værdien '{m.group(1)}'" if m else f"mangler en værdi ({exc})"
            raise TemplateError(
                f"{self.path}: {what} ({_where(part, line)})",
                hint="tilføj den i data; hvor den kan mangle, skriv "
                "'{% if name is defined %}' eller '{{ name | default(\"\") }}' i skabelonen "
                "(eller kør med --lenient, som docxtpl gør)",
            ) from None
        except SecurityError as exc:
            raise TemplateError(
                f"{self.path}: ulovlig handling i skabelonen ({part.label}): {exc}"
            ) from None
        except DocautoError as exc:  # a picture or sub-document that cannot be placed
            line = _template_frames(exc.__traceback__)
            raise type(exc)(
                f"{self.path}: {exc.message} ({_where(part, line)})", hint=exc.hint
            ) from None
        except JinjaTemplateError as exc:
            line = _template_frames(exc.__traceback__)
            raise TemplateError(
                f"{self.path}: fejl i skabelonen ({_where(part, line)}): {exc}"
            ) from None
        except Exception as exc:
            line = _template_frames(exc.__traceback__)
            raise TemplateError(
                f"{self.path}: fejl ved udfyldning ({_where(part, line)}): "
                f"{type(exc).__name__}: {exc}"
            ) from None
        out = re.sub(r"\n<w:p([ >])", r"<w:p\1", out)
        out = (
            out.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        )
        # resolve_listing only acts on tabs, newlines, \a and \f inside text; most renders have none.
        if any(ch in out for ch in "\t\n\a\f"):
            out = _dt().resolve_listing(out)
        if _ILLEGAL_OUT.search(out):  # an \a or \f left outside a text run (in an attribute)
            out = _ILLEGAL_OUT.sub("", out)
        return out

    def _finish_part(self, part: _Part, xml: str) -> bytes:
        if part.kind == "body":
            try:
                # The parse alone also proves the rendered body is well-formed XML.
                tree = (
                    _dt().fix_tables(xml)
                    if part.fix_tables
                    else etree.fromstring(xml, _RECOVERING)  # as forgiving as fix_tables
                )
            except (AttributeError, TypeError, ValueError, etree.XMLSyntaxError) as exc:
                # A block opened in one table and closed outside it leaves XML docxtpl
                # cannot repair; say so instead of crashing.
                raise TemplateError(
                    f"{self.path}: skabelonen giver et ugyldigt dokument ({type(exc).__name__}: {exc})",
                    hint="kør 'docauto templates check' på den: et {%tr %} eller {% for %} er nok "
                    "åbnet i én tabel og lukket uden for den",
                ) from None
            for n, elt in enumerate(tree.iter(_WP_DOCPR), start=1001):
                elt.attrib["id"] = str(n)
            body = etree.tostring(tree, encoding="unicode")
            return (self._doc_head + body + self._doc_tail).encode("utf-8")
        if part.kind in ("header", "footer"):
            return (XML_DECL + xml).encode("utf-8")
        return xml.encode("utf-8")

    def _render_core(self, context: Mapping[str, Any]) -> bytes:
        core = docxparts.parse_xml(self._core_xml)
        for tag, tpl in self._core.items():
            el = core.find(tag)
            try:
                el.text = tpl.render(context)
            except JinjaTemplateError as exc:
                raise TemplateError(f"{self.path}: dokumentegenskab: {exc}") from None
        return etree.tostring(core, xml_declaration=True, encoding="UTF-8", standalone=True)

    def _render_parts(self, context: Mapping[str, Any], session: _Session) -> dict[str, bytes]:
        from docauto.office.richvalues import _SESSION

        rendered: dict[str, bytes] = {}
        token = _SESSION.set(session)
        try:
            for part in self._parts:
                session.member = part.name
                xml = session.resolve_links(self._run(part, context))
                rendered[part.name] = self._finish_part(part, xml)
        finally:
            _SESSION.reset(token)
        if self._core and self._core_xml is not None:
            rendered[docxparts.CORE_MEMBER] = self._render_core(context)
        return rendered

    def render(
        self,
        context: Mapping[str, Any],
        properties: Mapping[str, str] | None = None,
        *,
        replace_pictures: Mapping[str, bytes | str | Path] | None = None,
        replace_media: Mapping[bytes | str | Path, bytes | str | Path] | None = None,
        replace_embedded: Mapping[bytes | str | Path, bytes | str | Path] | None = None,
        replace_zipnames: Mapping[str, bytes | str | Path] | None = None,
        finish: Callable[[dict[str, bytes]], None] | None = None,
    ) -> bytes:
        """Render to the bytes of a .docx. Pure: nothing is written to disk.

        ``finish`` gets the rendered parts (member name -> bytes) last, and may change them or
        replace other members (the house style's logo and core properties: housestyle.py).

        ``replace_pictures`` swaps a template picture, found by its name, title or alt text,
        for another of the same format (docxtpl's replace_pic; the size in the document is
        kept). ``replace_media`` / ``replace_embedded`` swap a media file / embedded object
        that is byte-identical to the key (docxtpl's replace_media / replace_embedded);
        ``replace_zipnames`` a package member by name (replace_zipname)."""
        from docauto.office.renderpackage import HostPackage, PackageEdits

        seen: set[str] = set()
        context = _clean(dict(context), seen)
        replaced = self._replacements(
            replace_pictures or {},
            replace_media or {},
            replace_embedded or {},
            replace_zipnames or {},
        )
        if "subdoc" in seen:
            host = HostPackage(self._data)
            rendered = self._render_parts(context, _Session(host))
            members = [
                (zipfile.ZipInfo(n, date_time=(1980, 1, 1, 0, 0, 0)), b)
                for n, b in host.finish(rendered)
            ]
            replaced.update({k: v for k, v in rendered.items() if k == docxparts.CORE_MEMBER})
            if finish is not None:
                finish(replaced)
            blob = self._write_all(members, replaced, properties)
            # docxcompose hands out the relationships here; check the whole package once
            from docauto.office.packagecheck import check_package

            check_package(blob, f"{self.path}")
            return blob
        edits = PackageEdits(self._member_map, self._defaults)
        rendered = self._render_parts(context, _Session(edits))
        if "markup" in seen:  # escaped text cannot write r:id; only markup values can
            self._check_references(rendered, edits)
        replaced.update(rendered)
        replaced.update(edits.changed())
        if finish is not None:
            finish(replaced)
        return self._write_appended(replaced, properties)

    def member(self, name: str) -> bytes | None:
        """The template's bytes of one package member (None if it has none by that name)."""
        return self._member_map.get(name)

    def _check_references(self, rendered: Mapping[str, bytes], edits: Any) -> None:
        for part in self._parts:
            xml = rendered[part.name].decode("utf-8")
            known = self._rel_ids.get(part.name, set()) | edits.ids(part.name)
            for rid in _RID_RE.findall(xml):
                if rid not in known:
                    raise TemplateError(
                        f"{self.path}: {part.label} ville henvise til relationen '{rid}', som "
                        "ikke findes i dokumentet; Word ville kalde filen beskadiget",
                        hint="a link or picture made for another document (docxtpl's "
                        "build_url_id or InlineImage with another DocxTemplate) was put in the "
                        "data; use docauto.office.richvalues instead",
                    )

    def _replacements(
        self,
        pictures: Mapping[str, Any],
        media: Mapping[Any, Any],
        embedded: Mapping[Any, Any],
        zipnames: Mapping[str, Any],
    ) -> dict[str, bytes]:
        out: dict[str, bytes] = {}
        for name, value in zipnames.items():
            if name not in self._member_names:
                raise TemplateError(f"{self.path}: skabelonen har ingen del ved navn {name}")
            out[name] = _blob(value, name)
        for folder, mapping, what in (
            ("word/media/", media, "billedet"),
            ("word/embeddings/", embedded, "det indlejrede objekt"),
        ):
            for src, dst in mapping.items():
                out.update(
                    self._replace_by_content(folder, _blob(src, what), _blob(dst, what), what)
                )
        for name, value in pictures.items():
            out.update(self._replace_picture(name, _blob(value, name)))
        return out

    def _replace_by_content(self, folder: str, src: bytes, dst: bytes, what: str) -> dict:
        crc = zipfile.crc32(src) & 0xFFFFFFFF
        hits = {
            i.filename: dst
            for i, blob in self._members
            if i.filename.startswith(folder) and i.CRC == crc and blob == src
        }
        if not hits:
            raise TemplateError(
                f"{self.path}: {what}, der skal erstattes, findes ikke i skabelonen"
            )
        return hits

    def _replace_picture(self, name: str, blob: bytes) -> dict[str, bytes]:
        from docx.image.image import Image as _Info

        media = self._picture_media.get(name)
        if not media:
            known = ", ".join(self.picture_names) or "ingen billeder"
            raise TemplateError(
                f"{self.path}: billedet '{name}' findes ikke i skabelonen (den har: {known})"
            )
        try:
            ext = _Info.from_blob(blob).ext
        except Exception:
            raise TemplateError(
                f"billedet, der skal erstatte '{name}', er ikke et billede"
            ) from None
        same = {"jpg": "jpeg", "jpeg": "jpeg", "tif": "tiff", "tiff": "tiff"}
        for member in media:
            old = member.rsplit(".", 1)[-1].lower()
            if same.get(old, old) != same.get(ext, ext):
                raise TemplateError(
                    f"{self.path}: billedet '{name}' er {old}, erstatningen er {ext}: "
                    "brug et billede i samme format"
                )
        return dict.fromkeys(media, blob)

    def _write_appended(
        self, replaced: dict[str, bytes], properties: Mapping[str, str] | None
    ) -> bytes:
        extra = [n for n in replaced if n not in self._member_names]
        if properties:
            members = docprops.with_custom_properties(self._members, replaced, properties)
            extra += [i.filename for i, _ in members if i.filename not in self._member_names]
        infos = {i.filename: i for i, _ in self._members}
        # Unchanged members were compressed once in _base_zip; append only what this render changed.
        buf = io.BytesIO(self._base_zip(frozenset(n for n in replaced if n in infos)))
        with zipfile.ZipFile(buf, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
            for name in [*(i.filename for i, _ in self._members if i.filename in replaced), *extra]:
                info = infos.get(name)
                zi = zipfile.ZipInfo(
                    name, date_time=info.date_time if info else (1980, 1, 1, 0, 0, 0)
                )
                zi.compress_type = zipfile.ZIP_DEFLATED
                if info is not None:
                    zi.external_attr = info.external_attr
                out.writestr(zi, replaced[name])
        return buf.getvalue()

    def _write_all(
        self,
        members: list[tuple[zipfile.ZipInfo, bytes]],
        replaced: dict[str, bytes],
        properties: Mapping[str, str] | None,
    ) -> bytes:
        if properties:
            members = docprops.with_custom_properties(members, replaced, properties)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
            for info, blob in members:
                out.writestr(info, replaced.get(info.filename, blob))
        return buf.getvalue()


# -- a small cache, so a batch run reads and compiles each template once ----------------------

_CACHE: OrderedDict[tuple[str, int, int, bool], PreparedTemplate] = OrderedDict()
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 32


def prepare(template: str | Path, *, lenient: bool = False) -> PreparedTemplate:
    """The prepared template for a name in templates/ or a path, cached by path and mtime.

    ``lenient``: a missing value renders as nothing (docxtpl's behaviour) instead of an error."""
    from docauto.resources import template_path

    path = template_path(template)
    try:
        st = path.stat()
    except FileNotFoundError:
        raise TemplateError(
            f"{path}: skabelonen findes ikke", hint="se skabelonernes navne med 'docauto kinds'"
        ) from None
    key = (str(path.resolve()), st.st_mtime_ns, st.st_size, lenient)
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
        if hit is not None:
            _CACHE.move_to_end(key)
            return hit
    prepared = PreparedTemplate(path, lenient=lenient)
    with _CACHE_LOCK:
        _CACHE[key] = prepared
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return prepared
