"""``docauto render``: any docxtpl template with a JSON/YAML context, or a mail merge from a list."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from docauto.commands import dry_run_option, json_option, out_option


@click.command()
@click.argument("template", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("context", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@out_option
@click.option("--sheet", metavar="NAME", help="The sheet of an .xlsx list (default: the first).")
@click.option(
    "--name",
    "name_pattern",
    metavar="PATTERN",
    help='File name for each document from its values, e.g. "{{ Navn }} - {{ Enhed }}"; made '
    "safe for Windows and unique (default: numbers for a JSON/YAML list, the first column "
    "for a spreadsheet).",
)
@click.option(
    "--where",
    "row_filter",
    metavar="EXPR",
    help="Only the rows/items where this expression is true, e.g. \"Område == 'Amager'\".",
)
@click.option("--pdf", is_flag=True, help="Also write a PDF of each document (LibreOffice).")
@click.option(
    "--lenient",
    is_flag=True,
    help="A missing value renders as nothing, as in docxtpl (default: it is an error).",
)
@click.option(
    "--replace-pic",
    "replace_pics",
    multiple=True,
    metavar="NAME=FILE",
    help="Swap the template's picture NAME (its name, title or alt text in Word) for FILE, "
    "e.g. a header logo. Repeatable.",
)
@dry_run_option
@json_option
def render(
    template: Path,
    context: Path,
    out_dir: Path,
    sheet: str | None,
    name_pattern: str | None,
    row_filter: str | None,
    pdf: bool,
    lenient: bool,
    replace_pics: tuple[str, ...],
    dry_run: bool,
    as_json: bool,
) -> None:
    """Render any docxtpl TEMPLATE.docx with CONTEXT: a JSON/YAML file, or an .xlsx/.csv list.

    A JSON/YAML object gives one document named after the template; a list gives one document
    per item, numbered 0001.docx, 0002.docx, ... (or named with --name). A spreadsheet is a
    mail merge: the first row holds the variable names, every row below is one document.
    Values can be pictures, formatted text and embedded documents (see
    docs/template-language.md). The house fields are there as in 'docauto generate':
    afsender (mappings/afsender.yaml) and dato (today), unless the data gives its own. Autoescaping is always on and a missing value is an error,
    never a blank, unless --lenient. Everything is rendered before the first file is written.
    --dry-run prints the file names and the first document's text. --json prints
    {"out", "dry_run", "files"} (and "pdf" with --pdf).

    \b
    Example:
      docauto render brev.docx data.yaml --out out/
      docauto render brev.docx modtagere.xlsx --out breve/ --name "{{ Navn }}" --pdf
      docauto render brev.docx modtagere.csv --out breve/ --where "Område == 'Amager'" --dry-run
    """
    from docauto.errors import UsageError
    from docauto.office.engine import prepare

    if not template.is_file():
        raise UsageError(f"{template}: skabelonen findes ikke")
    replace = _picture_options(replace_pics)
    items, from_file = _load_items(context, sheet)
    items = _with_house_fields(items)
    replace = {**from_file, **replace}
    prepared = prepare(template, lenient=lenient)
    items = _filtered(items, row_filter)
    names = _file_names(items, name_pattern, template, context)
    rendered = _render_all(prepared, items, names, replace, template.name)
    _write(rendered, out_dir, dry_run, pdf, as_json)


def _with_house_fields(items: list[tuple[str, dict]]) -> list[tuple[str, dict]]:
    """The house fields 'generate' gives every template (afsender from
    mappings/afsender.yaml, dato = today, modtager/sagsnr/dokumentnr empty) under the data's
    own values, so a user's template can use {{ afsender.kommune }} and {{ dato }} too."""
    from docauto.office.housestyle import document_context

    return [(label, document_context(item)) for label, item in items]


def _picture_options(values: tuple[str, ...]) -> dict[str, Path]:
    from docauto.errors import UsageError

    out = {}
    for value in values:
        name, sep, file = value.partition("=")
        if not sep or not name or not file:
            raise UsageError(f"--replace-pic skal være NAVN=FIL, ikke '{value}'")
        if not Path(file).is_file():
            raise UsageError(f"--replace-pic {name}: billedfilen {file} findes ikke")
        out[name] = Path(file)
    return out


def _load_items(context: Path, sheet: str | None) -> tuple[list[tuple[str, dict]], dict]:
    """(label, context) per document and the pictures to replace; bad input is exit 2."""
    from docauto.errors import InputError, UsageError
    from docauto.office import mergedata

    suffix = context.suffix.lower()
    if suffix not in mergedata.SPREADSHEET_SUFFIXES + mergedata.DATA_SUFFIXES:
        raise UsageError(
            f"{context}: konteksten skal være .json, .yaml, .xlsx eller .csv, ikke '{suffix}'"
        )
    if not context.is_file():
        raise UsageError(f"{context}: filen findes ikke")
    try:
        if suffix in mergedata.SPREADSHEET_SUFFIXES:
            rows = mergedata.read_rows(context, sheet)
            # 'række' holds the whole row, for headers that are not names: række['Fulde navn']
            return [(f"række {n}", {**row, "række": row.get("række", row)}) for n, row in rows], {}
        if sheet:
            raise UsageError("--sheet gælder kun et regneark (.xlsx)")
        data, replace = mergedata.read_context_file(context)
    except InputError as exc:
        raise UsageError(exc.message) from None
    if isinstance(data, dict):
        return [("", data)], replace
    if isinstance(data, list):
        bad = [i for i, item in enumerate(data, start=1) if not isinstance(item, dict)]
        if bad:
            raise UsageError(f"{context}: element {bad[0]} i listen er ikke et objekt")
        return [(f"element {i}", item) for i, item in enumerate(data, start=1)], replace
    raise UsageError(f"{context}: konteksten skal være et objekt eller en liste af objekter")


