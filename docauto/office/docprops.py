"""Custom document properties of Office files (docProps/custom.xml): write and read.

Generated documents carry their role and cluster / unit id here, so a returned job ad can be
matched to its position (REGISTRY.md §2).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from xml.sax.saxutils import escape

from lxml import etree

CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
CUSTOM_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
CUSTOM_CT = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
PART = "docProps/custom.xml"


def _custom_xml(existing: bytes | None, properties: Mapping[str, str]) -> bytes:
    props: dict[str, str] = {}
    if existing:
        root = etree.fromstring(existing)
        for p in root:
            name = p.get("name")
            if name is not None and len(p):
                props[name] = p[0].text or ""
    props.update({k: str(v) for k, v in properties.items()})
    items = "".join(
        f'<property fmtid="{FMTID}" pid="{i}" name="{escape(k, {chr(34): "&quot;"})}">'
        f"<vt:lpwstr>{escape(v)}</vt:lpwstr></property>"
        for i, (k, v) in enumerate(props.items(), start=2)
    )
    return (
        f"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        f'<Properties xmlns="{CUSTOM_NS}" xmlns:vt="{VT_NS}">{items}</Properties>'
    ).encode()


def with_custom_properties(
    members: list[tuple[zipfile.ZipInfo, bytes]],
    replaced: dict[str, bytes],
    properties: Mapping[str, str],
) -> list[tuple[zipfile.ZipInfo, bytes]]:
    """Members of a package with custom properties set; content types and rels updated."""
    names = {i.filename: b for i, b in members}
    replaced[PART] = _custom_xml(replaced.get(PART, names.get(PART)), properties)
    out = list(members)
    if PART not in names:
        out.append((zipfile.ZipInfo(PART, date_time=(1980, 1, 1, 0, 0, 0)), b""))
        ct = etree.fromstring(replaced.get("[Content_Types].xml", names["[Content_Types].xml"]))
        ns = ct.nsmap[None]
        o = etree.SubElement(ct, f"{{{ns}}}Override")
        o.set("PartName", "/" + PART)
        o.set("ContentType", CUSTOM_CT)
        replaced["[Content_Types].xml"] = etree.tostring(
            ct, xml_declaration=True, encoding="UTF-8", standalone=True
        )
        rels = etree.fromstring(replaced.get("_rels/.rels", names["_rels/.rels"]))
        ids = {r.get("Id") for r in rels}
        n = 1
        while f"rId{n}" in ids:
            n += 1
        r = etree.SubElement(rels, f"{{{rels.nsmap[None]}}}Relationship")
        r.set("Id", f"rId{n}")
        r.set("Type", CUSTOM_REL)
        r.set("Target", PART)
        replaced["_rels/.rels"] = etree.tostring(
            rels, xml_declaration=True, encoding="UTF-8", standalone=True
        )
    return out


def read_custom_properties(data: bytes) -> dict[str, str]:
    """The custom properties of an Office package (empty if it has none)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        try:
            blob = zf.read(PART)
        except KeyError:
            return {}
    # Incoming files come from mail: no entities, no network, no huge trees.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    root = etree.fromstring(blob, parser)
    out = {}
    for p in root:
        name = p.get("name")
        if name is not None and len(p):
            out[name] = p[0].text or ""
    return out


# -- core properties (docProps/core.xml) ------------------------------------------------------

CP_NS = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
DC_NS = "http://purl.org/dc/elements/1.1/"
DCTERMS_NS = "http://purl.org/dc/terms/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
# Left by python-docx's default template; a recipient should not see how a letter was made.
_TOOL_TRACES = ("python-docx", "openpyxl", "docxtpl")


def _put(root: etree._Element, tag: str, text: str | None, w3c: bool = False) -> None:
    """Set a property's text (adding the element if needed); None removes the property."""
    el = root.find(tag)
    if text is None:
        if el is not None:
            root.remove(el)
        return
    if el is None:
        el = etree.SubElement(root, tag)
    el.text = text
    if w3c:
        el.set(f"{{{XSI_NS}}}type", "dcterms:W3CDTF")


def _drop_tool_traces(root: etree._Element) -> None:
    """Remove an empty description, keyword or category, or one that only names the tool."""
    for tag in (f"{{{DC_NS}}}description", f"{{{CP_NS}}}keywords", f"{{{CP_NS}}}category"):
        el = root.find(tag)
        if el is not None and (not el.text or any(t in el.text for t in _TOOL_TRACES)):
            root.remove(el)


def core_properties_xml(
    existing: bytes | None,
    *,
    author: str,
    when: str,
    language: str = "da-DK",
    title: str | None = None,
    subject: str | None = None,
) -> bytes:
    """docProps/core.xml with author, created/modified = ``when`` (W3CDTF) and the language set.

    The template's (rendered) title and subject are kept unless given; a description or
    keyword that only names the tool that built the template is removed.
    """
    nsmap = {"cp": CP_NS, "dc": DC_NS, "dcterms": DCTERMS_NS, "xsi": XSI_NS}
    if existing:
        root = etree.fromstring(existing)
    else:
        root = etree.Element(f"{{{CP_NS}}}coreProperties", nsmap=nsmap)
    _drop_tool_traces(root)
    if title is not None:
        _put(root, f"{{{DC_NS}}}title", title)
    if subject is not None:
        _put(root, f"{{{DC_NS}}}subject", subject)
    _put(root, f"{{{DC_NS}}}creator", author)
    _put(root, f"{{{CP_NS}}}lastModifiedBy", author)
    _put(root, f"{{{CP_NS}}}revision", "1")
    _put(root, f"{{{DCTERMS_NS}}}created", when, w3c=True)
    _put(root, f"{{{DCTERMS_NS}}}modified", when, w3c=True)
    _put(root, f"{{{DC_NS}}}language", language)
    _put(root, f"{{{CP_NS}}}lastPrinted", None)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
