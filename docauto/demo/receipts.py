"""Built-in plugin: the receipts' part of ``docauto demo``.

Runs the demo mailbox through the pipeline once more with receipts on, against a scratch
registry (the registry step's own registry is left as it is), so the Danish receipts HR's
senders would get land as .eml drafts in ``hr/kvitteringer/``.
"""

from __future__ import annotations

from pathlib import Path

from docauto.demo.municipality import DemoContext, DemoStep
from docauto.hookspecs import hookimpl


def run_demo(ctx: DemoContext) -> list[str]:
    import tempfile

    from docauto.demo.registry import write_demo_config
    from docauto.mail.ingest import ingest
    from docauto.mail.sources import open_source
    from docauto.registry.init import init_registry
    from docauto.resources import data_dir

    out = ctx.out_dir / "hr" / "kvitteringer"
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.eml"):
        old.unlink()
    mailbox = data_dir() / "demo" / "indbakke"
    with tempfile.TemporaryDirectory(prefix="docauto-kvitteringer-") as scratch:
        registry = Path(scratch) / "register.xlsx"
        init_registry(ctx.structure, registry)
        write_demo_config(registry)  # the same HR addresses and authenticated origin
        source = open_source(f"dir:{mailbox}?kvitteringer={out}")
        try:
            ingest(source, ctx.structure, registry, receipts=True)
        finally:
            source.close()
    written = sorted(out.glob("*.eml"))
    return [f"{len(written)} receipts (Danish replies to the senders) as .eml drafts in {out}"]


@hookimpl
def docauto_demo_steps() -> list[DemoStep]:
    return [DemoStep(name="receipts", order=65, run=run_demo)]
