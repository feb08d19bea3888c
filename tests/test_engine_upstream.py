"""Conformance with docxtpl's own test suite (``../shared/corpora/docxtpl-upstream/``).

Each upstream script is run as it is, with docxtpl, in a scratch folder: that gives docxtpl's
reference document. While it runs, every ``DocxTemplate.render`` call is recorded with its
context, Jinja environment and replacements (replace_pic / replace_media /
replace_embedded / replace_zipname), and the document the script saves is kept. The same
template is then rendered by docauto with the context translated into docauto's forms:

- ``InlineImage`` -> ``richvalues.Image`` (the engine does this itself),
- a ``RichText`` link made with ``tpl.build_url_id(url)`` -> ``richvalues.RichText(url=...)``,
- a ``Subdoc`` made from a file -> ``richvalues.Subdoc(path)``; one built in code ->
  ``richvalues.Subdoc`` of the same paragraphs in a copy of the template,
- custom filters of the script's Jinja environment -> the ``docauto_template_extensions`` hook,
- ``module_execute`` (docxtpl's command line with a JSON file) -> the JSON file.

docauto renders leniently here (missing values empty), as docxtpl does. The test compares the
document text with docxtpl's, checks every relationship of docauto's document resolves
(``packagecheck``), and that the pictures docxtpl's document shows are in docauto's too.
Templates that still differ are listed in ``KNOWN_DIFFERENCES`` and in
docs/template-language.md, with the reason; the test fails if one of them starts to agree.
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import os
import runpy
import shutil
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from docxhelp import assert_whole
from lxml import etree

from docauto.errors import TemplateError
from docauto.hookspecs import hookimpl
from docauto.office.docxtext import docx_text


def _find_corpus() -> Path | None:
    root = Path(__file__).resolve().parent.parent
    for base in [root, *root.parents]:
        candidate = base / "shared" / "corpora" / "docxtpl-upstream"
        if candidate.is_dir():
            return candidate
    return None


CORPUS = _find_corpus()
SCRIPTS = (
    sorted(p.name for p in CORPUS.glob("[A-Za-z]*.py") if p.name != "runtests.py") if CORPUS else []
)
pytestmark = pytest.mark.skipif(
    CORPUS is None,
    reason="docxtpl's upstream suite is not beside the repository (../shared/corpora/"
    "docxtpl-upstream); CI checks it out there",
)

# script -> why docauto's text still differs from docxtpl's (also in docs/template-language.md)
KNOWN_DIFFERENCES: dict[str, str] = {
    "header_footer_entities.py": "the script puts XML-escaped text ('&amp;') in the context and "
    "renders without autoescaping, so docxtpl writes it into the XML as markup and Word shows "
    "'&'; docauto always escapes, so the reader sees exactly the text in the data ('&amp;'); "
    "docxtpl with autoescape=True gives docauto's text",
}

NS = {
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
}


@dataclass
class Call:
    template: str
    context: dict
    jinja_env: Any = None
    autoescape: bool = False
    error: Exception | None = None
    reference: bytes | None = None
    pictures: dict[str, bytes] = field(default_factory=dict)
    media: dict[bytes, bytes] = field(default_factory=dict)
    embedded: dict[bytes, bytes] = field(default_factory=dict)
    zipnames: dict[str, bytes] = field(default_factory=dict)
    urls: dict[str, str] = field(default_factory=dict)
    subdocs: dict[int, Any] = field(default_factory=dict)
    tpl: Any = None


def _read(value: Any) -> bytes:
    if hasattr(value, "read"):
        pos = value.tell()
        data = value.read()
        value.seek(pos)
        return data
    return Path(value).read_bytes()


class Recorder:
    """Patches DocxTemplate so a script's renders and saves are recorded."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.pending: dict[int, dict] = {}
        self.subdoc_paths: dict[int, str | None] = {}

    def state(self, tpl: Any) -> dict:
        return self.pending.setdefault(
            id(tpl),
            {"pictures": {}, "media": {}, "embedded": {}, "zipnames": {}, "urls": {}, "calls": []},
        )

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from docxtpl import DocxTemplate

        orig = {
            n: getattr(DocxTemplate, n)
            for n in (
                "render",
                "save",
                "replace_pic",
                "replace_media",
                "replace_embedded",
                "replace_zipname",
                "build_url_id",
                "new_subdoc",
            )
        }
        patches = {**self._call_patches(orig), **self._asset_patches(orig)}
        for name, fn in patches.items():
            monkeypatch.setattr(DocxTemplate, name, fn)

    def _call_patches(self, orig: dict[str, Any]) -> dict[str, Any]:
        """render and save: record each render's context and the document docxtpl saved."""
        rec = self

        def render(self, context, jinja_env=None, autoescape=False):
            st = rec.state(self)
            call = Call(str(self.template_file), dict(context), jinja_env, autoescape, tpl=self)
            call.pictures = dict(st["pictures"])
            call.media, call.embedded = dict(st["media"]), dict(st["embedded"])
            call.zipnames, call.urls = dict(st["zipnames"]), dict(st["urls"])
            call.subdocs = {
                id(v): rec.translate_subdoc(self, v)
                for v in context.values()
                if type(v).__name__ == "Subdoc"
            }
            st["calls"].append(call)
            rec.calls.append(call)
            try:
                return orig["render"](self, context, jinja_env, autoescape)
            except Exception as exc:
                call.error = exc
                raise

        def save(self, filename, *args, **kwargs):
            orig["save"](self, filename, *args, **kwargs)
            calls = rec.state(self)["calls"]
            if calls and calls[-1].reference is None and calls[-1].error is None:
                if hasattr(filename, "getvalue"):
                    calls[-1].reference = filename.getvalue()
                else:
                    calls[-1].reference = Path(filename).read_bytes()

        return {"render": render, "save": save}

    def _asset_patches(self, orig: dict[str, Any]) -> dict[str, Any]:
        """Pictures, media, embedded files, zip names, links and subdocs given to docxtpl."""
        rec = self

        def replace_pic(self, embedded_file, dst_file):
            rec.state(self)["pictures"][embedded_file] = _read(dst_file)
            return orig["replace_pic"](self, embedded_file, dst_file)

        def replace_media(self, src_file, dst_file):
            rec.state(self)["media"][_read(src_file)] = _read(dst_file)
            return orig["replace_media"](self, src_file, dst_file)

        def replace_embedded(self, src_file, dst_file):
            rec.state(self)["embedded"][_read(src_file)] = _read(dst_file)
            return orig["replace_embedded"](self, src_file, dst_file)

        def replace_zipname(self, zipname, dst_file):
            rec.state(self)["zipnames"][zipname] = _read(dst_file)
            return orig["replace_zipname"](self, zipname, dst_file)

        def build_url_id(self, url):
            rid = orig["build_url_id"](self, url)
            rec.state(self)["urls"][rid] = url
            return rid

        def new_subdoc(self, docpath=None):
            sd = orig["new_subdoc"](self, docpath)
            rec.subdoc_paths[id(sd)] = str(docpath) if docpath else None
            return sd

        return {
            "replace_pic": replace_pic,
            "replace_media": replace_media,
            "replace_embedded": replace_embedded,
            "replace_zipname": replace_zipname,
            "build_url_id": build_url_id,
            "new_subdoc": new_subdoc,
        }

    def translate_subdoc(self, tpl: Any, sd: Any) -> Any:
        """docauto's Subdoc for a docxtpl one, made before docxtpl renders."""
        from docx import Document

        from docauto.office.richvalues import Subdoc

        path = self.subdoc_paths.get(id(sd))
        if path:
            return Subdoc(Path(path).resolve())
        # Built in code: its paragraphs refer to the template's styles and to pictures
        # python-docx added to the template's package; save that package with them as body.
        buf = io.BytesIO()
        tpl.docx.save(buf)
        doc = Document(io.BytesIO(buf.getvalue()))
        body = doc.element.body
        sect = body.sectPr
        for child in list(body):
            body.remove(child)
        for child in sd.subdocx.element.body:
            if child.tag != sect.tag if sect is not None else True:
                body.append(copy.deepcopy(child))
        if sect is not None:
            body.append(sect)
        return Subdoc(doc)

    def finish(self) -> None:
        """A script that only inspected its last render never saved it: save it now."""
        for st in self.pending.values():
            last = st["calls"][-1] if st["calls"] else None
            if last is not None and last.reference is None and last.error is None:
                buf = io.BytesIO()
                last.tpl.save(buf)
                last.reference = buf.getvalue()


