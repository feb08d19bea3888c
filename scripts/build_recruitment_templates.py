"""Build the Word templates of the recruitment (job ads, committee letters) into templates/.

Run after changing the layout:  .venv/bin/python scripts/build_recruitment_templates.py
The templates are ordinary Word documents with docxtpl tags; HR may also edit them in Word.
The job profiles (the ads' general part) live in templates/profiler/*.yaml, not here.
"""

from __future__ import annotations

from templatebuild import (
    TEMPLATES,
    bullets,
    facts_table,
    letter_head,
    loop_table,
    new_document,
    para,
    paragraphs,
    save,
    signature,
)

OUT = TEMPLATES


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
    doc = new_document("Stillingsopslag: klyngeleder", "Stillingsopslag")
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
    save(doc, OUT / "stillingsopslag-klyngeleder.docx")


def job_ad_pedagogical_leader() -> None:
    doc = new_document("Stillingsopslag: pædagogisk leder", "Stillingsopslag")
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
    save(doc, OUT / "stillingsopslag-paedagogisk-leder.docx")


def appointment_letter() -> None:
    doc = new_document("Udpegning til vurderingsudvalg", "Udpegning til vurderingsudvalg")
    letter_head(doc)
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
    # The committee's whole timetable is in the overview (vurderingsudvalg-oversigt.docx):
    # a letter of appointment fits on one page.
    para(doc, "Tavshedspligt", style="Heading 1")
    para(
        doc,
        "Som medlem af vurderingsudvalget får du adgang til ansøgninger og andre oplysninger "
        "om ansøgerne. Du har tavshedspligt om alt, hvad du får kendskab til gennem arbejdet i "
        "udvalget, herunder hvem der har søgt, og hvad der bliver drøftet. Tavshedspligten "
        "gælder også, efter at ansættelsen er afsluttet. Ansøgningsmateriale må ikke videregives "
        "eller kopieres, og det skal afleveres til formanden, når udvalgets arbejde er slut.",
    )
    para(doc, "Udvalgets medlemmer", style="Heading 1")
    loop_table(
        doc,
        ["Sæde", "Navn", "Udpeget af"],
        "{%tr for m in medlemmer %}",
        ["{{ m.sæde }}", "{{ m.navn }}", "{{ m.udpeget_af or '–' }}"],
    )
    para(doc, "Tak, fordi du vil bidrage til at finde den rette kandidat.")
    signature(
        doc, "{{ formand.navn }}", "{{ formand.titel | capitalize }}, område {{ område.navn }}"
    )
    save(doc, OUT / "udpegningsbrev.docx")


def committee_overview() -> None:
    # Landscape: the members' table has their e-mail addresses, which must not break.
    doc = new_document("Vurderingsudvalg: oversigt", "Vurderingsudvalg: oversigt", landscape=True)
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
    save(doc, OUT / "vurderingsudvalg-oversigt.docx")


if __name__ == "__main__":
    job_ad_cluster_leader()
    job_ad_pedagogical_leader()
    appointment_letter()
    committee_overview()
    print(f"templates written to {OUT}")
