"""The template engine: docxtpl's template language, prepared once and rendered many times.

``prepare(path)`` reads a .docx template once: it unpacks the package, applies docxtpl's own
XML patching to the body, headers, footers and footnotes, and compiles each into a Jinja
template in a sandboxed, autoescaping, strict environment. ``render(context)`` then only runs
the compiled templates and docxtpl's post-processing, and writes a new zip; it never re-reads
the package or recompiles, and never goes through python-docx's save. The text it produces is
the text ``DocxTemplate(path).render(context, autoescape=True)`` produces.
"""

from __future__ import annotations

import io
import re
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import TracebackType
from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError
from jinja2 import TemplateError as JinjaTemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from lxml import etree

from docauto.errors import TemplateError
from docauto.office import docprops
from docauto.office.filters import FILTERS

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
HEADER_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
FOOTER_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
FOOTNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
MAIN_CTS = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
)
XML_DECL = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
# Characters XML 1.0 forbids; Word refuses a document that holds one.
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_TAGS = re.compile(r"<[^>]+>")
_CORE_PROPS = {  # docxtpl renders these core properties as templates too
    "author": "{http://purl.org/dc/elements/1.1/}creator",
    "comments": "{http://purl.org/dc/elements/1.1/}description",
    "identifier": "{http://purl.org/dc/elements/1.1/}identifier",
    "language": "{http://purl.org/dc/elements/1.1/}language",
    "subject": "{http://purl.org/dc/elements/1.1/}subject",
    "title": "{http://purl.org/dc/elements/1.1/}title",
}


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


def make_environment() -> ImmutableSandboxedEnvironment:
    """The one Jinja environment for every template: sandboxed, autoescaping, strict."""
    env = ImmutableSandboxedEnvironment(autoescape=True, undefined=StrictUndefined)
    env.filters.update(FILTERS)
    return env


@lru_cache(maxsize=256)
def _text_template(source: str):
    # Plain text (mail subjects and bodies): no HTML escaping, otherwise the same rules.
    env = ImmutableSandboxedEnvironment(
        autoescape=False, undefined=StrictUndefined, keep_trailing_newline=False
    )
    env.filters.update(FILTERS)
    return env.from_string(source)


def render_text(source: str, context: Mapping[str, Any], *, where: str) -> str:
    """Render an editable plain text (a reminder, a receipt) with the Danish filters.

    ``where`` names the text file for the error message."""
    from docauto.errors import ConfigError

    try:
        return _text_template(source).render(**context)
    except JinjaTemplateError as exc:
        raise ConfigError(
            f"{where}: fejl i teksten ({exc})", hint="correct the text file in templates/tekster/"
        ) from None


