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


def generate_documents(
    kind: Kind,
    request: GenerateRequest,
    out_dir: Path,
    *,
    dry_run: bool = False,
    pdf: bool = False,
    progress: Progress = no_progress,
) -> GenerateResult:
    """Plan every document, render them all, then write them (and their PDFs).

    ``progress(done, total)`` is called as documents are rendered and again as PDFs are made.
    """
    result = GenerateResult()
    try:
        docs = kind.plan(request)
    except PartialFailure as exc:
        docs, result.report, result.failed = exc.documents, [exc.message, *exc.report], True
    writer = Writer(out_dir, dry_run=dry_run)
    writer.check_targets(d.filename for d in docs)
    if pdf and not dry_run:
        from docauto.office.pdf import require_soffice

        require_soffice()  # say so before writing anything, not after
    # Render all before writing any, so a template error leaves nothing half-done.
    rendered = []
    for i, d in enumerate(docs, start=1):
        rendered.append((d.filename, d.render()))
        progress(i, len(docs))
    for name, blob in rendered:
        result.paths.append(writer.write(name, blob))
    if kind.after_write is not None and not dry_run and docs:
        result.report.extend(kind.after_write(request, docs))
    if pdf and not dry_run:
        from docauto.office.pdf import convert_to_pdf

        convertible = [p for p in result.paths if p.suffix.lower() in (".docx", ".xlsx")]
        result.pdfs = convert_to_pdf(convertible, out_dir, progress=progress)
    return result
