"""Which parts of a .docx package are templates, read one way for the engine and the checker.

docxtpl renders the main document's body, the headers and footers the main document refers
to, the footnotes and a few core properties. ``template_parts`` names those parts from the
package's own content types and relationships (not from guessed file names), so that
``docauto.office.engine`` renders exactly what ``docauto.office.templatecheck`` checks.
Every XML here is read with one parser that resolves no entities and fetches nothing.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
HEADER_REL = f"{R_NS}/header"
FOOTER_REL = f"{R_NS}/footer"
IMAGE_REL = f"{R_NS}/image"
HYPERLINK_REL = f"{R_NS}/hyperlink"
FOOTNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
MAIN_CTS = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
)
# Core properties docxtpl renders as templates too, by python-docx name.
CORE_PROPS = {
    "author": "{http://purl.org/dc/elements/1.1/}creator",
    "comments": "{http://purl.org/dc/elements/1.1/}description",
    "identifier": "{http://purl.org/dc/elements/1.1/}identifier",
    "language": "{http://purl.org/dc/elements/1.1/}language",
    "subject": "{http://purl.org/dc/elements/1.1/}subject",
    "title": "{http://purl.org/dc/elements/1.1/}title",
}
CORE_MEMBER = "docProps/core.xml"

PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


def parse_xml(blob: bytes | str) -> Any:
    """An XML part parsed without entity expansion or network access."""
    if isinstance(blob, str):
        blob = blob.encode("utf-8")
    return etree.fromstring(blob, PARSER)


@dataclass(frozen=True)
class TemplatePart:
    """One part docxtpl renders."""

    member: str  # zip member name, e.g. word/header1.xml
    kind: str  # body | header | footer | footnotes
    name: str  # short name for findings: body, header1.xml, footnotes

    @property
    def label(self) -> str:
        """Danish name for messages."""
        if self.kind == "body":
            return "brødtekst"
        if self.kind == "footnotes":
            return "fodnoter"
        word = "sidehoved" if self.kind == "header" else "sidefod"
        return f"{word} {self.name}"


def rels_member(member: str) -> str:
    """The relationships part of a part: word/document.xml -> word/_rels/document.xml.rels."""
    folder, base = posixpath.split(member)
    return posixpath.join(folder, "_rels", base + ".rels")


def resolve_target(member: str, target: str) -> str:
    """The zip member a relationship's internal Target points at, seen from ``member``."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(member), target))


def content_types(members: Mapping[str, bytes]) -> tuple[dict[str, str], dict[str, str]]:
    """(Default extension -> type, Override part -> type) from [Content_Types].xml."""
    root = parse_xml(members["[Content_Types].xml"])
    defaults, overrides = {}, {}
    for el in root:
        tag = etree.QName(el).localname if isinstance(el.tag, str) else ""
        if tag == "Default":
            defaults[(el.get("Extension") or "").lower()] = el.get("ContentType", "")
        elif tag == "Override":
            overrides[(el.get("PartName") or "").lstrip("/")] = el.get("ContentType", "")
    return defaults, overrides


def relationships(members: Mapping[str, bytes], member: str) -> list[dict[str, str]]:
    """The relationships of ``member``: Id, Type, Target, TargetMode (empty list if none)."""
    blob = members.get(rels_member(member))
    if not blob:
        return []
    return [dict(rel.attrib) for rel in parse_xml(blob) if isinstance(rel.tag, str)]


def main_member(members: Mapping[str, bytes]) -> str:
    _, overrides = content_types(members)
    return next((n for n, t in overrides.items() if t in MAIN_CTS), "word/document.xml")


def template_parts(members: Mapping[str, bytes]) -> list[TemplatePart]:
    """The parts docxtpl renders, body first, then headers/footers in relationship order."""
    _, overrides = content_types(members)
    main = next((n for n, t in overrides.items() if t in MAIN_CTS), "word/document.xml")
    out = [TemplatePart(main, "body", "body")]
    seen = {main}
    for rel in relationships(members, main):
        rtype = rel.get("Type")
        if rel.get("TargetMode") == "External" or rtype not in (HEADER_REL, FOOTER_REL):
            continue
        member = resolve_target(main, rel.get("Target", ""))
        if member in seen or not members.get(member):
            continue
        seen.add(member)
        kind = "header" if rtype == HEADER_REL else "footer"
        out.append(TemplatePart(member, kind, posixpath.basename(member)))
    for name, ctype in overrides.items():
        if ctype == FOOTNOTES_CT and name in members and name not in seen:
            out.append(TemplatePart(name, "footnotes", "footnotes"))
    return out
