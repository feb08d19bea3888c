"""Build the Word templates of the letters to applicants and the meetings across areas into
templates/ (issue 14): the letter to an applicant (one template; the wording per letter is in
templates/tekster/ansoegerbreve.yaml), the list of applicants per position, the invitation
to a meeting across areas, and HR's case list for the follow-up meeting.

Run after changing the layout:  .venv/bin/python scripts/build_letter_templates.py
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


def applicant_letter() -> None:
    doc = new_document("Brev til ansøger", "Brev til ansøger")
    letter_head(doc)
    para(doc, "{{ titel }}", style="Title")
    paragraphs(doc, "a in afsnit", "a")
    bullets(doc, "s in stillinger", "s")
    para(doc, "{%p if samtale %}")
    facts_table(
        doc,
        [
            ("Stilling:", "{{ stillingstype | capitalize }}, {{ samtale.stilling }}"),
            ("Samtalerunde:", "{{ samtale.runde }}. runde"),
            ("Dato:", "{{ samtale.dato }}"),
            ("Tidspunkt:", "kl. {{ samtale.tid }}"),
            ("Sted:", "{{ samtale.sted }}"),
        ],
    )
    para(doc, "{%p endif %}")
    paragraphs(doc, "a in efter", "a")
    signature(doc, "{{ omraade.chef }}", "{{ omraade.titel }}")
    save(doc, OUT / "brev-ansoeger.docx")


def applicant_list() -> None:
    doc = new_document("Ansøgerfortegnelse", "Ansøgerfortegnelse")
    # One heading: the Stilling line below already names the role and the position.
    para(doc, "Ansøgerfortegnelse", style="Title")
    facts_table(
        doc,
        [
            ("Område:", "{{ omraade.navn }}"),
            ("Stilling:", "{{ stillingstype | capitalize }}, {{ stilling }}"),
            ("Ansøgningsfrist:", "{{ frist }}"),
            ("Opgjort pr.:", "{{ dato | dato }}"),
            ("Antal ansøgere:", "{{ ansoegere | length }}"),
        ],
    )
    loop_table(
        doc,
        # The date HR registered the mail with the applicants, not when each one applied.
        ["Nr.", "Navn", "Nuværende stilling", "Arbejdssted", "E-mail", "Registreret"],
        "{%tr for a in ansoegere %}",
        [
            "{{ a.nr }}",
            "{{ a.navn }}",
            "{{ a.stilling }}",
            "{{ a.arbejdssted }}",
            "{{ a.email }}",
            "{{ a.modtaget }}",
        ],
    )
    para(
        doc,
        "Fortroligt. Fortegnelsen er til vurderingsudvalgets brug; medlemmerne har tavshedspligt "
        "om, hvem der har søgt. Den afleveres til formanden, når udvalgets arbejde er slut.",
        italic=True,
    )
    para(doc, "{{ omraade.chef }}, områdechef, område {{ omraade.navn }}")
    save(doc, OUT / "ansoegerfortegnelse.docx")


def meeting_invitation() -> None:
    doc = new_document("Invitation til områdemøde", "Invitation til områdemøde")
    letter_head(doc)  # the date at the right; the kind gives no single addressee
    para(doc, "Til områdecheferne og souscheferne")
    para(doc, "{{ moede.titel }}", style="Title")
    para(doc, "{{ moede.indledning }}")
    facts_table(
        doc,
        [
            ("Dato:", "{{ moede.dag | dato_ugedag }}"),
            ("Tidspunkt:", "kl. {{ moede.start }}-{{ moede.slut }}"),
            ("Sted:", "{{ moede.sted }}"),
            ("Mødeleder:", "{{ moede.leder }}"),
        ],
    )
    para(doc, "Dagsorden", style="Heading 1")
    para(doc, "{%p for punkt in moede.dagsorden %}")
    para(doc, "{{ loop.index }}. {{ punkt }}")
    para(doc, "{%p endfor %}")
    para(doc, "Deltagere", style="Heading 1")
    loop_table(
        doc,
        ["Område", "Navn", "Funktion"],
        "{%tr for d in deltagere %}",
        ["{{ d.omraade }}", "{{ d.navn }}", "{{ d.funktion }}"],
    )
    para(doc, "{%p if moede.sagsliste %}")
    para(
        doc,
        "HR-gruppen sender sagslisten (kandidater, som flere områdechefer ønsker at ansætte, og "
        "stillinger uden egnet kandidat) dagen før mødet.",
    )
    para(doc, "{%p endif %}")
    para(doc, "En kalenderinvitation (.ics) er vedlagt.")
    signature(doc, "HR-gruppen, {{ postkasse }}")
    save(doc, OUT / "omraademoede-invitation.docx")


def case_list() -> None:
    doc = new_document("Sagsliste", "Sagsliste")
    para(doc, "Sagsliste til {{ moede.titel | lower }}", style="Title")
    para(doc, "{{ moede.dag | dato_ugedag }}, opgjort pr. {{ dato | dato }}", style="Subtitle")
    para(
        doc,
        "Listen er lavet ud fra registret, som det så ud ved udgangen af {{ dato | dato }}: "
        "kun indstillinger og ansøgere, HR-gruppen havde modtaget til og med den dag.",
    )
    para(doc, "1. Kandidater, som flere områdechefer ønsker at ansætte", style="Heading 1")
    para(doc, "{%p if konflikter %}")
    loop_table(
        doc,
        ["Runde", "Kandidat", "E-mail", "Indstillet af", "Stillinger (prioritet)"],
        "{%tr for k in konflikter %}",
        [
            "{{ k.runde }}",
            "{{ k.kandidat }}",
            "{{ k.email }}",
            "{{ k.omraader }}",
            "{{ k.steder }}",
        ],
    )
    para(doc, "{%p else %}")
    para(doc, "Ingen kandidat er indstillet af mere end ét område i samme runde.")
    para(doc, "{%p endif %}")
    para(doc, "2. Stillinger med ansøgere, men uden egnet kandidat", style="Heading 1")
    para(doc, "{%p if uden_kandidat %}")
    loop_table(
        doc,
        ["Område", "Stillingstype", "Klynge", "Enhed", "Ansøgere", "Efter runde"],
        "{%tr for u in uden_kandidat %}",
        [
            "{{ u.omraade }}",
            "{{ u.stillingstype }}",
            "{{ u.klynge }}",
            "{{ u.enhed }}",
            "{{ u.ansoegere }}",
            "{{ u.runde }}",
        ],
    )
    para(doc, "{%p else %}")
    para(doc, "Alle stillinger med ansøgere har en indstillet kandidat.")
    para(doc, "{%p endif %}")
    para(doc, "3. Stillinger uden ansøgere", style="Heading 1")
    para(doc, "{%p if uden_ansoegere %}")
    bullets(doc, "s in uden_ansoegere", "s")
    para(doc, "{%p else %}")
    para(doc, "Ingen.")
    para(doc, "{%p endif %}")
    para(doc, "HR-gruppen, {{ postkasse }}")
    save(doc, OUT / "sagsliste.docx")


def main() -> None:
    applicant_letter()
    applicant_list()
    meeting_invitation()
    case_list()
    for name in (
        "brev-ansoeger.docx",
        "ansoegerfortegnelse.docx",
        "omraademoede-invitation.docx",
        "sagsliste.docx",
    ):
        print(OUT / name)


if __name__ == "__main__":
    main()
