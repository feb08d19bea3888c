"""Build the Word templates of the structural review and the action plans into templates/.

Run after changing the layout:  .venv/bin/python scripts/build_review_templates.py
The templates are ordinary Word documents with docxtpl tags; HR may also edit them in Word.
The texts themselves (agenda, themes, fact-sheet wording) live in templates/tekster/*.yaml.
"""

from __future__ import annotations

from templatebuild import (
    TEMPLATES,
    facts_table,
    keep_block,
    label_value,
    letter_head,
    loop_table,
    mark,
    new_document,
    para,
    save,
    signature,
)

OUT = TEMPLATES


MEETING_FACTS = [
    ("Dato:", "{{ møde.dato_tekst }}"),
    ("Tid:", "{{ møde.tid_tekst }}"),
    ("Sted:", "{{ møde.sted }}"),
    ("Område:", "{{ klynge.område }}"),
]

CLUSTER_FACTS = [
    ("Type:", "{{ klynge.type }}"),
    ("Område:", "{{ klynge.område }}"),
    ("Paraplyorganisation:", "{{ klynge.paraplyorganisation or '–' }}"),
    ("Model:", "{{ klynge.model or '–' }}"),
    ("{{ klynge.leder_rolle }}:", "{{ klynge.leder_tekst }}"),
    ("Antal enheder:", "{{ klynge.antal_enheder }}"),
    ("Antal børn:", "{{ klynge.børn | tal }}"),
    ("Aldersgruppe:", "{{ klynge.aldersgruppe or '–' }}"),
]


def units_table(doc):
    loop_table(
        doc,
        ["Enhed", "Antal børn", "Aldersgruppe", "Leder"],
        "{%tr for u in klynge.enheder %}",
        [
            "{{ u.navn }}",
            "{{ u.børn | tal }}",
            "{{ u.aldersgruppe or '–' }}",
            "{{ u.leder or '–' }}",
        ],
    )


def participants(doc):
    para(doc, "{%p for d in møde.deltagere %}")
    para(
        doc,
        "{{ d.navn }}{% if d.rolle and d.rolle != d.navn %}, {{ d.rolle }}{% endif %}",
        style="List Bullet",
    )
    para(doc, "{%p endfor %}")


def contact(doc) -> None:
    para(
        doc,
        "Spørgsmål kan rettes til {{ kontakt.navn }}{% if kontakt.telefon %}, telefon "
        "{{ kontakt.telefon }}{% endif %}{% if kontakt.email %}, {{ kontakt.email }}{% endif %}.",
    )


def invitation() -> None:
    doc = new_document("Invitation: strukturel gennemgang", "Invitation")
    letter_head(doc)
    para(doc, "Invitation: {{ møde.titel }}", style="Title")
    para(doc, "{{ klynge.overskrift }} ({{ klynge.id }})", style="Subtitle")
    facts_table(doc, MEETING_FACTS)
    para(doc, "{{ tekster.indledning }}")
    para(doc, "Deltagere", style="Heading 1")
    participants(doc)
    para(doc, "Dagsorden", style="Heading 1")
    para(doc, "{%p for p in dagsorden %}")
    para(doc, "{{ p.nr }}. {{ p.titel }}", style="Heading 2")
    para(doc, "{%p if p.tekst %}")
    para(doc, "{{ p.tekst }}")
    para(doc, "{%p endif %}")
    para(doc, "{%p endfor %}")
    para(doc, "Forberedelse", style="Heading 1")
    para(doc, "{{ tekster.forberedelse }}")
    para(doc, "{{ tekster.referat }}")
    para(doc, "Fakta om {{ klynge.bestemt }}", style="Heading 1")
    facts_table(doc, CLUSTER_FACTS)
    units_table(doc)
    contact(doc)
    signature(doc, "{{ møde.arrangør }}")
    save(doc, OUT / "strukturgennemgang-invitation.docx")


