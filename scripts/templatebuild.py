"""The house style of the Word templates: one module every scripts/build_*_templates.py uses.

Change the look here (page, margins, font, heading styles, letterhead, footer, tables) and
rebuild the templates; the wording of each document stays in its own build script. What
changes without a rebuild (the letterhead data, the logo, the document properties) is put in
at render time by docauto.office.housestyle.

    A4 portrait (11906 x 16838 twips), margins 2.0 cm top and bottom, 2.5 cm left, 2.0 cm right
    Calibri 10.5 pt everywhere (LibreOffice shows it with the metric-compatible Carlito)
    proofing language da-DK in the document defaults and in every style
    first page: logo (templates/logo.png) and the sender block from mappings/afsender.yaml
    later pages: the administration and the document's label, and "Side X af Y" at the foot
    (page 1 has none: a one-page letter shows no page number)
    tables: fixed column widths from their content, header row repeated, rows kept whole
"""

from __future__ import annotations

import copy
import io
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt, RGBColor, Twips

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
LOGO = TEMPLATES / "logo.png"

FONT = "Calibri"
LANG = "da-DK"
BODY_PT = 10.5
SMALL_PT = 8
TABLE_PT = 9
TABLE_STYLE = "Tabeltekst"  # the paragraph style of every table cell
BLUE = RGBColor(0x1F, 0x4E, 0x78)
GREY = RGBColor(0x59, 0x59, 0x59)
RULE = "8EAADB"
GRID = "BFBFBF"
HEAD_FILL = "DCE6F1"
PAGE_W, PAGE_H = 11906, 16838  # A4 in twips
MARGIN_TOP = MARGIN_BOTTOM = 1134  # 2.0 cm
MARGIN_LEFT, MARGIN_RIGHT = 1418, 1134  # 2.5 cm, 2.0 cm
HEADER_DIST = FOOTER_DIST = 567  # 1.0 cm
LOGO_HEIGHT = Cm(1.2)

# rPr children in the order the schema (and Word) wants them
_RPR_ORDER = [
    "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike",
    "outline", "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden",
    "color", "spacing", "w", "kern", "position", "sz", "szCs", "highlight", "u", "effect",
    "bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout",
    "specVanish", "oMath",
]  # fmt: skip
_PPR_ORDER = [
    "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
    "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku",
    "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi",
    "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents",
    "suppressOverlap", "jc", "textDirection", "textAlignment", "textboxTightWrap",
    "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange",
]  # fmt: skip


def _insert_ordered(parent, child, order: list[str]) -> None:
    """Put child into parent where the schema's sequence wants it (replacing one of its kind)."""
    name = child.tag.split("}")[1]
    old = parent.find(qn("w:" + name))
    if old is not None:
        parent.replace(old, child)
        return
    rank = order.index(name)
    for i, existing in enumerate(parent):
        other = existing.tag.split("}")[1]
        if other in order and order.index(other) > rank:
            parent.insert(i, child)
            return
    parent.append(child)


def _el(tag: str, **attrs: str):
    el = OxmlElement(tag)
    for k, v in attrs.items():
        el.set(qn("w:" + k), v)
    return el


def _fonts_and_language(rpr) -> None:
    """One explicit font (no theme fonts, which differ between Word and LibreOffice) and da-DK."""
    _insert_ordered(
        rpr,
        _el("w:rFonts", ascii=FONT, hAnsi=FONT, cs=FONT, eastAsia=FONT),
        _RPR_ORDER,
    )
    _insert_ordered(rpr, _el("w:lang", val=LANG, eastAsia=LANG, bidi="ar-SA"), _RPR_ORDER)


def _style_rpr(style_el):
    rpr = style_el.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        # rPr comes after pPr and before tblPr in a style
        tbl = style_el.find(qn("w:tblPr"))
        if tbl is not None:
            tbl.addprevious(rpr)
        else:
            style_el.append(rpr)
    return rpr


def _remove(parent, *tags: str) -> None:
    for tag in tags:
        el = parent.find(qn(tag)) if parent is not None else None
        if el is not None:
            parent.remove(el)


