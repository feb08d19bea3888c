"""Who may submit what: an area's chief and deputy for their own area, HR for every area.

HR's own addresses (the shared mailbox, HR consultants) come from ``--hr-address`` and from
``docauto.yaml`` beside the registry::

    hr_addresses:
      - jobbank@buf.demokommune.dk
      - hr-konsulent@buf.demokommune.dk
    authenticated_origin:           # see docauto.mail.origin and docs/mail-authentication.md
      required: true
      server_ids: [mx.buf.demokommune.dk]
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from docauto.errors import ConfigError
from docauto.structure.model import Structure, is_email

if TYPE_CHECKING:
    from docauto.mail.origin import OriginPolicy

CONFIG_NAME = "docauto.yaml"


def config_path(registry: Path) -> Path:
    from docauto.registry.files import RegistryFiles

    return RegistryFiles(registry).config


def _config(registry: Path) -> dict:
    path = config_path(registry)
    if not path.exists():
        return {}
    from docauto.datafiles import read_data

    data = read_data(path, error=ConfigError) or {}
    if not isinstance(data, dict):
        raise ConfigError(
            f"{path}: forventede en tabel (hr_addresses, authenticated_origin) øverst"
        )
    return data


def load_origin_policy(registry: Path) -> OriginPolicy:
    """``authenticated_origin`` of docauto.yaml beside the registry (off when absent)."""
    from docauto.mail.origin import OriginPolicy

    return OriginPolicy.from_config(
        _config(registry).get("authenticated_origin"), str(config_path(registry))
    )


def load_hr_addresses(registry: Path, extra: Iterable[str] = ()) -> frozenset[str]:
    """HR's addresses: ``extra`` plus ``hr_addresses`` of docauto.yaml beside the registry."""
    out = {a.strip().lower() for a in extra if a and a.strip()}
    path = config_path(registry)
    data = _config(registry)
    if data:
        listed = data.get("hr_addresses") or []
        if isinstance(listed, str):
            listed = [listed]
        if not isinstance(listed, list):
            raise ConfigError(f"{path}: 'hr_addresses' skal være en liste af e-mailadresser")
        out |= {str(a).strip().lower() for a in listed if str(a).strip()}
    bad = sorted(a for a in out if not is_email(a))
    if bad:
        raise ConfigError(f"ugyldig HR-adresse: {', '.join(bad)}")
    return frozenset(out)


@dataclass(frozen=True)
class Sender:
    address: str
    is_hr: bool
    areas: frozenset[str]  # areas whose chief or deputy this is

    @property
    def known(self) -> bool:
        return self.is_hr or bool(self.areas)

    def may_submit_for(self, area: str) -> bool:
        return self.is_hr or area in self.areas


def identify_sender(structure: Structure, address: str, hr_addresses: Iterable[str]) -> Sender:
    address = (address or "").strip().lower()
    hr = {a.lower() for a in hr_addresses}
    areas = frozenset(
        a.name for a in structure.areas.values() if address and address in a.authorised_emails
    )
    return Sender(address, bool(address) and address in hr, areas)
