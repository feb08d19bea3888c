"""What one render adds to a template's package: picture parts, link and picture relationships,
content types; and, for renders with a sub-document, the styles and numbering it brings.

Two ways, behind one interface (``add_image``, ``add_hyperlink``, ``subdoc_xml``):

- ``PackageEdits`` records the additions itself. It is the fast path: the engine writes the
  rendered parts, the changed .rels files and the new media into the zip and nothing else.
  Its relationship ids (``rIdDa1``, ...) cannot collide with the template's (``rId7``).
- ``HostPackage`` is used when the context holds a Subdoc: docxcompose (what docxtpl uses)
  merges the sub-document's styles, numbering, pictures and links into a python-docx copy of
  the template, and every other addition goes through that copy too, so one package manager
  hands out the relationship ids. The rendered parts are put into it and it is saved.
"""

from __future__ import annotations

import hashlib
import io
import posixpath
import re
from collections.abc import Mapping
from typing import Any

from lxml import etree

from docauto.errors import TemplateError
from docauto.office.docxparts import (
    CT_NS,
    HYPERLINK_REL,
    IMAGE_REL,
    REL_NS,
    parse_xml,
    rels_member,
)

_RELS_EMPTY = f'<Relationships xmlns="{REL_NS}"/>'.encode()


def _xml(root: Any) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


class PackageEdits:
    """Additions to a package made by one render, without python-docx."""

    def __init__(self, members: Mapping[str, bytes], defaults: Mapping[str, str]) -> None:
        self._members = members
        self._defaults = dict(defaults)
        self._new_defaults: dict[str, str] = {}
        self._rels: dict[str, list[tuple[str, str, str, bool]]] = {}
        self._by_target: dict[tuple[str, str, str], str] = {}
        self._media: dict[str, str] = {}  # sha1 -> member
        self.new_parts: dict[str, bytes] = {}
        self._n = 0

    def _relate(self, member: str, rtype: str, target: str, external: bool) -> str:
        key = (member, rtype, target)
        rid = self._by_target.get(key)
        if rid is None:
            self._n += 1
            rid = self._by_target[key] = f"rIdDa{self._n}"
            self._rels.setdefault(member, []).append((rid, rtype, target, external))
        return rid

    def ids(self, member: str) -> set[str]:
        """The relationship ids this render added to ``member``."""
        return {rid for rid, *_ in self._rels.get(member, [])}

    def add_image(self, member: str, blob: bytes, ext: str, content_type: str) -> str:
        sha = hashlib.sha1(blob).hexdigest()
        media = self._media.get(sha)
        if media is None:
            n = len(self._media) + 1
            media = f"word/media/docauto-{n}-{sha[:8]}.{ext}"
            self._media[sha] = media
            self.new_parts[media] = blob
            if ext.lower() not in self._defaults:
                self._defaults[ext.lower()] = self._new_defaults[ext.lower()] = content_type
        target = posixpath.relpath(media, posixpath.dirname(member))
        return self._relate(member, IMAGE_REL, target, False)

    def add_hyperlink(self, member: str, url: str) -> str:
        return self._relate(member, HYPERLINK_REL, url, True)

    def subdoc_xml(self, member: str, subdoc: Any) -> str:  # pragma: no cover - host only
        raise AssertionError("a render with a sub-document uses HostPackage")

    def changed(self) -> dict[str, bytes]:
        """The members this render adds or changes: .rels files, content types, media."""
        out = dict(self.new_parts)
        for member, rels in self._rels.items():
            name = rels_member(member)
            root = parse_xml(self._members.get(name) or _RELS_EMPTY)
            for rid, rtype, target, external in rels:
                el = etree.SubElement(root, f"{{{REL_NS}}}Relationship")
                el.set("Id", rid)
                el.set("Type", rtype)
                el.set("Target", target)
                if external:
                    el.set("TargetMode", "External")
            out[name] = _xml(root)
        if self._new_defaults:
            root = parse_xml(self._members["[Content_Types].xml"])
            for ext, ctype in self._new_defaults.items():
                el = etree.Element(f"{{{CT_NS}}}Default")
                el.set("Extension", ext)
                el.set("ContentType", ctype)
                root.insert(0, el)
            out["[Content_Types].xml"] = _xml(root)
        return out


class HostPackage:
    """A python-docx copy of the template that sub-documents are composed into."""

    def __init__(self, data: bytes) -> None:
        from docx import Document

        self.document = Document(io.BytesIO(data))
        self.package = self.document.part.package
        self._parts = {str(p.partname).lstrip("/"): p for p in self.package.iter_parts()}
        self._by_sha: dict[tuple[str, str], str] = {}

    def _part(self, member: str) -> Any:
        return self._parts[member]

    def add_image(self, member: str, blob: bytes, ext: str, content_type: str) -> str:
        from docx.opc.constants import RELATIONSHIP_TYPE as RT

        image_part = self.package.get_or_add_image_part(io.BytesIO(blob))
        return self._part(member).relate_to(image_part, RT.IMAGE)

    def add_hyperlink(self, member: str, url: str) -> str:
        from docx.opc.constants import RELATIONSHIP_TYPE as RT

        return self._part(member).relate_to(url, RT.HYPERLINK, is_external=True)

    def subdoc_xml(self, member: str, subdoc: Any) -> str:
        from docx import Document
        from docxtpl.subdoc import SubdocComposer

        if member != str(self.document.part.partname).lstrip("/"):
            raise TemplateError(
                f"underdokumentet '{subdoc.field or 'underdokument'}' står i et sidehoved, en "
                "sidefod eller en fodnote; et underdokument kan kun stå i brødteksten"
            )
        try:
            doc = Document(io.BytesIO(subdoc.blob()))
        except Exception as exc:
            raise TemplateError(
                f"underdokumentet '{subdoc.field or 'underdokument'}' kan ikke læses: {exc}"
            ) from None
        SubdocComposer(self.document).attach_parts(doc)
        body = doc.element.body
        if body.sectPr is not None:
            body.remove(body.sectPr)
        xml = etree.tostring(body, encoding="unicode")
        return re.sub(r"</?w:body[^>]*>", "", xml)

    def finish(self, rendered: Mapping[str, bytes]) -> list[tuple[str, bytes]]:
        """The whole package with the rendered parts in it, as (member, bytes) in zip order."""
        import zipfile

        for member, blob in rendered.items():
            part = self._parts.get(member)
            if part is None:
                continue
            if hasattr(part, "_element"):
                part._element = parse_xml(blob)
            else:
                part._blob = blob
        buf = io.BytesIO()
        self.document.save(buf)
        with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zf:
            return [(i.filename, zf.read(i)) for i in zf.infolist()]