def _explicit_fonts(doc) -> None:
    """Calibri and da-DK in the defaults and every style; no theme colours or fonts (Word and
    LibreOffice resolve themes differently)."""
    styles_el = doc.styles.element
    defaults = styles_el.find(qn("w:docDefaults"))
    _fonts_and_language(defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")))
    for style_el in styles_el.findall(qn("w:style")):
        rpr = _style_rpr(style_el)
        _fonts_and_language(rpr)
        color = rpr.find(qn("w:color"))
        if color is not None:
            for attr in ("themeColor", "themeShade", "themeTint"):
                color.attrib.pop(qn("w:" + attr), None)


def _heading(doc, name: str, size: float, before: float, after: float, color=BLUE) -> None:
    st = doc.styles[name]
    st.font.size, st.font.bold, st.font.italic = Pt(size), True, False
    st.font.color.rgb = color
    f = st.paragraph_format
    f.space_before, f.space_after = Pt(before), Pt(after)
    f.keep_with_next = f.keep_together = True


def _setup_styles(doc) -> None:
    _explicit_fonts(doc)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    pf = normal.paragraph_format
    pf.space_before, pf.space_after, pf.line_spacing = Pt(0), Pt(4), 1.05
    pf.widow_control = True
    _heading(doc, "Title", 15, 0, 1)
    _heading(doc, "Subtitle", 11, 0, 8, GREY)
    doc.styles["Subtitle"].font.bold = False
    _heading(doc, "Heading 1", 12.5, 9, 2)
    _heading(doc, "Heading 2", 11, 8, 2)
    _heading(doc, "Heading 3", 10.5, 6, 2)
    # python-docx's Title has a border, letter spacing and kerning of its own; Subtitle too
    _remove(doc.styles["Title"].element.find(qn("w:pPr")), "w:pBdr", "w:contextualSpacing")
    _remove(doc.styles["Title"].element.find(qn("w:rPr")), "w:spacing", "w:kern")
    _remove(doc.styles["Subtitle"].element.find(qn("w:rPr")), "w:spacing", "w:i")
    from docx.enum.style import WD_STYLE_TYPE

    table_text = doc.styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    table_text.base_style = doc.styles["Normal"]
    table_text.font.size = Pt(TABLE_PT)
    tf = table_text.paragraph_format
    tf.space_before, tf.space_after, tf.line_spacing = Pt(0), Pt(0), 1.0
    _fonts_and_language(_style_rpr(table_text.element))
    doc.styles["List Bullet"].paragraph_format.space_after = Pt(2)
    for name in ("Header", "Footer"):
        st = doc.styles[name]
        st.font.size = Pt(SMALL_PT)
        # python-docx's Letter-sized tab stops; the header and footer set their own
        st.paragraph_format.tab_stops.clear_all()


def _setup_page(section, landscape: bool) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    w, h = (PAGE_H, PAGE_W) if landscape else (PAGE_W, PAGE_H)
    section.page_width, section.page_height = Twips(w), Twips(h)
    section.top_margin, section.bottom_margin = Twips(MARGIN_TOP), Twips(MARGIN_BOTTOM)
    section.left_margin, section.right_margin = Twips(MARGIN_LEFT), Twips(MARGIN_RIGHT)
    section.header_distance, section.footer_distance = Twips(HEADER_DIST), Twips(FOOTER_DIST)
    section.different_first_page_header_footer = True


def text_width(doc) -> int:
    """The width between the margins, in twips."""
    s = doc.sections[0]
    return int(s.page_width.twips - s.left_margin.twips - s.right_margin.twips)


def _field(paragraph, instr: str, placeholder: str = "1") -> None:
    for kind, text in (("begin", None), (None, instr), ("separate", None), (None, placeholder)):
        run = paragraph.add_run()
        if kind:
            run._r.append(_el("w:fldChar", fldCharType=kind))
        elif text == instr:
            it = OxmlElement("w:instrText")
            it.set(qn("xml:space"), "preserve")
            it.text = f" {instr} "
            run._r.append(it)
        else:
            run.text = text
    paragraph.add_run()._r.append(_el("w:fldChar", fldCharType="end"))


def _small(run, color=GREY, size: float = SMALL_PT, bold: bool = False):
    run.font.size = Pt(size)
    run.font.color.rgb = color
    run.bold = bold
    return run


def _rule_below(paragraph, color: str = RULE) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    bdr.append(_el("w:bottom", val="single", sz="4", space="4", color=color))
    _insert_ordered(ppr, bdr, _PPR_ORDER)


def _sender_footer(footer) -> None:
    """Page 1: the sender's address and contact details, and no page number.

    "Side 1 af 1" on a one-page letter is noise, and the field that would hide it (Word's
    { IF { NUMPAGES } > 1 "Side { PAGE } af { NUMPAGES }" "" }) is not evaluated by
    LibreOffice: it prints the nested results ("111", "313"). So the page numbers are on the
    later pages only ("Side 2 af 3"), which both Word and LibreOffice show the same way.
    """
    p = footer.paragraphs[0]
    _rule_above(p)
    p.paragraph_format.space_after = Pt(0)
    _small(p.add_run("{{ afsender.forvaltning }}"), color=BLUE, bold=True)
    _small(p.add_run("{% if afsender.adresse %} · {{ afsender.adresse | join(', ') }}{% endif %}"))
    q = footer.add_paragraph()
    _small(q.add_run("{{ afsender.kontakt | join(' · ') }}"))


def _rule_above(paragraph, color: str = RULE) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    bdr.append(_el("w:top", val="single", sz="4", space="4", color=color))
    _insert_ordered(ppr, bdr, _PPR_ORDER)


def _page_numbers(p, width: int) -> None:
    """'Side X af Y' at the right margin of a footer paragraph."""
    p.paragraph_format.tab_stops.add_tab_stop(Twips(width), WD_TAB_ALIGNMENT.RIGHT)
    p.paragraph_format.space_after = Pt(0)
    _small(p.add_run("\tSide "))
    _field(p, "PAGE")
    _small(p.add_run(" af "))
    _field(p, "NUMPAGES")
    for run in p.runs:
        if run.font.size is None:
            _small(run)


def _borderless(table) -> None:
    tblPr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(_el(f"w:{side}", val="nil"))
    old = tblPr.find(qn("w:tblBorders"))
    if old is not None:
        tblPr.remove(old)
    tblPr.append(borders)
    _cell_margins(table, 0, 0)


def _cell_margins(table, left: int, right: int, top: int = 0, bottom: int = 0) -> None:
    tblPr = table._tbl.tblPr
    mar = OxmlElement("w:tblCellMar")
    for side, val in (("top", top), ("left", left), ("bottom", bottom), ("right", right)):
        mar.append(_el(f"w:{side}", w=str(val), type="dxa"))
    old = tblPr.find(qn("w:tblCellMar"))
    if old is not None:
        tblPr.remove(old)
    tblPr.append(mar)


def _first_page_header(doc, header) -> None:
    """Logo at the left, the sender block (mappings/afsender.yaml) at the right."""
    width = text_width(doc)
    empty = header.paragraphs[0]._p
    table = header.add_table(rows=1, cols=2, width=Twips(width))
    empty.getparent().remove(empty)
    _borderless(table)
    _fixed_widths(table, [width - 3900, 3900])
    left, right = table.rows[0].cells
    run = left.paragraphs[0].add_run()
    pic = run.add_picture(str(LOGO), height=LOGO_HEIGHT)
    doc_pr = run._r.find(".//" + qn("wp:docPr"))
    doc_pr.set("name", "Logo")
    doc_pr.set("descr", "Logo")
    del pic
    _header_line(right, "{{ afsender.forvaltning }}", True, bold=True)
    _header_line(right, "{%p if afsender.enhed %}", False)
    _header_line(right, "{{ afsender.enhed }}", False)
    _header_line(right, "{%p endif %}", False)
    # A header ends with a paragraph; this one is the space between letterhead and text.
    header.add_paragraph().paragraph_format.space_after = Pt(6)


def _header_line(cell, text: str, first: bool, bold: bool = False) -> None:
    p = cell.paragraphs[0] if first else cell.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    f = p.paragraph_format
    f.space_before, f.space_after, f.line_spacing = Pt(0), Pt(0), 1.0
    _small(p.add_run(text), color=BLUE if bold else GREY, size=10.5 if bold else 9, bold=bold)


def _later_header(header, label: str, doc) -> None:
    p = header.paragraphs[0]
    p.paragraph_format.tab_stops.add_tab_stop(Twips(text_width(doc)), WD_TAB_ALIGNMENT.RIGHT)
    _small(p.add_run("{{ afsender.forvaltning }}"), color=BLUE, bold=True)
    _small(p.add_run("\t" + label))
    _rule_below(p)
    p.paragraph_format.space_after = Pt(12)


def new_document(
    title: str, label: str | None = None, *, landscape: bool = False, subject: str = ""
):
    """A document in the house style: A4, styles, letterhead on page 1, numbered footer.

    ``title`` becomes the document's title property; ``label`` (default: the title) is the
    short name printed in the header of later pages and in the footer.
    """
    doc = Document()
    _setup_styles(doc)
    section = doc.sections[0]
    _setup_page(section, landscape)
    label = label or title
    _first_page_header(doc, section.first_page_header)
    _later_header(section.header, label, doc)
    _sender_footer(section.first_page_footer)
    later = section.footer.paragraphs[0]
    _small(later.add_run(label))
    _page_numbers(later, text_width(doc))
    cp = doc.core_properties
    cp.title, cp.subject = title, subject
    # author, dates and language are set at render time (docauto.office.housestyle)
    cp.author = ""
    cp.language = LANG
    cp.comments = ""
    return doc


# -- paragraphs -------------------------------------------------------------------------------


def para(
    doc,
    text: str = "",
    style: str | None = None,
    bold: bool = False,
    italic: bool = False,
    grey: bool = False,
):
    p = doc.add_paragraph(style=style)
    if text:
        run = p.add_run(text)
        run.bold, run.italic = bold, italic
        if grey:
            run.font.color.rgb = GREY
    return p


def label_value(doc, label: str, value: str):
    p = doc.add_paragraph()
    p.add_run(label + " ").bold = True
    p.add_run(value)
    return p


def bullets(doc, loop: str, item: str) -> None:
    para(doc, "{%p for " + loop + " %}")
    para(doc, "{{ " + item + " }}", style="List Bullet")
    para(doc, "{%p endfor %}")


def paragraphs(doc, loop: str, item: str) -> None:
    para(doc, "{%p for " + loop + " %}")
    para(doc, "{{ " + item + " }}")
    para(doc, "{%p endfor %}")


def keep_with_next(paragraph) -> None:
    paragraph.paragraph_format.keep_with_next = True


def _keep_previous(doc) -> None:
    """Keep what comes before the next paragraph with it: the last paragraph, or the whole
    table (a short one: units, members) that ends the text above a signature."""
    body = doc.element.body
    last = body[-2] if len(body) > 1 else None  # body[-1] is the section properties
    if last is None:
        return
    if last.tag == qn("w:p") and len(body) > 2 and body[-3].tag == qn("w:tbl"):
        last, table = last, body[-3]
        for p in table.iter(qn("w:p")):
            _insert_ordered(p.get_or_add_pPr(), _el("w:keepNext"), _PPR_ORDER)
    if last.tag == qn("w:p"):
        _insert_ordered(last.get_or_add_pPr(), _el("w:keepNext"), _PPR_ORDER)


def mark(doc) -> int:
    """Where the body is now; give it to keep_block after adding the block's paragraphs."""
    return len(doc.paragraphs)


def keep_block(doc, start: int) -> None:
    """Keep the paragraphs added since ``mark`` on one page (a theme and its answer field)."""
    block = doc.paragraphs[start:]
    for p in block[:-1]:
        p.paragraph_format.keep_with_next = True


def signature(doc, *lines: str) -> None:
    """'Med venlig hilsen' and the signer's lines, kept together and with the text above."""
    _keep_previous(doc)
    p = para(doc, "Med venlig hilsen")
    p.paragraph_format.space_before = Pt(8)
    p.paragraph_format.space_after = Pt(14)
    keep_with_next(p)
    for i, line in enumerate(lines):
        q = para(doc, line, bold=i == 0)
        q.paragraph_format.space_after = Pt(0)
        q.paragraph_format.keep_together = True
        if i < len(lines) - 1:
            keep_with_next(q)


def letter_head(doc) -> None:
    """The Danish letter layout: addressee at the left, date and case numbers at the right.

    Uses the context contract: ``modtager`` (navn, stilling, adresse, email; may be empty),
    ``dato``, ``sagsnr``, ``dokumentnr``; lines without data are left out.
    """
    width = text_width(doc)
    table = doc.add_table(rows=1, cols=2)
    _borderless(table)
    _fixed_widths(table, [width - 3400, 3400])
    left, right = table.rows[0].cells
    rows = [
        "{%p if modtager %}",
        "{{ modtager.navn }}",
        "{%p if modtager.stilling %}",
        "{{ modtager.stilling }}",
        "{%p endif %}",
        "{%p for linje in modtager.adresse or [] %}",
        "{{ linje }}",
        "{%p endfor %}",
        "{%p if modtager.email %}",
        "{{ modtager.email }}",
        "{%p endif %}",
        "{%p endif %}",
    ]
    for i, text in enumerate(rows):
        p = left.paragraphs[0] if i == 0 else left.add_paragraph()
        p.add_run(text)
        p.paragraph_format.space_after = Pt(0)
    right_rows = [
        ("{{ dato | dato }}", None),
        ("{{ afsender.sagsnr_tekst }} {{ sagsnr }}", "sagsnr"),
        ("{{ afsender.dokumentnr_tekst }} {{ dokumentnr }}", "dokumentnr"),
    ]
    first = True
    for text, cond in right_rows:
        items = [("{%p if " + cond + " %}", False)] if cond else []
        items.append((text, True))
        if cond:
            items.append(("{%p endif %}", False))
        for t, small in items:
            p = right.paragraphs[0] if first else right.add_paragraph()
            first = False
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            p.paragraph_format.space_after = Pt(0)
            run = p.add_run(t)
            if small and t != "{{ dato | dato }}":
                _small(run, size=9)
    spacer = doc.add_paragraph()
    spacer.paragraph_format.space_after = Pt(6)


# -- tables -----------------------------------------------------------------------------------

# How wide a value of a field usually is (characters), by a word in its tag: the tables'
# columns are sized from this, so an e-mail address gets the room it needs and never breaks.
_CONTENT_HINTS = [  # (word in the tag, typical width, longest word that must not break)
    (r"email|e-mail", 36, 38),
    (r"adresse", 26, 16),
    (r"telefon", 11, 11),
    (r"\bnr\b", 4, 3),
    # counts (HR's report: a.kandidat is a number there; k.kandidat elsewhere is a name)
    (
        r"\|\s*tal|antal|børn|prioritet|runde|i_alt|\ba\.(opslaa|ansoeg|kandidat|besat|ikke_|genop)",
        6,
        6,
    ),
    (r"aldersgruppe", 9, 9),
    (r"\|\s*dato|frist|dato|tiltr", 17, 9),
    (r"hvornår", 14, 10),
    (r"sæde", 36, 24),  # "medarbejderrepræsentant"
    (r"udpeget_af", 32, 20),  # "Forældrebestyrelsen"
    (r"hvem", 20, 21),  # "Netværkskoordinatoren"
    (r"navn|kandidat|leder", 17, 14),
    (r"stilling\b|arbejdssted|funktion|rolle", 20, 18),  # "Institutionsleder"
    (r"modtaget", 10, 10),
    (r"klynge|enhed|omraade|område|stillingstype|status", 22, 16),
    (r"hvad|bemærkning|tekst|aarsag|årsag|emne|stillinger|steder|milepæl", 40, 16),
]


def _content_chars(header: str, cell: str) -> tuple[int, int]:
    """(typical content width, narrowest width that does not break a word) of a column."""
    longest_word = max((len(w) for w in re.split(r"\s+", header) if w), default=4)
    if "{{" in header:  # the header is itself a value from the data
        longest_word = 12
    typical = len(header)
    for pattern, chars, word in _CONTENT_HINTS:
        if re.search(pattern, cell.casefold()):
            return max(typical, chars), max(longest_word, word)
    if not cell.strip():  # a column left empty for people to fill in
        return max(typical, 20), longest_word
    return max(typical, 14), max(longest_word, 12)


def _unbreakable(cell: str) -> bool:
    """A value with no space to wrap at: an e-mail address, a date, a number."""
    return bool(re.search(r"email|e-mail|\bnr\b|dato|modtaget|telefon|\|\s*tal|antal", cell))


def column_widths(headers: Sequence[str], cells: Sequence[str], total: int, pt: float) -> list[int]:
    """Column widths (twips) that add up to ``total``: each column gets at least its longest
    word (header or typical content: an e-mail address never breaks), the rest of the width
    is shared in proportion to the typical content."""
    char = pt * 20 * 0.5  # an average Calibri character, in twips
    pad = 2 * 85 + 40
    needs = [_content_chars(h, c) for h, c in zip(headers, cells, strict=True)]
    minimum = [int(word * char + pad) for _, word in needs]
    if sum(minimum) >= total:
        # Too narrow for every column's longest word: e-mail addresses, dates and numbers keep
        # theirs (they cannot wrap), the text columns give way and wrap at their spaces.
        hard = [_unbreakable(c) for c in cells]
        soft = sum(m for m, h in zip(minimum, hard, strict=True) if not h)
        room = total - sum(m for m, h in zip(minimum, hard, strict=True) if h)
        if soft and room > soft * 0.5:
            minimum = [m if h else int(m * room / soft) for m, h in zip(minimum, hard, strict=True)]
            minimum[minimum.index(max(minimum))] += total - sum(minimum)
            return minimum
        return [int(total * m / sum(minimum)) for m in minimum]
    wanted = [max(int(t * char + pad), m) for (t, _), m in zip(needs, minimum, strict=True)]
    if sum(wanted) <= total:  # room to spare: share it in proportion
        widths = [int(total * w / sum(wanted)) for w in wanted]
    else:
        spare = total - sum(minimum)
        extra = [w - m for w, m in zip(wanted, minimum, strict=True)]
        widths = [m + int(spare * e / sum(extra)) for m, e in zip(minimum, extra, strict=True)]
    widths[widths.index(max(widths))] += total - sum(widths)
    return widths


def _fixed_widths(table, widths: Sequence[int]) -> None:
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    tblPr = table._tbl.tblPr
    tblW = tblPr.find(qn("w:tblW"))
    if tblW is None:
        tblW = OxmlElement("w:tblW")
        tblPr.append(tblW)
    tblW.set(qn("w:w"), str(sum(widths)))
    tblW.set(qn("w:type"), "dxa")
    for col, w in zip(table.columns, widths, strict=True):
        col.width = Twips(w)
    for row in table.rows:
        for cell, w in zip(row.cells, widths, strict=True):
            cell.width = Twips(w)


def _row_props(row, header: bool = False) -> None:
    trPr = row._tr.get_or_add_trPr()
    trPr.append(_el("w:cantSplit"))
    if header:
        trPr.append(_el("w:tblHeader"))


def _shade(cell, fill: str) -> None:
    tcPr = cell._tc.get_or_add_tcPr()
    tcPr.append(_el("w:shd", val="clear", color="auto", fill=fill))


def _grid(table) -> None:
    table.style = "Table Grid"
    tblPr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(_el(f"w:{side}", val="single", sz="4", space="0", color=GRID))
    old = tblPr.find(qn("w:tblBorders"))
    if old is not None:
        tblPr.remove(old)
    tblPr.append(borders)
    _cell_margins(table, 85, 85, 28, 28)


def _cell_text(cell, text: str, *, bold: bool = False, size: float = TABLE_PT) -> None:
    p = cell.paragraphs[0]
    p.style = TABLE_STYLE  # size and spacing from the style: one place to change them
    if text:
        run = p.add_run(text)
        run.bold = bold
        if size != TABLE_PT:
            run.font.size = Pt(size)


def _spacer(doc) -> None:
    p = doc.add_paragraph()
    p.paragraph_format.space_after = Pt(4)


def facts_table(doc, rows: list[tuple[str, str]], label_width: int = 2600):
    """Label/value pairs: labels bold at the left, light lines between the rows."""
    t = doc.add_table(rows=0, cols=2)
    _grid(t)
    for label, value in rows:
        r = t.add_row()
        _row_props(r)
        _cell_text(r.cells[0], label, bold=True)
        _cell_text(r.cells[1], value)
    _fixed_widths(t, [label_width, text_width(doc) - label_width])
    _spacer(doc)
    return t


def loop_table(
    doc,
    headers: list[str],
    loop: str,
    cells: list[str],
    end: str = "{%tr endfor %}",
    bold_last: str | None = None,
    size: float = TABLE_PT,
):
    """A table with a repeated header row and one docxtpl-repeated row ({%tr for %}).

    ``loop`` is the whole opening tag, or just 'x in items'."""
    if not loop.lstrip().startswith("{%"):
        loop = "{%tr for " + loop + " %}"
    t = doc.add_table(rows=1, cols=len(headers))
    _grid(t)
    _row_props(t.rows[0], header=True)
    for cell, h in zip(t.rows[0].cells, headers, strict=True):
        _cell_text(cell, h, bold=True, size=size)
        _shade(cell, HEAD_FILL)
    r = t.add_row()
    _row_props(r)
    _cell_text(r.cells[0], loop, size=size)
    r = t.add_row()
    _row_props(r)
    for cell, text in zip(r.cells, cells, strict=True):
        _cell_text(cell, text, size=size)
    r = t.add_row()
    _row_props(r)
    _cell_text(r.cells[0], end, size=size)
    if bold_last:
        r = t.add_row()
        _row_props(r)
        for cell, value in zip(r.cells, bold_last.split("|"), strict=True):
            _cell_text(cell, value, bold=True, size=size)
    _fixed_widths(t, column_widths(headers, cells, text_width(doc), size))
    _spacer(doc)
    return t


# -- saving -----------------------------------------------------------------------------------


def _settings(doc) -> None:
    settings = doc.settings.element
    for tag in ("w:proofState", "w:savePreviewPicture", "w:rsids"):
        el = settings.find(qn(tag))
        if el is not None:
            settings.remove(el)
    tab = settings.find(qn("w:defaultTabStop"))
    if tab is not None:
        tab.set(qn("w:val"), "1304")  # Danish Word's default: 2.3 cm
    lang = settings.find(qn("w:themeFontLang"))
    if lang is None:
        lang = OxmlElement("w:themeFontLang")
        settings.append(lang)
    lang.set(qn("w:val"), LANG)


def _clean_package(data: bytes) -> bytes:
    """Drop python-docx's leftovers a recipient could see: the thumbnail of an empty page."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            blob = src.read(info)
            if info.filename == "docProps/thumbnail.jpeg":
                continue
            if info.filename == "_rels/.rels":
                blob = re.sub(rb"<Relationship [^>]*thumbnail[^>]*/>", b"", blob)
            if info.filename == "[Content_Types].xml":
                blob = re.sub(rb'<Default Extension="jpeg"[^>]*/>', b"", blob)
            if info.filename == "docProps/core.xml":
                blob = re.sub(rb"<dc:description>[^<]*</dc:description>", b"", blob)
            if info.filename == "[Content_Types].xml":
                blob = blob.replace(b"</Types>", _CUSTOM_CT + b"</Types>")
            if info.filename == "_rels/.rels":
                blob = blob.replace(b"</Relationships>", _CUSTOM_REL + b"</Relationships>")
            zi = copy.copy(info)
            zi.date_time = (1980, 1, 1, 0, 0, 0)  # the same bytes on every build: clean merges
            dst.writestr(zi, blob)
        # An empty custom-properties part: each render then only fills it in (docauto's
        # properties) instead of also rewriting the content types and relationships.
        dst.writestr(zipfile.ZipInfo("docProps/custom.xml", (1980, 1, 1, 0, 0, 0)), _CUSTOM_XML)
    return out.getvalue()


_CUSTOM_XML = (
    b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"'
    b' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"/>'
)
_CUSTOM_CT = (
    b'<Override PartName="/docProps/custom.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.custom-properties+xml"/>'
)
_CUSTOM_REL = (
    b'<Relationship Id="rIdCustomProps" Type="http://schemas.openxmlformats.org/'
    b'officeDocument/2006/relationships/custom-properties" Target="docProps/custom.xml"/>'
)


def save(doc, path: Path) -> None:
    _settings(doc)
    buf = io.BytesIO()
    doc.save(buf)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".~{path.name}.tmp")  # a reader never sees half a template
    tmp.write_bytes(_clean_package(buf.getvalue()))
    tmp.replace(path)


__all__ = [
    "Emu",
    "bullets",
    "facts_table",
    "keep_with_next",
    "label_value",
    "letter_head",
    "loop_table",
    "new_document",
    "para",
    "paragraphs",
    "save",
    "signature",
]
