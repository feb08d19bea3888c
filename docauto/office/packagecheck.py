"""Is a .docx/.xlsx package whole? Every reference resolves, every part it names exists.

Word calls a file "damaged" when a part refers to a relationship id its .rels file does not
hold (an ``r:embed`` of a picture, the ``r:id`` of a link or a header), when a relationship
points at a part that is not in the zip, or when a part has no content type. A template
engine that adds pictures, links and sub-documents can get any of these wrong silently, so
``broken_references(data)`` lists them and ``check_package(data)`` raises on the first ones.
Tests run it on every document they write; it is cheap enough to run in production too.
"""

from __future__ import annotations

import io
import posixpath
import zipfile

from lxml import etree

from docauto.office.docxparts import R_NS, content_types, parse_xml, rels_member, resolve_target

_R_PREFIX = f"{{{R_NS}}}"


def _part_problems(name: str, blob: bytes, members: dict[str, bytes]) -> list[str]:
    try:
        root = parse_xml(blob)
    except etree.XMLSyntaxError as exc:
        return [f"{name}: ugyldig XML ({exc})"]
    ids = set()
    rels_name = rels_member(name)
    if rels_name in members:
        try:
            ids = {rel.get("Id") for rel in parse_xml(members[rels_name])}
        except etree.XMLSyntaxError as exc:
            return [f"{rels_name}: ugyldig XML ({exc})"]
    problems = []
    for el in root.iter():
        for attr, value in el.attrib.items():
            if attr.startswith(_R_PREFIX) and value not in ids:
                local = attr[len(_R_PREFIX) :]
                problems.append(
                    f'{name}: r:{local}="{value}" findes ikke i {rels_name}'
                    f" (element {etree.QName(el).localname})"
                )
    return problems


def _rels_problems(name: str, blob: bytes, members: dict[str, bytes]) -> list[str]:
    # _rels/.rels belongs to the package; word/_rels/x.xml.rels to word/x.xml
    folder = posixpath.dirname(posixpath.dirname(name))
    source = posixpath.join(folder, posixpath.basename(name)[: -len(".rels")])
    problems = []
    try:
        rels = parse_xml(blob)
    except etree.XMLSyntaxError as exc:
        return [f"{name}: ugyldig XML ({exc})"]
    seen: set[str] = set()
    for rel in rels:
        rid = rel.get("Id", "")
        if rid in seen:
            problems.append(f"{name}: relationen {rid} står to gange")
        seen.add(rid)
        if rel.get("TargetMode") == "External":
            continue
        target = resolve_target(source, rel.get("Target", ""))
        if target not in members:
            problems.append(f"{name}: relationen {rid} peger på {target}, som ikke findes")
    return problems


def broken_references(data: bytes) -> list[str]:
    """Every dangling relationship id, missing target part or untyped part in a package."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist() if not i.is_dir()}
    if "[Content_Types].xml" not in members:
        return ["[Content_Types].xml mangler"]
    defaults, overrides = content_types(members)
    problems: list[str] = []
    for name, blob in members.items():
        if name == "[Content_Types].xml":
            continue
        ext = name.rsplit(".", 1)[-1].lower() if "." in posixpath.basename(name) else ""
        if name not in overrides and ext not in defaults:
            problems.append(f"{name}: har ingen indholdstype i [Content_Types].xml")
        if name.endswith(".rels"):
            problems.extend(_rels_problems(name, blob, members))
        elif name.endswith(".xml"):
            problems.extend(_part_problems(name, blob, members))
    return problems


def check_package(data: bytes, name: str = "dokumentet") -> None:
    """Raise TemplateError naming the first problems if the package is not whole."""
    problems = broken_references(data)
    if problems:
        from docauto.errors import TemplateError

        more = f" (og {len(problems) - 3} til)" if len(problems) > 3 else ""
        raise TemplateError(f"{name} ville blive ødelagt: " + "; ".join(problems[:3]) + more)
