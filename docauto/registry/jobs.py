"""The overview jobs as library calls: what `registry status`, `registry report` and `remind`
do, so the command line and batch steps share one implementation (and nothing below the
command line has to build argument lists)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "OverviewInputs",
    "RemindResult",
    "ReportResult",
    "load_inputs",
    "registry_status",
    "send_or_write_reminders",
    "write_report",
]


@dataclass(frozen=True)
class OverviewInputs:
    """Everything an overview is built from, validated before anything is written."""

    structure: Any
    view: Any
    plan: Any
    settings: Any
    registry_path: Path


def load_inputs(
    structure_path: Path, registry_path: Path, plan_path: Path | None = None
) -> OverviewInputs:
    """The structure, the registry, the recruitment timeline and the overview settings."""
    from docauto.recruitment.timeline import load_timeline
    from docauto.registry.config import load_overview_settings
    from docauto.registry.data import RegistryView
    from docauto.structure.model import load_structure

    structure = load_structure(structure_path)
    plan = load_timeline(plan_path)
    settings = load_overview_settings()
    view = RegistryView.load(registry_path)
    return OverviewInputs(structure, view, plan, settings, Path(registry_path))


def registry_status(inputs: OverviewInputs, as_of: dt.date) -> Any:
    """The `registry status` object (REGISTRY.md §5 as ``.as_json()``)."""
    from docauto.registry.status import build_status

    return build_status(inputs.view, inputs.structure, inputs.plan, inputs.settings, as_of)


@dataclass
class ReportResult:
    files: list[Path]
    positions: int
    conflicts: int
    hires: int

    def as_json(self) -> dict[str, Any]:
        return {
            "files": [str(p) for p in self.files],
            "positions": self.positions,
            "conflicts": self.conflicts,
            "hires": self.hires,
        }


def _report_stem(out_path: Path) -> str:
    if out_path.suffix.lower() in (".xlsx", ".docx"):
        return out_path.name[: -len(out_path.suffix)]
    return out_path.name


def write_report(
    inputs: OverviewInputs,
    out_path: Path,
    as_of: dt.date,
    *,
    template: str | None = None,
    dry_run: bool = False,
) -> ReportResult:
    """HR's overview as FILE.xlsx (with a chart) and FILE.docx; recorded in the audit log."""
    from docauto.output import Writer
    from docauto.registry.audit import record
    from docauto.registry.report import build_workbook, render_word, report_context

    status = registry_status(inputs, as_of)
    ctx = report_context(status, inputs.view, inputs.structure, inputs.plan, inputs.settings)
    stem = _report_stem(Path(out_path))
    files = {f"{stem}.xlsx": build_workbook(ctx), f"{stem}.docx": render_word(ctx, template)}
    writer = Writer(Path(out_path).parent, dry_run=dry_run)
    writer.check_targets(files)
    paths = [writer.write(name, data) for name, data in files.items()]
    result = ReportResult(
        files=paths,
        positions=len(ctx["stillinger"]),
        conflicts=len(ctx["konflikter"]),
        hires=sum(len(a["ansatte"]) for a in ctx["fordeling"]),
    )
    if not dry_run:
        record(
            inputs.registry_path,
            "registry report",
            as_of=as_of,
            positions=result.positions,
            conflicts=result.conflicts,
            hires=result.hires,
        )
    return result


@dataclass
class RemindResult:
    as_of: dt.date
    reminders: list[Any]
    written: list[Path] = field(default_factory=list)
    sent: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "reminders": [
                {**r.owed.as_json(), "to": r.to, "file": r.filename} for r in self.reminders
            ],
            "sent": self.sent,
        }


def send_or_write_reminders(
    inputs: OverviewInputs,
    as_of: dt.date,
    *,
    out_dir: Path | None = None,
    send_via: str | None = None,
    overdue_only: bool = False,
    dry_run: bool = False,
) -> RemindResult:
    """A reminder per area and owed submission, written as .eml drafts or sent."""
    from docauto.errors import UsageError
    from docauto.output import Writer
    from docauto.registry.audit import record
    from docauto.registry.deadlines import owed_submissions
    from docauto.registry.remind import build_reminders

    if not out_dir and not send_via:
        raise UsageError(
            "sig hvor påmindelserne skal hen", hint="--out MAPPE eller --send-via SPEC"
        )
    states = ("overdue",) if overdue_only else ("overdue", "due")
    owed = owed_submissions(inputs.view, inputs.structure, inputs.plan, inputs.settings, as_of)
    # Every reminder is built before anything is written or sent.
    result = RemindResult(as_of, build_reminders(owed, inputs.structure, inputs.plan, states))
    if send_via and not dry_run:
        from docauto.registry.remind import send_reminders

        result.sent = send_reminders(send_via, result.reminders)
    elif out_dir:
        writer = Writer(out_dir, dry_run=dry_run)
        writer.check_targets(r.filename for r in result.reminders)
        result.written = [writer.write(r.filename, bytes(r.message)) for r in result.reminders]
    if not dry_run:
        record(
            inputs.registry_path,
            "remind",
            as_of=as_of,
            states=",".join(states),
            reminders=len(result.reminders),
            sent=result.sent,
        )
    return result
