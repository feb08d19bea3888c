"""Plan, render and write the documents of one kind: the shared path of every generator."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from docauto.errors import DocautoError
from docauto.kinds import GenerateRequest, Kind, PlannedDocument
from docauto.output import Writer
from docauto.progress import Progress, no_progress


class PartialFailure(DocautoError):
    """Some documents were refused (e.g. a committee that breaks the rule); the rest were written.

    Kinds raise it from ``plan`` with the documents that are fine and a report line per problem.
    """

    def __init__(self, message: str, documents: list[PlannedDocument], report: list[str]) -> None:
        super().__init__(message)
        self.documents = documents
        self.report = report


@dataclass
class GenerateResult:
    paths: list[Path] = field(default_factory=list)
    pdfs: list[Path] = field(default_factory=list)
    report: list[str] = field(default_factory=list)
    failed: bool = False

    def as_json(self, kind: str, out_dir: Path, *, dry_run: bool) -> dict[str, object]:
        return {
            "kind": kind,
            "out": str(out_dir),
            "dry_run": dry_run,
            "files": [str(p) for p in self.paths],
            "pdfs": [str(p) for p in self.pdfs],
            "problems": list(self.report),
            "failed": self.failed,
        }


def _write_staged(
    writer: Writer, docs: list[PlannedDocument], progress: Progress = no_progress
) -> list[Path]:
    """Write each document as soon as it is rendered, to a temporary file beside its target,
    and put them all in place only when every one rendered: memory holds one document at a
    time, and a template error still leaves nothing half-done (the staged files are removed).
    """
    import os
    import tempfile

    staged: list[tuple[Path, Path]] = []
    try:
        for i, d in enumerate(docs, start=1):
            blob = d.render()
            progress(i, len(docs))
            path = writer.target(d.filename)
            writer.planned.append(path)
            if writer.dry_run:
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".~docauto-", suffix=".tmp", dir=path.parent)
            staged.append((Path(tmp), path))
            with os.fdopen(fd, "wb") as fh:
                fh.write(blob)
            del blob
        for tmp, path in staged:
            _replace(tmp, path)
            writer.written.append(path)
        staged = []
    finally:
        for tmp, _path in staged:
            try:
                tmp.unlink()
            except OSError:
                pass
    return list(writer.planned)


def _replace(tmp: Path, path: Path) -> None:
    import os

    from docauto.errors import OutputError

    try:
        os.replace(tmp, path)
    except PermissionError:
        # Windows refuses to replace a file that another process has open.
        raise OutputError(
            f"{path}: kan ikke overskrives; filen er måske åben i et andet program",
            hint="close it and run again",
        ) from None


def generate_documents(
    kind: Kind,
    request: GenerateRequest,
    out_dir: Path,
    *,
    dry_run: bool = False,
    pdf: bool = False,
    progress: Progress = no_progress,
) -> GenerateResult:
    """Plan every document, render and write each in turn (put in place when all rendered),
    then make their PDFs.

    ``progress(done, total)`` is called as documents are rendered and again as PDFs are made.
    """
    result = GenerateResult()
    try:
        docs = kind.plan(request)
    except PartialFailure as exc:
        docs, result.report, result.failed = exc.documents, [exc.message, *exc.report], True
    result.report[:0] = request.notes
    writer = Writer(out_dir, dry_run=dry_run)
    writer.check_targets(d.filename for d in docs)
    if pdf and not dry_run:
        from docauto.office.pdf import require_soffice

        require_soffice()  # say so before writing anything, not after
    result.paths = _write_staged(writer, docs, progress)
    if kind.after_write is not None and not dry_run and docs:
        result.report.extend(kind.after_write(request, docs))
    if pdf and not dry_run:
        from docauto.office.pdf import convert_to_pdf

        convertible = [p for p in result.paths if p.suffix.lower() in (".docx", ".xlsx")]
        result.pdfs = convert_to_pdf(convertible, out_dir, progress=progress)
    return result
