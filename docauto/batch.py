"""Batch runs: a plan of steps (generate, pdf, ingest, report, remind, any command) in one go.

A manifest beside the outputs records, for every generated file, the hash of what it was made
from (template and data) and of the file itself; a re-run renders only what changed. A failed
step stops the plan with a clear message; the outputs of finished steps stay in place.

Plan format (YAML; paths are relative to the plan file)::

    name: Før fristen 15.10.2010
    structure: ../demo-out/struktur.xlsx
    out: ../batch-out
    steps:
      - generate: stillingsopslag
        set: {rolle: klyngeleder}
        areas: [Amager Øst]
        out: opslag
      - pdf: opslag
      - ingest: dir:../demo-out/indbakke
        registry: hr/register.xlsx
      - command: [registry, status, --json]
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docauto.errors import ConfigError, DocautoError
from docauto.kinds import GenerateRequest, PlannedDocument

MANIFEST = ".docauto-manifest.json"
STEP_TYPES = ("generate", "pdf", "ingest", "report", "remind", "status", "command")


@dataclass
class BatchStep:
    number: int
    type: str
    spec: dict[str, Any]

    @property
    def label(self) -> str:
        value = self.spec.get(self.type)
        shown = " ".join(value) if isinstance(value, list) else value
        return f"trin {self.number}: {self.type}" + (
            f" {shown}" if shown not in (None, True) else ""
        )


@dataclass
class BatchPlan:
    path: Path
    name: str
    structure: Path | None
    out: Path
    steps: list[BatchStep]

    def resolve(self, value: str | os.PathLike[str]) -> Path:
        p = Path(value)
        return p if p.is_absolute() else Path(os.path.normpath(self.path.parent / p))


@dataclass
class StepResult:
    step: BatchStep
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    planned: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    partial: DocautoError | None = None


class BatchStepError(DocautoError):
    def __init__(self, step: BatchStep, cause: BaseException, done: list[StepResult]) -> None:
        super().__init__(
            f"{step.label} fejlede: {cause}",
            hint="det, de tidligere trin skrev, er bevaret; ret fejlen og kør igen",
        )
        self.step, self.done = step, done


def load_batch(path: Path) -> BatchPlan:
    """Read and validate a plan completely before anything runs."""
    from docauto.datafiles import read_data as load_data_file

    data = load_data_file(path)
    if not isinstance(data, dict) or not isinstance(data.get("steps"), list):
        raise ConfigError(f"{path}: en plan skal have en liste 'steps'")
    steps = []
    for i, raw in enumerate(data["steps"], start=1):
        if not isinstance(raw, dict):
            raise ConfigError(
                f"{path}: trin {i} skal være en tabel (fx '- generate: stillingsopslag')"
            )
        types = [t for t in STEP_TYPES if t in raw]
        if len(types) != 1:
            raise ConfigError(
                f"{path}: trin {i} skal have præcis én af {', '.join(STEP_TYPES)}; "
                f"fandt {', '.join(map(str, raw)) or 'ingen'}"
            )
        steps.append(BatchStep(i, types[0], raw))
    plan = BatchPlan(
        path=path,
        name=str(data.get("name") or path.stem),
        structure=None,
        out=Path("."),
        steps=steps,
    )
    plan.structure = plan.resolve(data["structure"]) if data.get("structure") else None
    plan.out = plan.resolve(data.get("out", "batch-out"))
    needs_structure = [
        s for s in steps if s.type in ("generate", "ingest", "report", "remind", "status")
    ]
    if needs_structure and plan.structure is None:
        raise ConfigError(
            f"{path}: 'structure' mangler (trin {needs_structure[0].number} skal bruge den)"
        )
    from docauto.plugins import get_kind

    for s in steps:
        if s.type == "generate":
            get_kind(str(s.spec["generate"]))  # unknown kind: fail before the first step runs
    return plan


# -- hashing ----------------------------------------------------------------------------------


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")


_file_hashes: dict[tuple[str, int, int], str] = {}


def file_hash(path: Path) -> str:
    st = path.stat()
    key = (str(path.resolve()), st.st_mtime_ns, st.st_size)
    if key not in _file_hashes:
        _file_hashes[key] = _sha(path.read_bytes())
    return _file_hashes[key]


def document_hashes(doc: PlannedDocument, extra: str) -> dict[str, str]:
    """What an output is made from: its template's hash and its data's hash."""
    from docauto.resources import template_path

    template = file_hash(template_path(doc.template)) if doc.template else ""
    if doc.template:  # the letterhead data and the logo are part of every Word document
        from docauto.office.housestyle import style_files

        template = _sha("".join([template, *map(file_hash, style_files())]).encode())
    inputs = [file_hash(Path(p)) for p in doc.inputs]
    data = doc.context if doc.build is None else doc.fingerprint
    if doc.build is not None and doc.fingerprint is None:
        data = {"kind-inputs": extra, "file": doc.filename}  # coarse: the step's inputs
    return {"template": template, "data": _sha(_canonical([data, dict(doc.properties), inputs]))}


# -- running ----------------------------------------------------------------------------------


def _load_manifest(out: Path) -> dict[str, Any]:
    path = out / MANIFEST
    if not path.exists():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # a broken manifest only costs a full re-render


def _save_manifest(out: Path, manifest: dict[str, Any]) -> None:
    from docauto.output import atomic_write

    atomic_write(
        out / MANIFEST,
        json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False).encode("utf-8"),
    )


def _request(plan: BatchPlan, step: BatchStep) -> GenerateRequest:
    from docauto.structure.model import load_structure

    spec = step.spec
    areas = spec.get("areas") or ()
    only = spec.get("only") or ()
    return GenerateRequest(
        structure=load_structure(plan.structure),
        data=plan.resolve(spec["data"]) if spec.get("data") else None,
        only=tuple([only] if isinstance(only, str) else only),
        areas=tuple([areas] if isinstance(areas, str) else areas),
        options={str(k): str(v) for k, v in (spec.get("set") or {}).items()},
    )


def _render_slice(args: tuple[str, str, dict[str, Any], list[int]]) -> list[tuple[int, bytes]]:
    """Worker: plan the step again in this process and render the given documents."""
    plan_path, kind_name, step_spec, indices = args
    plan = load_batch(Path(plan_path))
    step = next(s for s in plan.steps if s.spec == step_spec)
    from docauto.plugins import get_kind

    docs = get_kind(kind_name).plan(_request(plan, step))
    return [(i, docs[i].render()) for i in indices]


def run_generate(
    plan: BatchPlan,
    step: BatchStep,
    *,
    dry_run: bool,
    force: bool,
    jobs: int,
    progress: Callable[[Iterable[Any], int, str], Iterable[Any]],
) -> StepResult:
    from docauto.generate import PartialFailure
    from docauto.output import Writer
    from docauto.plugins import get_kind

    kind = get_kind(str(step.spec["generate"]))
    request = _request(plan, step)
    result = StepResult(step)
    try:
        docs = kind.plan(request)
    except PartialFailure as exc:
        docs = exc.documents
        result.notes += [exc.message, *exc.report]
        result.partial = exc
    out = plan.out / str(step.spec.get("out", kind.name))
    writer = Writer(out, dry_run=dry_run)
    writer.check_targets(d.filename for d in docs)
    step_inputs = _sha(
        _canonical(
            [
                file_hash(plan.structure) if plan.structure else "",
                file_hash(request.data)
                if request.data and request.data.is_file()
                else str(request.data),
                dict(request.options),
                list(request.only),
                list(request.areas),
                kind.name,
                [file_hash(Path(t)) for t in _kind_template_paths(kind.templates)],
            ]
        )
    )
    manifest = _load_manifest(out)
    todo: list[int] = []
    hashes: dict[int, dict[str, str]] = {}
    for i, doc in enumerate(docs):
        target = writer.target(doc.filename)
        rel = target.relative_to(out).as_posix()
        h = hashes[i] = document_hashes(doc, step_inputs)
        old = manifest.get(rel)
        current = target.exists() and old is not None and file_hash(target) == old.get("output")
        if (
            force
            or not current
            or old.get("template") != h["template"]
            or old.get("data") != h["data"]
        ):
            todo.append(i)
        else:
            result.unchanged.append(target)
    if dry_run:
        result.planned = [writer.target(docs[i].filename) for i in todo]
        return result
    rendered: dict[int, bytes] = {}
    if jobs > 1 and len(todo) > 1:
        chunks = [todo[k::jobs] for k in range(jobs)]
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            args = [(str(plan.path), kind.name, step.spec, c) for c in chunks if c]
            for part in progress(pool.map(_render_slice, args), len(args), step.label):
                rendered.update(part)
    else:
        for i in progress(todo, len(todo), step.label):
            rendered[i] = docs[i].render()
    for i in todo:
        path = writer.write(docs[i].filename, rendered[i])
        rel = path.relative_to(out).as_posix()
        manifest[rel] = {**hashes[i], "output": _sha(rendered[i])}
        result.written.append(path)
    _save_manifest(out, manifest)
    if result.partial is not None and not step.spec.get("allow_failure"):
        # What could be written is written; the plan still stops, as the command would exit 1.
        raise result.partial
    return result


def _kind_template_paths(names: Iterable[str]) -> list[Path]:
    from docauto.resources import template_path

    return [p for p in (template_path(n) for n in names) if p.is_file()]


def run_pdf(plan: BatchPlan, step: BatchStep, *, dry_run: bool, force: bool) -> StepResult:
    from docauto.office.pdf import convert_to_pdf

    folder = plan.out / str(step.spec["pdf"])
    result = StepResult(step)
    sources = sorted(p for p in folder.rglob("*") if p.suffix.lower() in (".docx", ".xlsx"))
    todo = [
        p
        for p in sources
        if force
        or not p.with_suffix(".pdf").exists()
        or p.with_suffix(".pdf").stat().st_mtime_ns < p.stat().st_mtime_ns
    ]
    result.unchanged = [p.with_suffix(".pdf") for p in sources if p not in todo]
    if dry_run:
        result.planned = [p.with_suffix(".pdf") for p in todo]
        return result
    # One LibreOffice process per folder, not one per file.
    by_dir: dict[Path, list[Path]] = {}
    for p in todo:
        by_dir.setdefault(p.parent, []).append(p)
    for directory, files in by_dir.items():
        result.written += convert_to_pdf(files, directory)
    return result


def _registry(plan: BatchPlan, step: BatchStep) -> Path:
    return plan.out / str(step.spec.get("registry", "hr/register.xlsx"))


def _as_of(step: BatchStep) -> dt.date:
    raw = step.spec.get("as_of")
    if raw is None:
        return dt.date.today()
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError:
        raise ConfigError(f"{step.label}: as_of '{raw}' er ikke en dato (ÅÅÅÅ-MM-DD)") from None


def _mail_source(plan: BatchPlan, step: BatchStep) -> str:
    source = str(step.spec["ingest"])
    if source.startswith("dir:"):
        source = "dir:" + str(plan.resolve(source[4:]))
    return source


def run_ingest(plan: BatchPlan, step: BatchStep, *, dry_run: bool) -> StepResult:
    """Read a mail source into the step's registry, creating the registry first if needed."""
    from docauto.mail.ingest import ingest
    from docauto.mail.sources import open_source
    from docauto.structure.model import load_structure

    source_spec = _mail_source(plan, step)
    registry = _registry(plan, step)
    result = StepResult(step, notes=[f"indlæs {source_spec} -> {registry}"])
    if dry_run:
        return result
    structure = load_structure(plan.structure)
    if not registry.exists():
        from docauto.registry.init import init_registry

        result.notes.append(init_registry(structure, registry).line())
    source = open_source(source_spec)
    try:
        summary = ingest(source, structure, registry)
    finally:
        source.close()
    result.notes += summary.lines()
    return result


