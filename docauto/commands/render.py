"""``docauto render``: any docxtpl template with a JSON/YAML context, or a mail merge from a list."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from docauto.commands import dry_run_option, out_option


@click.command()
@click.argument("template", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("context", type=click.Path(dir_okay=False, path_type=Path))
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
) -> None:
    """Render any docxtpl TEMPLATE.docx with CONTEXT: a JSON/YAML file, or an .xlsx/.csv list.

    A JSON/YAML object gives one document named after the template; a list gives one document
    per item, numbered 0001.docx, 0002.docx, ... (or named with --name). A spreadsheet is a
    mail merge: the first row holds the variable names, every row below is one document.
    Values can be pictures, formatted text and embedded documents (see
    docs/template-language.md). Autoescaping is always on and a missing value is an error,
    never a blank, unless --lenient. Everything is rendered before the first file is written.

    \b
    Example:
      docauto render templates/stillingsopslag.docx data.yaml --out out/
      docauto render brev.docx modtagere.xlsx --out breve/ --name "{{ Navn }}" --pdf
      docauto render brev.docx modtagere.csv --out breve/ --where "Område == 'Amager'" --dry-run
    """
    from docauto.errors import UsageError
    from docauto.office.engine import prepare

    if not template.is_file():
        raise UsageError(f"{template}: skabelonen findes ikke")
    replace = _picture_options(replace_pics)
    items, from_file = _load_items(context, sheet)
    replace = {**from_file, **replace}
    prepared = prepare(template, lenient=lenient)
    items = _filtered(items, row_filter)
    names = _file_names(items, name_pattern, template, context)
    rendered = _render_all(prepared, items, names, replace)
    _write(rendered, out_dir, dry_run, pdf)


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
            return [(f"række {n}", row) for n, row in rows], {}
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
    prepared: Any, items: list[tuple[str, dict]], names: list[str], replace: dict
) -> list[tuple[str, bytes]]:
    from docauto.errors import DocautoError

    def one(label: str, item: dict) -> bytes:
        try:
            return prepared.render(item, replace_pictures=replace)
        except DocautoError as exc:
            if label:
                raise type(exc)(f"{label}: {exc.message}", hint=exc.hint) from None
            raise

    pairs = list(zip(names, items, strict=True))
    if len(pairs) > 1 and sys.stderr.isatty():
        with click.progressbar(pairs, label="Udfylder", file=sys.stderr) as bar:
            return [(name, one(label, item)) for name, (label, item) in bar]
    return [(name, one(label, item)) for name, (label, item) in pairs]


def _write(rendered: list[tuple[str, bytes]], out_dir: Path, dry_run: bool, pdf: bool) -> None:
    from docauto.output import Writer

    writer = Writer(out_dir, dry_run=dry_run)
    writer.check_targets(name for name, _ in rendered)
    for name, blob in rendered:
        writer.write(name, blob)
    if dry_run:
        _preview(rendered, writer, pdf)
        return
    if pdf and writer.written:
        from docauto.office.pdf import convert_to_pdf

        convert_to_pdf(writer.written, out_dir)
    what = "document(s)" + (" with PDF" if pdf else "")
    click.echo(f"wrote {len(rendered)} {what} in {out_dir}")


def _preview(rendered: list[tuple[str, bytes]], writer: Any, pdf: bool) -> None:
    from docauto.office.docxtext import docx_text

    for path in writer.planned:
        click.echo(f"would write {path}" + (f" (+ {path.with_suffix('.pdf').name})" if pdf else ""))
    click.echo(f"would write {len(rendered)} document(s) in {writer.out_dir}")
    if rendered:
        name, blob = rendered[0]
        click.echo(f"--- {name} ---")
        click.echo(docx_text(blob).all.rstrip())
