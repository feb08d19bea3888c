from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from docauto.commands import dry_run_option, json_option


@click.command()
@click.argument("plan_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
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
@json_option
def batch(plan_file: Path, dry_run: bool, force: bool, jobs: int, as_json: bool) -> None:
    """Run a batch PLAN (YAML): generate kinds, convert to PDF, ingest, report, remind.

    Only outputs whose template or data changed since the last run are rewritten (a manifest
    beside them records the hashes). A failed step stops the plan; what finished steps wrote
    stays. Example plans for the deadlines of the recruitment are in scripts/plans/; the plan
    format is in docs/batch.md. --json prints {"plan", "out", "dry_run", "steps": [{"step",
    "type", "written", "unchanged", "planned", "notes"}]}.

    \b
    Example:
      docauto batch scripts/plans/01-stillingsopslag-2010-10-01.yaml --dry-run
      docauto batch scripts/plans/01-stillingsopslag-2010-10-01.yaml --jobs 2
    """
    from docauto.batch import load_batch, run_batch
    from docauto.commands.output import echo_json, iter_progress

    plan = load_batch(plan_file)
    steps: list[dict[str, Any]] = []

    def report(result) -> None:
        steps.append(_step_json(result))
        if not as_json:
            _echo_step(result, dry_run)

    if not as_json:
        click.echo(f"Plan: {plan.name} ({len(plan.steps)} trin) -> {plan.out}")
    run_batch(
        plan,
        dry_run=dry_run,
        force=force,
        jobs=jobs,
        progress=iter_progress,
        on_step=report,
        command_runner=_run_command,
    )
    if as_json:
        echo_json({"plan": plan.name, "out": str(plan.out), "dry_run": dry_run, "steps": steps})


def _step_json(result) -> dict[str, Any]:
    return {
        "step": result.step.number,
        "type": result.step.type,
        "written": [str(p) for p in result.written],
        "unchanged": len(result.unchanged),
        "planned": [str(p) for p in result.planned],
        "notes": list(result.notes),
    }


def _echo_step(result, dry_run: bool) -> None:
    label = result.step.label
    if dry_run:
        click.echo(f"{label}: ville skrive {len(result.planned)}, {len(result.unchanged)} uændrede")
        for p in result.planned:
            click.echo(f"  {p}")
    elif result.step.type in ("generate", "pdf", "report", "remind"):
        click.echo(f"{label}: skrev {len(result.written)}, {len(result.unchanged)} uændrede")
    else:
        click.echo(f"{label}: færdig")
    for note in result.notes:
        click.echo(f"  {note}")


def _run_command(args: list[str]) -> None:
    """A `command:` step: the docauto command line, in this process."""
    from docauto.cli import cli
    from docauto.errors import DocautoError

    try:
        code = cli.main(args=args, prog_name="docauto", standalone_mode=False)
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except SystemExit as exc:
        code = exc.code
    except click.ClickException as exc:
        raise DocautoError(exc.format_message()) from None
    if isinstance(code, int) and code:
        raise DocautoError(f"kommandoen sluttede med kode {code}")