def run_overview(plan: BatchPlan, step: BatchStep, *, dry_run: bool) -> StepResult:
    """A status, report or remind step: the overview jobs of docauto.registry.jobs."""
    from docauto.registry import jobs

    registry = _registry(plan, step)
    result = StepResult(step)
    if dry_run:
        result.notes.append(f"{step.type} for {registry}")
        return result
    inputs = jobs.load_inputs(plan.structure, registry)
    day = _as_of(step)
    if step.type == "status":
        from docauto.registry.status import format_status

        result.notes += format_status(jobs.registry_status(inputs, day)).splitlines()
    elif step.type == "report":
        report = jobs.write_report(inputs, plan.out / str(step.spec["report"]), day)
        result.written = report.files
    else:
        out = plan.out / str(step.spec.get("out", "påmindelser"))
        remind = jobs.send_or_write_reminders(inputs, day, out_dir=out)
        result.written = remind.written
    return result


def command_args(step: BatchStep) -> list[str]:
    """The arguments of a ``command:`` step (a list, or one string split on spaces)."""
    raw = step.spec["command"]
    return [str(a) for a in (raw if isinstance(raw, list) else str(raw).split())]


def run_command(
    step: BatchStep, *, dry_run: bool, runner: Callable[[list[str]], None] | None
) -> StepResult:
    """A ``command:`` step: any docauto command, run by the caller's ``runner``."""
    args = command_args(step)
    result = StepResult(step, notes=["docauto " + " ".join(args)])
    if dry_run:
        return result
    if runner is None:
        raise ConfigError(f"{step.label}: et command-trin kan kun køres fra kommandolinjen")
    runner(args)
    return result


