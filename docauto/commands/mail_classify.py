"""`docauto mail classify`: what the registry would make of a mail subject."""

from __future__ import annotations

import json

import click

from docauto.commands import json_option


@click.command()
@click.argument("subjects", nargs=-1, required=True)
@json_option
def classify(subjects: tuple[str, ...], as_json: bool) -> None:
    """Classify mail subjects by role, kind and round (patterns: mappings/emner.yaml).

    With --json, one JSON object per subject and line, in input order (REGISTRY.md §1).
    A subject the patterns do not recognise for sure gets null for everything.

    \b
    Example:
      docauto mail classify "SV: Klyngeleder – Registrering af kandidaten 2. runde" --json
      docauto mail classify "Pædagogisk Leder - Stillingsannonce" "Fwd: Ansættelser"
    """
    from docauto.mail.classify import classification_json

    results = [classification_json(s) for s in subjects]
    if as_json:
        for r in results:
            click.echo(json.dumps(r, ensure_ascii=False))
        return
    keys = ("role", "kind", "round", "subject")
    headers = ("rolle", "type", "runde", "emne")  # the values are the codes of REGISTRY.md §1
    rows = [tuple("-" if r[k] is None else str(r[k]) for k in keys) for r in results]
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers[:-1])]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths) + "  {}"
    click.echo(fmt.format(*headers))
    for row in rows:
        click.echo(fmt.format(*row))