def minutes_form() -> None:
    doc = new_document("Referatskabelon: strukturel gennemgang", "Referat")
    para(doc, "Referat: {{ møde.titel }}", style="Title")
    para(doc, "{{ klynge.overskrift }} ({{ klynge.id }})", style="Subtitle")
    facts_table(doc, MEETING_FACTS + [("Referent:", "{{ klynge.leder or klynge.leder_rolle }}")])
    para(
        doc,
        "Skriv konklusionerne under hvert punkt, og udfyld tabellen med den aftalte opfølgning. "
        "Bevar overskrifterne og tabellens kolonner, så referatet kan læses ind igen.",
        italic=True,
        grey=True,
    )
    para(doc, "Deltagere", style="Heading 1")
    participants(doc)
    para(doc, "Konklusioner", style="Heading 1")
    para(doc, "{%p for p in dagsorden %}")
    para(doc, "{{ p.nr }}. {{ p.titel }}", style="Heading 2")
    para(doc, "{{ pladsholder }}", italic=True, grey=True)
    para(doc, "{%p endfor %}")
    para(doc, "{{ overvejelser.titel }}", style="Heading 2")
    para(doc, "{{ pladsholder }}", italic=True, grey=True)
    para(doc, "{{ opfølgning.titel }}", style="Heading 2")
    loop_table(
        doc,
        [
            "{{ opfølgning.kolonner[0] }}",
            "{{ opfølgning.kolonner[1] }}",
            "{{ opfølgning.kolonner[2] }}",
        ],
        "{%tr for r in tomme_rækker %}",
        ["", "", ""],
    )
    save(doc, OUT / "referatskabelon.docx")


def minutes() -> None:
    doc = new_document("Referat: strukturel gennemgang", "Referat")
    para(doc, "Referat: {{ møde.titel }}", style="Title")
    para(doc, "{{ klynge.overskrift }} ({{ klynge.id }})", style="Subtitle")
    facts_table(doc, MEETING_FACTS + [("Referent:", "{{ klynge.leder or klynge.leder_rolle }}")])
    para(doc, "Deltagere", style="Heading 1")
    participants(doc)
    para(doc, "Konklusioner", style="Heading 1")
    para(doc, "{%p for p in punkter %}")
    para(doc, "{{ p.nr }}. {{ p.titel }}", style="Heading 2")
    para(doc, "{%p for linje in p.tekst %}")
    para(doc, "{{ linje }}")
    para(doc, "{%p endfor %}")
    para(doc, "{%p endfor %}")
    para(doc, "{{ overvejelser.titel }}", style="Heading 2")
    para(doc, "{%p for linje in overvejelser.tekst %}")
    para(doc, "{{ linje }}")
    para(doc, "{%p endfor %}")
    para(doc, "{{ opfølgning.titel }}", style="Heading 2")
    para(doc, "{%p if opfølgning.rækker %}")
    loop_table(
        doc,
        [
            "{{ opfølgning.kolonner[0] }}",
            "{{ opfølgning.kolonner[1] }}",
            "{{ opfølgning.kolonner[2] }}",
        ],
        "{%tr for r in opfølgning.rækker %}",
        ["{{ r.hvad }}", "{{ r.hvem }}", "{{ r.hvornår }}"],
    )
    para(doc, "{%p else %}")
    para(doc, "Der er ikke aftalt opfølgning.")
    para(doc, "{%p endif %}")
    save(doc, OUT / "referat.docx")


