from __future__ import annotations

import sys
from pathlib import Path

import click

from docauto.commands import dry_run_option


@click.command()
@click.argument("plan_file", type=click.Path(dir_okay=False, path_type=Path))
@dry_run_option
@click.option("--force", is_flag=True, help="Rewrite every output, changed or not.")
@click.option(
    "--jobs",
    "-j",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Processes to render with.",
)
def batch(plan_file: Path, dry_run: bool, force: bool, jobs: int) -> None:
    """Run a batch PLAN (YAML): generate kinds, convert to PDF, ingest, report, remind.

    Only outputs whose template or data changed since the last run are rewritten (a manifest
    beside them records the hashes). A failed step stops the plan; what finished steps wrote
    stays. Example plans for the deadlines of the recruitment are in scripts/plans/.

    \b
    Example:
      docauto batch scripts/plans/frist-klyngeleder-registrering.yaml --dry-run
      docauto batch scripts/plans/frist-klyngeleder-registrering.yaml --jobs 2
    """
    from docauto.batch import load_batch, run_batch

    plan = load_batch(plan_file)
    interactive = sys.stdout.isatty()

    def progress(items, total, label):
        if not interactive or total < 2:
            return items
        return _bar(items, total, label)

    def report(result) -> None:
        if dry_run:
            click.echo(
                f"{result.step.label}: would write {len(result.planned)}, "
                f"{len(result.unchanged)} unchanged"
            )
            for p in result.planned:
                click.echo(f"  {p}")
        elif result.step.type in ("generate", "pdf"):
            click.echo(
                f"{result.step.label}: wrote {len(result.written)}, "
                f"{len(result.unchanged)} unchanged"
            )
        else:
            click.echo(f"{result.step.label}: done")
        for note in result.notes:
            click.echo(f"  {note}")

    click.echo(f"Plan: {plan.name} ({len(plan.steps)} steps) -> {plan.out}")
    run_batch(plan, dry_run=dry_run, force=force, jobs=jobs, progress=progress, on_step=report)


def _bar(items, total, label):
    with click.progressbar(items, length=total, label=label, file=sys.stderr) as bar:
        yield from bar