def _run_script(name: str, workdir: Path, monkeypatch: pytest.MonkeyPatch) -> Recorder:
    shutil.copytree(CORPUS / "templates", workdir / "templates")
    (workdir / "output").mkdir()
    shutil.copy(CORPUS / name, workdir / name)
    rec = Recorder()
    rec.install(monkeypatch)
    monkeypatch.chdir(workdir)
    monkeypatch.setattr(sys, "argv", [name])
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    runpy.run_path(str(workdir / name), run_name="__main__")
    rec.finish()
    return rec


def _translate(value: Any, call: Call) -> Any:
    from docxtpl.richtext import RichText as DocxtplRichText
    from docxtpl.richtext import RichTextParagraph

    from docauto.office.richvalues import LINK_TOKEN, RichText

    if isinstance(value, dict):
        return {k: _translate(v, call) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_translate(v, call) for v in value]
    if id(value) in call.subdocs:
        return call.subdocs[id(value)]
    if isinstance(value, DocxtplRichText | RichTextParagraph) and call.urls:
        from urllib.parse import quote

        out = RichText() if isinstance(value, DocxtplRichText) else RichTextParagraph()
        xml = value.xml
        for rid, url in call.urls.items():
            xml = xml.replace(f'r:id="{rid}"', f'r:id="{LINK_TOKEN}{quote(url, safe="")}"')
        out.xml = xml
        return out
    return value


