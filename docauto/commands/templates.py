"""``docauto templates``: commands about the Word templates themselves."""

from __future__ import annotations

from pathlib import Path

import click

from docauto.commands import complete_kind, json_option


@click.group()
def templates() -> None:
    """Check Word templates for the mistakes Word makes to docxtpl tags.

    \b
    Example:
      docauto templates check
      docauto templates check mine-skabeloner/ brev.docx
    """


@templates.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--kind",
    "kind_name",
    metavar="NAME",
    shell_complete=complete_kind,
    help="Check variables against this document kind's fields (default: the kind "
    "whose templates list the file's name).",
)
@click.option(
    "--fields",
    metavar="A,B,C",
    help="Check variables against these names instead (for ad-hoc templates).",
)
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too, not only on errors.")
@json_option
def check(
    paths: tuple[Path, ...], kind_name: str | None, fields: str | None, strict: bool, as_json: bool
) -> None:
    """Check Word templates for broken tags, blocks and variables.

    PATHS are files and/or folders (default: the templates in use). It finds Jinja syntax
    errors, tags Word split across runs or paragraphs, autocorrect damage docxtpl does not
    repair, unbalanced {% if %}/{% for %} blocks (saying where they were opened), row loops
    closed in another table, {%p %} blocks opened in one table cell and closed in another,
    variables the document kind does not supply, unknown filters and tests (plugins' included),
    and what the renderer's sandbox will refuse. Text inside {% raw %} is text. Prints one line per finding with the paragraph or table cell, then
    a summary. Exit code 1 if any error was found (with --strict: any warning too), else 0.

    \b
    Example:
      docauto templates check
      docauto templates check templates/stillingsopslag-klyngeleder.docx
      docauto templates check mine-skabeloner/ --kind stillingsopslag
      docauto templates check brev.docx --fields navn,dato,klynge --json
    """
    import json

    from docauto.errors import UsageError
    from docauto.office import templatecheck
    from docauto.plugins import get_kind
    from docauto.resources import templates_dir

    if kind_name and fields is not None:
        raise UsageError("angiv enten --kind eller --fields, ikke begge")
    kind = get_kind(kind_name) if kind_name else None
    field_list = [f.strip() for f in fields.split(",") if f.strip()] if fields is not None else None
    if not paths:
        try:
            paths = (templates_dir(),)
        except FileNotFoundError as exc:
            raise UsageError(f"ingen skabelonmappe: {exc}") from None
    files, findings = templatecheck.check_paths(paths, kind=kind, fields=field_list)
    errors = [f for f in findings if f.severity == templatecheck.ERROR]
    warnings = [f for f in findings if f.severity != templatecheck.ERROR]
    failed = bool(errors) or (strict and bool(warnings))
    if as_json:
        click.echo(
            json.dumps(
                {
                    "files": [str(f) for f in files],
                    "errors": len(errors),
                    "warnings": len(warnings),
                    "ok": not failed,
                    "findings": [f.to_dict() for f in findings],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for f in findings:
            click.echo(str(f))
        bad_files = len({f.file for f in findings})
        if not files:
            click.echo("Ingen Word-skabeloner (.docx) fundet.", err=True)
        click.echo(
            f"{_count(len(files), 'skabelon', 'skabeloner')} kontrolleret: "
            f"{len(errors)} fejl, {_count(len(warnings), 'advarsel', 'advarsler')} "
            f"i {_count(bad_files, 'fil', 'filer')}."
        )
    if failed:
        raise SystemExit(1)


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"