def clean_text(value: Any) -> Any:
    """Data with XML-illegal control characters removed, recursively; markup objects kept."""
    if isinstance(value, str):
        if hasattr(value, "__html__"):
            return value
        return _ILLEGAL_XML.sub("", value) if _ILLEGAL_XML.search(value) else value
    if isinstance(value, Mapping):
        return {k: clean_text(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_text(v) for v in value]
    return value


@dataclass
class _Part:
    name: str  # zip member name
    label: str  # for messages: "brødtekst", "sidehoved header1.xml", ...
    source: str  # patched XML, one paragraph per line
    template: Any  # compiled jinja template
    kind: str  # body | header | footnotes


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


class PreparedTemplate:
    """A .docx template read and compiled once; ``render`` may be called any number of times."""

    def __init__(self, path: str | Path, data: bytes | None = None) -> None:
        self.path = Path(path)
        self.name = self.path.name
        if data is None:
            from docauto.office.xlsxio import read_docx_bytes

            try:
                data, _ = read_docx_bytes(self.path)
            except Exception as exc:
                raise TemplateError(f"{self.path}: skabelonen kan ikke læses: {exc}") from None
        self.env = make_environment()
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
        dt = _dt()
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for info in zf.infolist():
                self._members.append((info, zf.read(info)))
        self._member_names = frozenset(i.filename for i, _ in self._members)
        members = {i.filename: b for i, b in self._members}
        ct = etree.fromstring(members["[Content_Types].xml"])
        overrides = {
            o.get("PartName").lstrip("/"): o.get("ContentType")
            for o in ct
            if o.tag.endswith("Override")
        }
        main = next((n for n, t in overrides.items() if t in MAIN_CTS), "word/document.xml")
        self._main = main
        doc_root = etree.fromstring(members[main])
        body = doc_root.find(f"{{{W_NS}}}body")
        if body is None:
            raise TemplateError(f"{self.path}: dokumentet har ingen brødtekst")
        body_xml = etree.tostring(body, encoding="unicode")
        marker = etree.SubElement(doc_root, "DOCAUTO_BODY_MARKER")
        doc_root.replace(body, marker)
        marker_str = "<DOCAUTO_BODY_MARKER/>"
        whole = etree.tostring(doc_root, encoding="unicode")
        head, tail = whole.split(marker_str)
        self._doc_head, self._doc_tail = XML_DECL + head, tail
        self._parts.append(self._compile(main, "brødtekst", dt.patch_xml(body_xml), "body"))

        rels_name = main.rsplit("/", 1)[0] + "/_rels/" + main.rsplit("/", 1)[1] + ".rels"
        if rels_name in members:
            folder = main.rsplit("/", 1)[0]
            for rel in etree.fromstring(members[rels_name]):
                if rel.get("TargetMode") == "External":
                    continue
                rtype = rel.get("Type")
                if rtype in (HEADER_REL, FOOTER_REL):
                    target = rel.get("Target").lstrip("/")
                    member = target if target.startswith("word/") else f"{folder}/{target}"
                    blob = members.get(member)
                    if not blob:
                        continue
                    xml = etree.tostring(etree.fromstring(blob), encoding="unicode")
                    label = ("sidehoved " if rtype == HEADER_REL else "sidefod ") + member.rsplit(
                        "/", 1
                    )[1]
                    self._parts.append(self._compile(member, label, dt.patch_xml(xml), "header"))
        for name, ctype in overrides.items():
            if ctype == FOOTNOTES_CT and name in members:
                xml = members[name].decode("utf-8")
                self._parts.append(self._compile(name, "fodnoter", dt.patch_xml(xml), "footnotes"))
        if "docProps/core.xml" in members:
            self._core_xml = members["docProps/core.xml"]
            core = etree.fromstring(self._core_xml)
            for prop, tag in _CORE_PROPS.items():
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
                hint="open the template in Word and correct the tag",
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
                hint="add it to the data or remove it from the template",
            ) from None
        except SecurityError as exc:
            raise TemplateError(
                f"{self.path}: ulovlig handling i skabelonen ({part.label}): {exc}"
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
        return out

    def member(self, name: str) -> bytes | None:
        """The template's bytes of one package member (None if it has none by that name)."""
        return next((b for i, b in self._members if i.filename == name), None)

    def render(
        self,
        context: Mapping[str, Any],
        properties: Mapping[str, str] | None = None,
        finish: Callable[[dict[str, bytes]], None] | None = None,
    ) -> bytes:
        """Render to the bytes of a .docx. Pure: nothing is written to disk.

        ``finish`` gets the rendered parts (member name -> bytes) before they are zipped and may
        change them or add other members of the template (the house style's logo and core
        properties: docauto.office.housestyle)."""
        context = clean_text(dict(context))
        dt = _dt()
        replaced: dict[str, bytes] = {}
        for part in self._parts:
            xml = self._run(part, context)
            if part.kind == "body":
                try:
                    tree = dt.fix_tables(xml)
                except (AttributeError, TypeError, ValueError, etree.XMLSyntaxError) as exc:
                    # A block opened in one table and closed outside it leaves XML docxtpl
                    # cannot repair; say so instead of crashing.
                    raise TemplateError(
                        f"{self.path}: skabelonen giver et ugyldigt dokument ({type(exc).__name__}: {exc})",
                        hint="run 'docauto templates check' on it: a {%tr %} or {% for %} is probably "
                        "opened in one table and closed outside it",
                    ) from None
                docpr = 1000
                for elt in tree.iter(
                    "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
                ):
                    docpr += 1
                    elt.attrib["id"] = str(docpr)
                body = etree.tostring(tree, encoding="unicode")
                replaced[part.name] = (self._doc_head + body + self._doc_tail).encode("utf-8")
            elif part.kind == "header":
                replaced[part.name] = (XML_DECL + xml).encode("utf-8")
            else:
                replaced[part.name] = xml.encode("utf-8")
        if self._core and self._core_xml is not None:
            core = etree.fromstring(self._core_xml)
            for tag, tpl in self._core.items():
                el = core.find(tag)
                try:
                    el.text = tpl.render(context)
                except JinjaTemplateError as exc:
                    raise TemplateError(f"{self.path}: dokumentegenskab: {exc}") from None
            replaced["docProps/core.xml"] = etree.tostring(
                core, xml_declaration=True, encoding="UTF-8", standalone=True
            )
        if finish is not None:
            finish(replaced)
        if properties:
            members = docprops.with_custom_properties(self._members, replaced, properties)
            extra = [(i, b) for i, b in members if i.filename not in self._member_names]
        else:
            extra = []
        # Unchanged members were compressed once in _base_zip; append only what this render changed.
        buf = io.BytesIO(self._base_zip(frozenset(replaced)))
        with zipfile.ZipFile(buf, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
            for info, _blob in [*self._members, *extra]:
                if info.filename in replaced:
                    zi = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                    zi.compress_type = zipfile.ZIP_DEFLATED
                    zi.external_attr = info.external_attr
                    out.writestr(zi, replaced[info.filename])
        return buf.getvalue()


# -- a small cache, so a batch run reads and compiles each template once ----------------------

_CACHE: OrderedDict[tuple[str, int, int], PreparedTemplate] = OrderedDict()
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 32


def prepare(template: str | Path) -> PreparedTemplate:
    """The prepared template for a name in templates/ or a path, cached by path and mtime."""
    from docauto.resources import template_path

    path = template_path(template)
    try:
        st = path.stat()
    except FileNotFoundError:
        raise TemplateError(
            f"{path}: skabelonen findes ikke", hint="see 'docauto kinds' for template names"
        ) from None
    key = (str(path.resolve()), st.st_mtime_ns, st.st_size)
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
        if hit is not None:
            _CACHE.move_to_end(key)
            return hit
    prepared = PreparedTemplate(path)
    with _CACHE_LOCK:
        _CACHE[key] = prepared
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return prepared