def action_plan() -> None:
    doc = new_document("Lokal handleplan")
    para(doc, "Lokal handleplan", style="Title")
    para(doc, "{{ klynge.overskrift }} ({{ klynge.id }})", style="Subtitle")
    para(doc, "Skabelon af {{ dato | dato }}", italic=True)
    para(doc, "{{ tekster.indledning }}")
    para(doc, "Fakta om {{ klynge.bestemt }}", style="Heading 1")
    facts_table(doc, CLUSTER_FACTS)
    units_table(doc)
    para(doc, "{%p if kriterietjek %}")
    para(doc, "Paraplyorganisationens model og kriterier", style="Heading 1")
    label_value(doc, "Paraplyorganisation:", "{{ kriterietjek.paraply or '–' }}")
    label_value(doc, "Model:", "{{ kriterietjek.model or '–' }}")
    label_value(
        doc, "Modellens kriterier:", "{{ kriterietjek.kriterier or 'ingen skriftlige kriterier' }}"
    )
    para(doc, "{%p if kriterietjek.afvigelser %}")
    para(doc, "Afvigelser fra modellen, som handleplanen skal forholde sig til:", bold=True)
    para(doc, "{%p for a in kriterietjek.afvigelser %}")
    para(doc, "Afvigelse: {{ a }}", style="List Bullet")
    para(doc, "{%p endfor %}")
    para(doc, "{%p else %}")
    para(doc, "{{ klynge.bestemt | capitalize }} opfylder modellens kriterier.")
    para(doc, "{%p endif %}")
    para(doc, "{%p for b in kriterietjek.bemærkninger %}")
    para(doc, "Bemærkning: {{ b }}", style="List Bullet")
    para(doc, "{%p endfor %}")
    para(doc, "{%p endif %}")
    para(doc, "Temaer", style="Heading 1")
    para(doc, "{%p for t in temaer %}")
    theme = mark(doc)
    para(doc, "{{ t.nr }}. {{ t.titel }}", style="Heading 2")
    para(doc, "{%p if t.tekst %}")
    para(doc, "{{ t.tekst }}", italic=True)
    para(doc, "{%p endif %}")
    para(doc, "{%p for q in t.spørgsmål %}")
    para(doc, "{{ q }}", style="List Bullet")
    para(doc, "{%p endfor %}")
    para(doc, "Arbejdsgruppens svar:", bold=True)
    para(doc, "")
    keep_block(doc, theme)  # a theme's questions and its answer field on one page
    para(doc, "{%p endfor %}")
    para(doc, "{%p if besparelse %}")
    para(doc, "{{ besparelse.titel }}", style="Heading 1")
    para(doc, "{%p if besparelse.tekst %}")
    para(doc, "{{ besparelse.tekst }}", italic=True)
    para(doc, "{%p endif %}")
    para(doc, "{%p for q in besparelse.spørgsmål %}")
    para(doc, "{{ q }}", style="List Bullet")
    para(doc, "{%p endfor %}")
    loop_table(
        doc,
        ["Enhed", "Antal børn", "Besparelse (kr.)", "Hvordan indhentes besparelsen"],
        "{%tr for u in klynge.enheder %}",
        ["{{ u.navn }}", "{{ u.børn | tal }}", "", ""],
    )
    para(doc, "{%p endif %}")
    para(doc, "{{ tidsplan.titel }}", style="Heading 1")
    loop_table(
        doc,
        ["Hvornår", "Milepæl"],
        "{%tr for m in tidsplan.milepæle %}",
        ["{{ m.hvornår }}", "{{ m.tekst }}"],
    )
    para(doc, "{{ handlinger.titel }}", style="Heading 1")
    loop_table(
        doc,
        [
            "{{ handlinger.kolonner[0] }}",
            "{{ handlinger.kolonner[1] }}",
            "{{ handlinger.kolonner[2] }}",
            "{{ handlinger.kolonner[3] }}",
        ],
        "{%tr for r in handlinger.rækker %}",
        ["", "", "", ""],
    )
    save(doc, OUT / "handleplan.docx")


def fact_sheet() -> None:
    doc = new_document("Faktaark til forældre", "Faktaark til forældre")
    para(doc, "{{ tekst.titel }}", style="Title")
    para(doc, "{{ enhed.navn }}", style="Subtitle")
    para(doc, "{{ dato | dato }}", italic=True)
    para(
        doc,
        "{{ 'Hvilket netværk' if klynge.netværk else 'Hvilken klynge' }} er vores institution "
        "en del af?",
        style="Heading 1",
    )
    para(
        doc,
        "{{ enhed.navn }} er en del af {{ klynge.betegnelse }} i område {{ klynge.område }}.",
    )
    para(doc, "{%p if andre_enheder %}")
    para(doc, "De andre institutioner i {{ klynge.bestemt }} er {{ andre_enheder | opremsning }}.")
    para(doc, "{%p endif %}")
    para(doc, "Hvem leder?", style="Heading 1")
    para(doc, "{%p for x in ledelse %}")
    para(doc, "{{ x }}", style="List Bullet")
    para(doc, "{%p endfor %}")
    para(doc, "{{ hvad_er.overskrift }}", style="Heading 1")
    para(doc, "{{ hvad_er.tekst }}")
    para(doc, "{{ tekst.ændres.overskrift }}", style="Heading 1")
    para(doc, "{%p for x in ændres %}")
    para(doc, "{{ x }}", style="List Bullet")
    para(doc, "{%p endfor %}")
    para(doc, "{{ tekst.uændret.overskrift }}", style="Heading 1")
    para(doc, "{%p for x in uændret %}")
    para(doc, "{{ x }}", style="List Bullet")
    para(doc, "{%p endfor %}")
    para(doc, "{{ hvad_sker.overskrift }}", style="Heading 1")
    para(doc, "{{ hvad_sker.tekst }}")
    para(doc, "{{ tekst.mere.overskrift }}", style="Heading 1")
    para(doc, "{{ tekst.mere.tekst }}")
    save(doc, OUT / "faktaark.docx")