class _EnvPlugin:
    """A plugin giving the script's own Jinja filters/tests to docauto (the hook under test)."""

    def __init__(self, env: Any) -> None:
        from jinja2 import Environment

        base = Environment()
        self.filters = {k: v for k, v in env.filters.items() if k not in base.filters}
        self.tests = {k: v for k, v in env.tests.items() if k not in base.tests}

    @hookimpl
    def docauto_template_extensions(self) -> dict:
        return {"filters": self.filters, "tests": self.tests}


def _pictures(blob: bytes) -> list[str]:
    """sha1 of every picture shown (each a:blip r:embed, followed to its media part)."""
    from docauto.office.docxparts import relationships, resolve_target

    out = []
    with zipfile.ZipFile(io.BytesIO(blob)) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    for name, data in members.items():
        if not name.startswith("word/") or not name.endswith(".xml") or "/_rels/" in name:
            continue
        rels = {r["Id"]: r for r in relationships(members, name)}
        root = etree.fromstring(data)
        for blip in root.iter(f"{{{NS['a']}}}blip"):
            rid = blip.get(f"{{{NS['r']}}}embed")
            if rid and rid in rels:
                target = resolve_target(name, rels[rid]["Target"])
                out.append(hashlib.sha1(members[target]).hexdigest())
    return sorted(out)


def _embedded(blob: bytes) -> list[str]:
    """sha1 of every embedded object (replace_embedded / replace_zipname swap these)."""
    with zipfile.ZipFile(io.BytesIO(blob)) as zf:
        return sorted(
            hashlib.sha1(zf.read(n)).hexdigest()
            for n in zf.namelist()
            if n.startswith("word/embeddings/")
        )


