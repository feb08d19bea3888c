"""Plain text of a .docx (body with tables, headers, footers, footnotes), for checks and tests.

Reads the package with lxml directly; paragraphs become lines, table cells are separated by
' | ', tabs and breaks become their characters.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def _para_text(p: etree._Element) -> str:
    out = []
    for el in p.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr"):
        if el.tag == f"{W}t":
            out.append(el.text or "")
        elif el.tag == f"{W}tab":
            out.append("\t")
        else:
            out.append("\n")
    return "".join(out)


def _block_lines(root: etree._Element) -> list[str]:
    lines: list[str] = []
    for el in root.iter(f"{W}p", f"{W}tr"):
        if el.tag == f"{W}tr":
            cells = [
                " / ".join(_para_text(p) for p in tc.iter(f"{W}p")) for tc in el.iter(f"{W}tc")
            ]
            lines.append(" | ".join(cells))
        elif not any(a.tag == f"{W}tc" for a in el.iterancestors()):
            lines.append(_para_text(el))
    return lines


@dataclass
class DocxText:
    body: list[str]
    headers: list[str]
    footers: list[str]
    footnotes: list[str]

    @property
    def all(self) -> str:
        return "\n".join(self.body + self.headers + self.footers + self.footnotes)


def docx_text(data: bytes) -> DocxText:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = sorted(zf.namelist())

        def lines(name: str) -> list[str]:
            return _block_lines(etree.fromstring(zf.read(name), _PARSER))

        body = lines("word/document.xml") if "word/document.xml" in names else []
        headers = [
            ln
            for n in names
            if n.startswith("word/header") and n.endswith(".xml")
            for ln in lines(n)
        ]
        footers = [
            ln
            for n in names
            if n.startswith("word/footer") and n.endswith(".xml")
            for ln in lines(n)
        ]
        footnotes = lines("word/footnotes.xml") if "word/footnotes.xml" in names else []
    return DocxText(body, headers, footers, footnotes)