def info_meeting() -> None:
    doc = new_document("Invitation: informationsmøde om den strukturelle gennemgang", "Invitation")
    letter_head(doc)
    para(doc, "{{ tekst.titel }}", style="Title")
    para(doc, "Område {{ område.navn }}", style="Subtitle")
    para(doc, "{%p if møde.tid_tekst %}")
    facts_table(doc, [("Tid:", "{{ møde.tid_tekst }}"), ("Sted:", "{{ møde.sted }}")])
    para(doc, "{%p else %}")
    para(doc, "Tidspunkt og sted meddeles af området.", bold=True)
    para(doc, "{%p endif %}")
    para(doc, "{{ tekst.indledning }}")
    para(doc, "Forløbet", style="Heading 1")
    para(doc, "{%p for x in tekst.forløb %}")
    para(doc, "{{ x }}", style="List Bullet")
    para(doc, "{%p endfor %}")
    para(doc, "Inviterede institutioner", style="Heading 1")
    loop_table(
        doc,
        ["Institution", "Leder", "Klynge eller netværk"],
        "{%tr for i in institutioner %}",
        ["{{ i.navn }}", "{{ i.leder }}", "{{ i.klynge }}{{ i.type_tekst }}"],
    )
    contact(doc)
    signature(doc, "{{ område.chef }}", "Områdechef, område {{ område.navn }}")
    save(doc, OUT / "informationsmoede-invitation.docx")


def proposal() -> None:
    doc = new_document("Forvaltningens udspil: strukturel gennemgang", "Udspil")
    letter_head(doc)
    para(doc, "{{ tekst.titel }}", style="Title")
    para(doc, "{{ klynge.overskrift }} ({{ klynge.id }})", style="Subtitle")
    para(doc, "{{ tekst.indledning }}")
    para(doc, "Kapacitet og børnetal", style="Heading 1")
    facts_table(
        doc,
        [
            ("Antal børn i alt:", "{{ klynge.børn | tal }}"),
            ("Antal enheder:", "{{ klynge.antal_enheder }}"),
            ("Aldersgruppe:", "{{ klynge.aldersgruppe or '–' }}"),
        ],
    )
    units_table(doc)
    para(doc, "Ledelsesstruktur", style="Heading 1")
    facts_table(
        doc,
        [
            ("Type:", "{{ klynge.type }}"),
            ("Paraplyorganisation:", "{{ klynge.paraplyorganisation or '–' }}"),
            ("Model:", "{{ kriterietjek.model if kriterietjek else (klynge.model or '–') }}"),
            ("{{ klynge.leder_rolle }}:", "{{ klynge.leder_tekst }}"),
        ],
    )
    para(doc, "{%p if kriterietjek %}")
    para(doc, "Modellens kriterier", style="Heading 1")
    label_value(doc, "Kriterier:", "{{ kriterietjek.kriterier or 'ingen skriftlige kriterier' }}")
    label_value(doc, "Resultat:", "{{ kriterietjek.resultat }}")
    para(doc, "{%p for a in kriterietjek.afvigelser %}")
    para(doc, "Afvigelse: {{ a }}", style="List Bullet")
    para(doc, "{%p endfor %}")
    para(doc, "{%p for b in kriterietjek.bemærkninger %}")
    para(doc, "Bemærkning: {{ b }}", style="List Bullet")
    para(doc, "{%p endfor %}")
    para(doc, "{%p endif %}")
    para(doc, "{{ tekst.vurdering_overskrift }}", style="Heading 1")
    para(doc, "{%p for v in vurdering %}")
    para(doc, "{{ v.overskrift }}", style="Heading 2")
    para(doc, "{%p if v.tekst %}")
    para(doc, "{{ v.tekst }}")
    para(doc, "{%p endif %}")
    para(doc, "{{ v.pladsholder }}", grey=True)
    para(doc, "{%p endfor %}")
    contact(doc)
    save(doc, OUT / "udspil.docx")


def joint_input() -> None:
    doc = new_document("Fælles oplæg: strukturel gennemgang", "Fælles oplæg")
    letter_head(doc)
    para(doc, "{{ tekst.titel }}", style="Title")
    para(doc, "{{ klynge.overskrift }} ({{ klynge.id }})", style="Subtitle")
    para(doc, "{{ tekst.indledning }}")
    para(doc, "{%p for p in dagsorden %}")
    para(doc, "{{ p.nr }}. {{ p.titel }}", style="Heading 2")
    para(doc, "{%p if p.tekst %}")
    para(doc, "{{ p.tekst }}", italic=True)
    para(doc, "{%p endif %}")
    para(doc, "{{ tekst.pladsholder }}", grey=True)
    para(doc, "{%p endfor %}")
    para(doc, "{{ tekst.udspil_overskrift }}", style="Heading 1")
    para(doc, "{{ tekst.pladsholder }}", grey=True)
    contact(doc)
    save(doc, OUT / "faelles-oplaeg.docx")


def main() -> None:
    OUT.mkdir(exist_ok=True)
    invitation()
    minutes_form()
    minutes()
    action_plan()
    fact_sheet()
    info_meeting()
    proposal()
    joint_input()
    print(f"wrote 8 templates to {OUT}")


if __name__ == "__main__":
    main()