def run_batch(
    plan: BatchPlan,
    *,
    dry_run: bool = False,
    force: bool = False,
    jobs: int = 1,
    progress: Callable[[Iterable[Any], int, str], Iterable[Any]] | None = None,
    on_step: Callable[[StepResult], None] | None = None,
    command_runner: Callable[[list[str]], None] | None = None,
) -> list[StepResult]:
    """Run every step in order; the first failure stops the plan (BatchStepError).

    ``progress`` wraps the items a step works through (for a progress bar); ``on_step``
    hears each finished step; ``command_runner`` runs the arguments of a ``command:`` step
    (the command line passes its own; without one such a step is an error).
    """

    def no_progress(items: Iterable[Any], _n: int, _label: str) -> Iterable[Any]:
        return items

    progress = progress or no_progress
    done: list[StepResult] = []
    for step in plan.steps:
        try:
            if step.type == "generate":
                result = run_generate(
                    plan, step, dry_run=dry_run, force=force, jobs=jobs, progress=progress
                )
            elif step.type == "pdf":
                result = run_pdf(plan, step, dry_run=dry_run, force=force)
            elif step.type == "ingest":
                result = run_ingest(plan, step, dry_run=dry_run)
            elif step.type == "command":
                result = run_command(step, dry_run=dry_run, runner=command_runner)
            else:
                result = run_overview(plan, step, dry_run=dry_run)
        except DocautoError as exc:
            raise BatchStepError(step, exc, done) from None
        done.append(result)
        if on_step:
            on_step(result)
    return done
