"""Built-in plugin: the registry's part of ``docauto demo`` (init + ingest of the demo mailbox)."""

from __future__ import annotations

import shutil
from pathlib import Path

from docauto.demo.municipality import DemoContext, DemoStep
from docauto.hookspecs import hookimpl

DEMO_HR_ADDRESS = "jobbank@buf.demokommune.dk"


def demo_mailbox() -> Path:
    from docauto.resources import data_dir

    return data_dir() / "demo" / "indbakke"


def _fresh(registry: Path) -> None:
    """The demo starts from an empty registry each time it runs into the same folder."""
    from docauto.mail.quarantine import quarantine_dir
    from docauto.registry.journal import journal_path

    for path in registry.parent.glob(registry.stem + ".backup*.xlsx"):
        path.unlink()
    for path in (registry, journal_path(registry)):
        if path.exists():
            path.unlink()
    if quarantine_dir(registry).is_dir():
        shutil.rmtree(quarantine_dir(registry))


def run_demo(ctx: DemoContext) -> list[str]:
    from docauto.mail.authorise import config_path
    from docauto.mail.ingest import ingest
    from docauto.mail.sources import open_source
    from docauto.output import atomic_write
    from docauto.registry.init import init_registry

    registry = ctx.out_dir / "hr" / "register.xlsx"
    registry.parent.mkdir(parents=True, exist_ok=True)
    _fresh(registry)
    atomic_write(
        config_path(registry),
        f"# HR's own addresses: they may submit for every area.\nhr_addresses:\n"
        f"  - {DEMO_HR_ADDRESS}\n".encode(),
    )
    created = init_registry(ctx.structure, registry)
    source = open_source(f"dir:{demo_mailbox()}")
    try:
        summary = ingest(source, ctx.structure, registry)
    finally:
        source.close()
    ctx.shared["registry"] = registry
    return [created.line(), *summary.lines(), f"registry: {registry}"]


@hookimpl
def docauto_demo_steps() -> list[DemoStep]:
    return [DemoStep(name="registry", order=60, run=run_demo)]
