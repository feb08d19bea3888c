"""Build the Word templates of the recruitment (job ads, committee letters) into templates/.

Run after changing the layout:  .venv/bin/python scripts/build_recruitment_templates.py
The templates are ordinary Word documents with docxtpl tags; HR may also edit them in Word.
The job profiles (the ads' general part) live in templates/profiler/*.yaml, not here.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.shared import Pt, RGBColor

OUT = Path(__file__).resolve().parent.parent / "templates"


def new_document(title: str, header: str):
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(11)
    doc.core_properties.title = title
    doc.core_properties.author = "Børne- og Ungdomsforvaltningen"
    doc.core_properties.language = "da-DK"
    doc.sections[0].header.paragraphs[0].text = header
    return doc


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
            run.font.color.rgb = RGBColor(0x70, 0x70, 0x70)
    return p


def facts_table(doc, rows: list[tuple[str, str]]) -> None:
    t = doc.add_table(rows=0, cols=2)
    t.style = "Table Grid"
    for label, value in rows:
        cells = t.add_row().cells
        cells[0].paragraphs[0].add_run(label).bold = True
        cells[1].paragraphs[0].add_run(value)
    doc.add_paragraph()


def loop_table(doc, headers: list[str], loop: str, cells: list[str]) -> None:
    t = doc.add_table(rows=1, cols=len(headers))
    t.style = "Table Grid"
    for cell, h in zip(t.rows[0].cells, headers, strict=True):
        cell.paragraphs[0].add_run(h).bold = True
    t.add_row().cells[0].paragraphs[0].add_run(loop)
    for cell, text in zip(t.add_row().cells, cells, strict=True):
        cell.paragraphs[0].add_run(text)
    t.add_row().cells[0].paragraphs[0].add_run("{%tr endfor %}")
    doc.add_paragraph()


def bullets(doc, loop: str, item: str) -> None:
    para(doc, "{%p for " + loop + " %}")
    para(doc, "{{ " + item + " }}", style="List Bullet")
    para(doc, "{%p endfor %}")


def paragraphs(doc, loop: str, item: str) -> None:
    para(doc, "{%p for " + loop + " %}")
    para(doc, "{{ " + item + " }}")
    para(doc, "{%p endfor %}")


def specific_part(doc) -> None:
    """The area chief's text: a .docx as a sub-document (its own formatting), else the
    blocks of a plain text, each a paragraph or a bullet."""
    para(doc, "{%p if udfordringer_dok %}")
    para(doc, "{{p udfordringer_dok }}")
    para(doc, "{%p else %}")
    para(doc, "{%p for b in udfordringer %}")
    para(doc, "{%p if b.punkt %}")
    para(doc, "{{ b.tekst }}", style="List Bullet")
    para(doc, "{%p else %}")
    para(doc, "{{ b.tekst }}")
    para(doc, "{%p endif %}")
    para(doc, "{%p endfor %}")
    para(doc, "{%p endif %}")


def general_part(doc) -> None:
    para(doc, "Stillingen", style="Heading 1")
    paragraphs(doc, "afsnit in profil.generelt", "afsnit")
    para(doc, "{{ profil.refererer_til }}")
    para(doc, "Overordnede ansvarsområder", style="Heading 2")
    bullets(doc, "punkt in profil.ansvarsomraader", "punkt")
    para(doc, "Kompetencer og kvalifikationer", style="Heading 2")
    bullets(doc, "punkt in profil.kompetencer", "punkt")


CLUSTER_FACTS = [
    ("Klynge:", "{{ klynge.navn }} ({{ klynge.id }})"),
    ("Område:", "{{ område.navn }}"),
    ("Type:", "{{ klynge.type_tekst }}"),
    ("Antal enheder:", "{{ klynge.antal_enheder }}"),
    ("Antal børn i alt:", "{{ klynge.børn | tal }}"),
    ("Aldersgruppe:", "{{ klynge.aldersgruppe or '–' }}"),
]


def units_table(doc) -> None:
    loop_table(
        doc,
        ["Enhed", "Adresse", "Antal børn", "Aldersgruppe"],
        "{%tr for u in klynge.enheder %}",
        [
            "{{ u.navn }}",
            "{{ u.adresse or '–' }}",
            "{{ u.børn | tal }}",
            "{{ u.aldersgruppe or '–' }}",
        ],
    )


def how_to_apply(doc, extra: str) -> None:
    para(doc, "Sådan søger du", style="Heading 1")
    para(doc, extra)
    para(
        doc,
        "Ansøgningen sendes til {{ kontakt.titel }} {{ kontakt.navn }}, {{ kontakt.email }}, "
        "og skal være modtaget senest {{ ansøgningsfrist | dato_ugedag }}.",
    )
    para(doc, "Ansættelsessamtalerne holdes i {{ samtaleuger }}. {{ besættelse }}")
    para(
        doc,
        "Vil du vide mere om stillingen, er du velkommen til at kontakte {{ kontakt.titel }} "
        "{{ kontakt.navn }}, {{ kontakt.email }}.",
    )
    para(doc, "Opslået den {{ opslagsdato | dato }}.", italic=True, grey=True)


def job_ad_cluster_leader() -> None:
    doc = new_document(
        "Stillingsopslag: klyngeleder", "Børne- og Ungdomsforvaltningen – Stillingsopslag"
    )
    para(doc, "Klyngeleder til {{ klynge.navn }}", style="Title")
    para(doc, "Område {{ område.navn }} · {{ klynge.type_tekst }}", style="Subtitle")
    para(
        doc,
        "Børne- og Ungdomsforvaltningen søger en klyngeleder til {{ klynge.navn }} i område "
        "{{ område.navn }} med tiltrædelse {{ tiltrædelse | dato }}. Stillingen er opslået "
        "internt blandt de nuværende institutionsledere.",
    )
    general_part(doc)
    para(doc, "Klyngen", style="Heading 1")
    facts_table(doc, CLUSTER_FACTS)
    para(doc, "Klyngens enheder", style="Heading 2")
    units_table(doc)
    para(doc, "Klyngens udfordringer", style="Heading 2")
    specific_part(doc)
    how_to_apply(
        doc,
        "Du skriver én ansøgning pr. område og angiver i ansøgningen, hvilke klynger i "
        "området du ønsker at komme i betragtning til. Du kan frit søge stillinger i "
        "flere områder.",
    )
    doc.save(OUT / "stillingsopslag-klyngeleder.docx")


def job_ad_pedagogical_leader() -> None:
    doc = new_document(
        "Stillingsopslag: pædagogisk leder", "Børne- og Ungdomsforvaltningen – Stillingsopslag"
    )
    para(doc, "Pædagogisk leder til {{ enhed.navn }}", style="Title")
    para(doc, "{{ klynge.navn }} · område {{ område.navn }}", style="Subtitle")
    para(
        doc,
        "Børne- og Ungdomsforvaltningen søger en pædagogisk leder til {{ enhed.navn }} "
        "({{ enhed.id }}) i {{ klynge.navn }}, område {{ område.navn }}, med tiltrædelse "
        "{{ tiltrædelse | dato }}. Stillingen er opslået internt blandt de nuværende "
        "institutionsledere og souschefer.",
    )
    general_part(doc)
    para(doc, "Enheden", style="Heading 1")
    facts_table(
        doc,
        [
            ("Enhed:", "{{ enhed.navn }} ({{ enhed.id }})"),
            ("Adresse:", "{{ enhed.adresse or '–' }}"),
            ("Antal børn:", "{{ enhed.børn | tal }}"),
            ("Aldersgruppe:", "{{ enhed.aldersgruppe or '–' }}"),
        ],
    )
    para(doc, "Enhedens opgaver og udfordringer", style="Heading 2")
    specific_part(doc)
    para(doc, "Klyngen", style="Heading 1")
    facts_table(doc, CLUSTER_FACTS)
    para(doc, "Klyngens enheder", style="Heading 2")
    units_table(doc)
    how_to_apply(
        doc,
        "Du kan frit søge flere stillinger i alle områder. Skriv i ansøgningen, "
        "hvilken eller hvilke stillinger du søger.",
    )
    doc.save(OUT / "stillingsopslag-paedagogisk-leder.docx")


def appointment_letter() -> None:
    doc = new_document(
        "Udpegning til vurderingsudvalg",
        "Børne- og Ungdomsforvaltningen – Område {{ område.navn }}",
    )
    para(doc, "{{ modtager.navn }}")
    para(doc, "{%p if modtager.email is defined and modtager.email %}")
    para(doc, "{{ modtager.email }}")
    para(doc, "{%p endif %}")
    para(doc, "{{ dato | dato }}")
    para(doc, "Udpegning til vurderingsudvalg", style="Title")
    para(doc, "{{ stilling.titel }}", style="Subtitle")
    para(doc, "Kære {{ medlem.navn }}")
    para(
        doc,
        "Du er udpeget som {{ medlem.sæde_navn }} i vurderingsudvalget for stillingen som "
        "{{ stilling.titel_lille }}.{% if medlem.udpeget_af %} Du er udpeget af "
        "{{ medlem.udpeget_af }}.{% endif %}",
    )
    para(doc, "{%p if medlem.uden_stemmeret %}")
    para(doc, "Som HR-konsulent deltager du efter behov og uden stemmeret.")
    para(doc, "{%p endif %}")
    para(
        doc,
        "Udvalgets formand er {{ formand.navn }}, {{ formand.titel }} i område {{ område.navn }}.",
    )
    para(doc, "Stillingen", style="Heading 1")
    facts_table(
        doc,
        [
            ("Stilling:", "{{ stilling.titel }}"),
            ("Område:", "{{ område.navn }}"),
            ("Klynge:", "{{ stilling.klynge }}"),
            ("Ansøgningsfrist:", "{{ ansøgningsfrist | dato_ugedag }}"),
            ("Ansættelsessamtaler:", "{{ samtaleuger }}"),
        ],
    )
    para(doc, "Tidsplan", style="Heading 1")
    para(doc, "Udvalget arbejder efter denne tidsplan:")
    loop_table(
        doc,
        ["Hvornår", "Hvad"],
        "{%tr for t in tidsplan %}",
        ["{{ t.hvornår }}", "{{ t.hvad }}"],
    )
    para(doc, "Tavshedspligt", style="Heading 1")
    para(
        doc,
        "Som medlem af vurderingsudvalget får du adgang til ansøgninger og andre oplysninger "
        "om ansøgerne. Du har tavshedspligt om alt, hvad du får kendskab til gennem arbejdet i "
        "udvalget, herunder hvem der har søgt, og hvad der bliver drøftet. Tavshedspligten "
        "gælder også, efter at ansættelsen er afsluttet. Ansøgningsmateriale må ikke videregives "
        "eller kopieres og afleveres til formanden, når udvalgets arbejde er slut.",
    )
    para(doc, "Udvalgets medlemmer", style="Heading 1")
    loop_table(
        doc,
        ["Sæde", "Navn", "Udpeget af"],
        "{%tr for m in medlemmer %}",
        ["{{ m.sæde }}", "{{ m.navn }}", "{{ m.udpeget_af or '–' }}"],
    )
    para(doc, "Tak, fordi du vil bidrage til at finde den rette kandidat.")
    para(doc, "Med venlig hilsen")
    para(doc, "{{ formand.navn }}")
    para(doc, "{{ formand.titel | capitalize }}, område {{ område.navn }}")
    doc.save(OUT / "udpegningsbrev.docx")


def committee_overview() -> None:
    doc = new_document(
        "Vurderingsudvalg: oversigt", "Børne- og Ungdomsforvaltningen – Område {{ område.navn }}"
    )
    para(doc, "Vurderingsudvalg", style="Title")
    para(doc, "{{ stilling.titel }}", style="Subtitle")
    facts_table(
        doc,
        [
            ("Stilling:", "{{ stilling.titel }}"),
            ("Område:", "{{ område.navn }}"),
            ("Formand:", "{{ formand.navn }}, {{ formand.titel }}"),
            ("Ansøgningsfrist:", "{{ ansøgningsfrist | dato_ugedag }}"),
            ("Ansættelsessamtaler:", "{{ samtaleuger }}"),
            ("Til:", "{{ modtager.navn }}"),
            ("Dato:", "{{ dato | dato }}"),
        ],
    )
    para(doc, "Medlemmer", style="Heading 1")
    loop_table(
        doc,
        ["Sæde", "Navn", "Udpeget af", "E-mail", "Telefon"],
        "{%tr for m in medlemmer %}",
        [
            "{{ m.sæde }}",
            "{{ m.navn }}",
            "{{ m.udpeget_af or '–' }}",
            "{{ m.email or '–' }}",
            "{{ m.telefon or '–' }}",
        ],
    )
    para(
        doc,
        "Sammensætningen følger reglen for vurderingsudvalg: 1 lokal ledelsesrepræsentant, "
        "2 lokale medarbejderrepræsentanter, 2 repræsentanter for forældrebestyrelserne, "
        "1 pædagogisk-faglig konsulent og områdechefen eller souschefen i området som formand. "
        "En HR-konsulent kan deltage efter behov uden stemmeret.",
        italic=True,
        grey=True,
    )
    para(doc, "Tidsplan", style="Heading 1")
    loop_table(
        doc,
        ["Hvornår", "Hvad", "Frist"],
        "{%tr for t in tidsplan %}",
        ["{{ t.hvornår }}", "{{ t.hvad }}", "{{ t.frist }}"],
    )
    doc.save(OUT / "vurderingsudvalg-oversigt.docx")


if __name__ == "__main__":
    job_ad_cluster_leader()
    job_ad_pedagogical_leader()
    appointment_letter()
    committee_overview()
    print(f"templates written to {OUT}")