def _expression_error(option: str, text: str, label: str, exc: Exception) -> Exception:
    from docauto.errors import UsageError

    at = f" ({label})" if label else ""
    return UsageError(f"{option} '{text}'{at}: {exc}")


def _filtered(items: list[tuple[str, dict]], expression: str | None) -> list[tuple[str, dict]]:
    if not expression:
        return items
    from jinja2 import TemplateError as JinjaError

    from docauto.office.engine import text_environment

    try:
        test = text_environment().compile_expression(expression)
    except JinjaError as exc:
        raise _expression_error("--where", expression, "", exc) from None
    out = []
    for label, item in items:
        try:
            if test(**item):
                out.append((label, item))
        except JinjaError as exc:
            raise _expression_error("--where", expression, label, exc) from None
    return out


def _file_names(
    items: list[tuple[str, dict]], pattern: str | None, template: Path, context: Path
) -> list[str]:
    from docauto.office import mergedata

    spreadsheet = context.suffix.lower() in mergedata.SPREADSHEET_SUFFIXES
    if pattern is None and not spreadsheet:
        if len(items) == 1 and not items[0][0]:
            return [template.stem + ".docx"]
        return [f"{i:04d}.docx" for i in range(1, len(items) + 1)]
    stems = _pattern_stems(items, pattern) if pattern else _first_column(items)
    return _unique(stems)


def _pattern_stems(items: list[tuple[str, dict]], pattern: str) -> list[str]:
    from jinja2 import TemplateError as JinjaError

    from docauto.office.engine import text_environment

    try:
        tpl = text_environment().from_string(pattern)
    except JinjaError as exc:
        raise _expression_error("--name", pattern, "", exc) from None
    stems = []
    for label, item in items:
        try:
            stems.append(tpl.render(**item))
        except JinjaError as exc:
            raise _expression_error("--name", pattern, label, exc) from None
    return stems


def _first_column(items: list[tuple[str, dict]]) -> list[str]:
    stems = []
    for i, (_, item) in enumerate(items, start=1):
        first = next(iter(item.values()), "") if item else ""
        stems.append(
            str(first) if isinstance(first, str | int | float) and first != "" else f"{i:04d}"
        )
    return stems


def _unique(stems: list[str]) -> list[str]:
    """Safe file names, numbered where two rows give the same name (Windows ignores case)."""
    from docauto.output import safe_name

    seen: set[str] = set()
    out = []
    for stem in stems:
        base = safe_name(stem.removesuffix(".docx"))
        name, n = base, 1
        while name.casefold() in seen:
            n += 1
            name = f"{base}-{n}"
        seen.add(name.casefold())
        out.append(name + ".docx")
    return out


def _render_all(
    prepared: Any, items: list[tuple[str, dict]], names: list[str], replace: dict, label: str
) -> list[tuple[str, bytes]]:
    from docauto.commands.output import progress_bar
    from docauto.errors import DocautoError

    rendered: list[tuple[str, bytes]] = []
    with progress_bar(label) as progress:  # drawn only when stderr is a terminal
        for name, (where, item) in zip(names, items, strict=True):
            try:
                rendered.append((name, prepared.render(item, replace_pictures=replace)))
            except DocautoError as exc:
                if where:
                    raise type(exc)(f"{where}: {exc.message}", hint=exc.hint) from None
                raise
            progress(len(rendered), len(items))
    return rendered


def _write(
    rendered: list[tuple[str, bytes]], out_dir: Path, dry_run: bool, pdf: bool, as_json: bool
) -> None:
    from docauto.commands.output import echo_json, echo_written, written_summary
    from docauto.output import Writer

    writer = Writer(out_dir, dry_run=dry_run)
    writer.check_targets(name for name, _ in rendered)
    paths = [writer.write(name, blob) for name, blob in rendered]
    pdfs = [p.with_suffix(".pdf") for p in paths] if pdf else []
    if pdf and not dry_run and paths:
        from docauto.office.pdf import convert_to_pdf

        pdfs = convert_to_pdf(paths, out_dir)
    if as_json:
        result: dict[str, Any] = {"out": str(out_dir), "dry_run": dry_run}
        result["files"] = [str(p) for p in paths]
        if pdf:
            result["pdf"] = [str(p) for p in pdfs]
        echo_json(result)
        return
    if dry_run:
        echo_written([*paths, *pdfs], dry_run=True)
    click.echo(written_summary(len(paths) + len(pdfs), out_dir, dry_run=dry_run))
    if dry_run and rendered:
        from docauto.office.docxtext import docx_text

        name, blob = rendered[0]
        click.echo(f"--- {name} ---")
        click.echo(docx_text(blob).all.rstrip())