def _missing_styles(blob: bytes) -> set[str]:
    """Style and numbering ids the body uses that styles.xml / numbering.xml do not define."""
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    with zipfile.ZipFile(io.BytesIO(blob)) as zf:
        body = etree.fromstring(zf.read("word/document.xml"))
        names = set(zf.namelist())
        styles = (
            etree.fromstring(zf.read("word/styles.xml")) if "word/styles.xml" in names else None
        )
        numbering = (
            etree.fromstring(zf.read("word/numbering.xml"))
            if "word/numbering.xml" in names
            else None
        )
    defined = (
        {s.get(f"{w}styleId") for s in styles.iter(f"{w}style")} if styles is not None else set()
    )
    nums = (
        {n.get(f"{w}numId") for n in numbering.iter(f"{w}num")} if numbering is not None else set()
    )
    used = {
        f"style:{el.get(f'{w}val')}"
        for el in body.iter(f"{w}pStyle", f"{w}rStyle", f"{w}tblStyle")
        if el.get(f"{w}val") not in defined
    }
    used |= {
        f"numId:{el.get(f'{w}val')}"
        for el in body.iter(f"{w}numId")
        if el.get(f"{w}val") not in nums and el.get(f"{w}val") != "0"
    }
    return used


def _render_with_docauto(call: Call, workdir: Path) -> bytes:
    from docauto import plugins
    from docauto.office.engine import PreparedTemplate

    plugin = None
    if call.jinja_env is not None:
        plugin = _EnvPlugin(call.jinja_env)
        plugins.get_plugin_manager().register(plugin, name="upstream-env")
    try:
        prepared = PreparedTemplate(workdir / call.template, lenient=True)
        return prepared.render(
            _translate(call.context, call),
            replace_pictures=call.pictures,
            replace_media=call.media,
            replace_embedded=call.embedded,
            replace_zipnames=call.zipnames,
        )
    finally:
        if plugin is not None:
            plugins.get_plugin_manager().unregister(name="upstream-env")


def _module_execute(workdir: Path) -> list[Call]:
    """docxtpl's command line with a JSON context: docauto's native form for JSON."""
    from docxtpl import DocxTemplate

    shutil.copytree(CORPUS / "templates", workdir / "templates", dirs_exist_ok=True)
    context = json.loads((workdir / "templates/module_execute.json").read_text(encoding="utf-8"))
    tpl = DocxTemplate(str(workdir / "templates/module_execute_tpl.docx"))
    tpl.render(context)
    buf = io.BytesIO()
    tpl.save(buf)
    call = Call("templates/module_execute_tpl.docx", context, reference=buf.getvalue())
    return [call]


@pytest.mark.parametrize("script", SCRIPTS)
def test_upstream_script(script: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if script == "module_execute.py":
        calls = _module_execute(tmp_path)
    else:
        calls = _run_script(script, tmp_path, monkeypatch).calls
    assert calls, f"{script} rendered nothing"
    for call in calls:
        if call.error is not None:
            # docxtpl refused the template; docauto must refuse it too, with a located message
            with pytest.raises(TemplateError) as err:
                _render_with_docauto(call, tmp_path)
            assert Path(call.template).name in str(err.value)
            continue
        ours = assert_whole(_render_with_docauto(call, tmp_path))
        if not call.reference:
            continue
        ref, got = docx_text(call.reference), docx_text(ours)
        same = (ref.body, ref.headers, ref.footers, ref.footnotes) == (
            got.body,
            got.headers,
            got.footers,
            got.footnotes,
        )
        if script in KNOWN_DIFFERENCES:
            assert not same, f"{script} now agrees with docxtpl: remove it from KNOWN_DIFFERENCES"
            continue
        assert got.body == ref.body
        assert got.headers == ref.headers
        assert got.footers == ref.footers
        assert got.footnotes == ref.footnotes
        assert _pictures(ours) == _pictures(call.reference), "not the same pictures"
        assert _embedded(ours) == _embedded(call.reference), "not the same embedded objects"
        # styles and bullets the sub-documents and rich texts use are defined in docauto's
        # document (docxtpl's own output may lack some: those are not asked of docauto)
        assert _missing_styles(ours) <= _missing_styles(call.reference)


def test_corpus_has_the_36_scripts() -> None:
    assert len(SCRIPTS) == 36, SCRIPTS
    assert os.path.isdir(CORPUS / "templates")
