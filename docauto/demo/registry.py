"""Built-in plugin: the registry's part of ``docauto demo`` (init + ingest of the demo mailbox)."""

from __future__ import annotations

import shutil
from pathlib import Path

from docauto.demo.municipality import DemoContext, DemoStep
from docauto.hookspecs import hookimpl

# docauto.yaml beside the demo registry. The demo mailbox is delivered by Exchange Online
# (scripts/make_demo_mailbox.py writes its headers): only mail Exchange vouches for is taken.
DEMO_CONFIG = """\
# HR's own addresses may submit for every area; {mailbox} is the jobbank mailbox
# (mailbox in mappings/rekrutteringsplan.yaml).
hr_addresses:
  - {mailbox}
# Accept a submission only when the organisation's mail server vouches for its sender
# (docs/mail-authentication.md).
authenticated_origin:
  required: true
  server_ids: [exchange-online]
  exchange_internal: true
"""


def write_demo_config(registry: Path) -> None:
    from docauto.mail.authorise import config_path
    from docauto.output import atomic_write
    from docauto.recruitment.timeline import load_timeline

    text = DEMO_CONFIG.format(mailbox=load_timeline().mailbox)
    atomic_write(config_path(registry), text.encode("utf-8"))


def demo_mailbox() -> Path:
    from docauto.resources import data_dir

    return data_dir() / "demo" / "indbakke"


def _fresh(registry: Path) -> None:
    """The demo starts from an empty registry each time it runs into the same folder."""
    from docauto.registry.files import RegistryFiles

    files = RegistryFiles(registry)
    for path in [*files.backups(), *files.journals_applying(), *files.temp_files()]:
        path.unlink()
    for path in (registry, files.journal):
        if path.exists():
            path.unlink()
    if files.quarantine.is_dir():
        shutil.rmtree(files.quarantine)


def run_demo(ctx: DemoContext) -> list[str]:
    from docauto.mail.ingest import ingest
    from docauto.mail.sources import open_source
    from docauto.registry.init import init_registry

    registry = ctx.out_dir / "hr" / "register.xlsx"
    registry.parent.mkdir(parents=True, exist_ok=True)
    _fresh(registry)
    write_demo_config(registry)
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
