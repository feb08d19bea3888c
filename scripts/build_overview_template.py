"""Build the Word template of HR's overview report (templates/hr-oversigt.docx).

Run after changing the layout:  .venv/bin/python scripts/build_overview_template.py
It is an ordinary Word document with docxtpl tags; HR may also edit it in Word. The names it
uses are those of docauto.registry.report.report_context.
"""

from __future__ import annotations

from templatebuild import TEMPLATES, loop_table, new_document, para, save

OUT = TEMPLATES / "hr-oversigt.docx"


def main() -> None:
    doc = new_document(
        "HR-oversigt over rekrutteringen", "HR-oversigt pr. {{ dato }}", landscape=True
    )

    para(doc, "HR-oversigt: rekruttering af klyngeledere og pædagogiske ledere", style="Title")
    para(
        doc,
        "Status pr. {{ dato }}. Besatte stillinger: {{ besatte }}. Endnu ikke besatte "
        "stillinger: {{ ubesatte }}.",
    )

    para(doc, "Besatte og ubesatte stillinger pr. område", style="Heading 1")
    para(doc, "{%p for rolle in roller %}")
    para(doc, "{{ rolle.titel }}", style="Heading 2")
    loop_table(
        doc,
        [
            "Område",
            "Opslået",
            "Ansøgere registreret",
            "Kandidat indstillet",
            "Besat",
            "Ikke besat",
            "Genopslag",
            "I alt",
        ],
        "a in rolle.omraader",
        [
            "{{ a.omraade }}",
            "{{ a.opslaaet }}",
            "{{ a.ansoegere }}",
            "{{ a.kandidat }}",
            "{{ a.besat }}",
            "{{ a.ikke_besat }}",
            "{{ a.genopslag }}",
            "{{ a.i_alt }}",
        ],
        bold_last="I alt|{{ rolle.i_alt.opslaaet }}|{{ rolle.i_alt.ansoegere }}|"
        "{{ rolle.i_alt.kandidat }}|{{ rolle.i_alt.besat }}|"
        "{{ rolle.i_alt.ikke_besat }}|{{ rolle.i_alt.genopslag }}|"
        "{{ rolle.i_alt.i_alt }}",
    )
    para(doc)
    para(doc, "{%p endfor %}")
    para(doc, "{%p if not roller %}")
    para(doc, "Registret har endnu ingen stillinger.")
    para(doc, "{%p endif %}")
    para(doc, "Alle stillinger", style="Heading 2")
    loop_table(
        doc,
        ["Område", "Stillingstype", "Klynge", "Enhed", "Status", "Ansat"],
        "s in stillinger",
        [
            "{{ s.omraade }}",
            "{{ s.stillingstype }}",
            "{{ s.klynge }}",
            "{{ s.enhed }}",
            "{{ s.status }}",
            "{{ s.ansat }}",
        ],
    )

    para(doc, "Genopslag", style="Heading 1")
    para(
        doc,
        "Stillinger uden ansøgere, uden en egnet kandidat, eller som områderne har meldt "
        "ikke besat.",
        grey=True,
    )
    para(doc, "{%p if genopslag %}")
    loop_table(
        doc,
        ["Stillingstype", "Område", "Klynge", "Enhed", "Status", "Årsag"],
        "g in genopslag",
        [
            "{{ g.stillingstype }}",
            "{{ g.omraade }}",
            "{{ g.klynge }}",
            "{{ g.enhed }}",
            "{{ g.status }}",
            "{{ g.aarsag }}",
        ],
    )
    para(doc, "{%p else %}")
    para(doc, "Ingen stillinger skal genopslås.")
    para(doc, "{%p endif %}")

    para(doc, "Konflikter: samme kandidat ønsket af flere områder", style="Heading 1")
    para(doc, "Til det opfølgende områdemøde på tværs af områderne.", grey=True)
    para(doc, "{%p if konflikter %}")
    loop_table(
        doc,
        ["Runde", "Kandidat", "E-mail", "Områder", "Indstillet til"],
        "k in konflikter",
        [
            "{{ k.runde }}",
            "{{ k.kandidat }}",
            "{{ k.email }}",
            "{{ k.omraader }}",
            "{{ k.steder }}",
        ],
    )
    para(doc, "{%p else %}")
    para(doc, "Ingen kandidater er indstillet af mere end ét område i samme runde.")
    para(doc, "{%p endif %}")

    para(doc, "Manglende indsendelser", style="Heading 1")
    para(doc, "{%p if mangler %}")
    loop_table(
        doc,
        ["Område", "Stillingstype", "Emnefelt", "Frist", "Tilstand", "Stillinger"],
        "m in mangler",
        [
            "{{ m.omraade }}",
            "{{ m.stillingstype }}",
            "{{ m.emne }}",
            "{{ m.frist }}",
            "{{ m.tilstand }}",
            "{{ m.stillinger }}",
        ],
    )
    para(doc, "{%p else %}")
    para(doc, "Ingen områder mangler en indsendelse med overskredet eller nær frist.")
    para(doc, "{%p endif %}")

    para(doc, "Endelig fordeling", style="Heading 1")
    para(doc, "Til alle områdechefer: hvem er ansat i hvilke stillinger.", grey=True)
    para(doc, "{%p for a in fordeling %}")
    para(doc, "{{ a.omraade }}", style="Heading 2")
    loop_table(
        doc,
        ["Stillingstype", "Klynge", "Enhed", "Navn", "Tiltræder"],
        "h in a.ansatte",
        [
            "{{ h.stillingstype }}",
            "{{ h.klynge }}",
            "{{ h.enhed }}",
            "{{ h.navn }}",
            "{{ h.tiltraeder }}",
        ],
    )
    para(doc, "{%p endfor %}")
    para(doc, "{%p if not fordeling %}")
    para(doc, "Der er endnu ikke registreret ansættelser.")
    para(doc, "{%p endif %}")

    para(doc, "Meddelelse om ansættelser (til KKnet)", style="Heading 1")
    para(doc, "{%p if meddelelse %}")
    para(doc, "Nye ledere i klyngestrukturen", bold=True)
    para(
        doc,
        "Børne- og Ungdomsforvaltningen har nu udpeget lederne i den nye klyngestruktur, "
        "som træder i kraft {{ ikrafttraeden }}. Vi byder velkommen til:",
    )
    para(doc, "{%p for gruppe in meddelelse %}")
    para(doc, "{{ gruppe.titel }}", bold=True)
    para(doc, "{%p for h in gruppe.ansatte %}")
    para(doc, "{{ h.tekst }}", style="List Bullet")
    para(doc, "{%p endfor %}")
    para(doc, "{%p endfor %}")
    para(doc, "Vi ønsker alle held og lykke med de nye opgaver.")
    para(doc, "{%p else %}")
    para(doc, "Der er endnu ingen ansættelser at meddele.")
    para(doc, "{%p endif %}")
    para(doc, "{%p for m in meddelelse_mangler %}")
    para(
        doc,
        "{{ m.titel }}: meddelelsen laves, når alle områder har indsendt deres ansættelser. "
        "Mangler fra: {{ m.omraader }}.",
    )
    para(doc, "{%p endfor %}")

    save(doc, OUT)
    print(OUT)


if __name__ == "__main__":
    main()
