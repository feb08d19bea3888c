"""The overview's settings as data: who owes which submission (mappings/oversigt.yaml) and how
long applicants' data are kept (mappings/databeskyttelse.yaml, overridable per registry in the
``docauto.yaml`` beside it)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docauto.errors import ConfigError

OVERVIEW_FILE = "oversigt.yaml"
PRIVACY_FILE = "databeskyttelse.yaml"
RULES = ("per_position", "areas_with_positions", "areas_with_open", "areas_not_filled", "none")


def _yaml(path: Path) -> dict[str, Any]:
    from docauto.datafiles import read_mapping

    return read_mapping(path, empty_ok=True)


@dataclass(frozen=True)
class OverviewSettings:
    owed_by: dict[str, str]
    due_within_days: int
    readvertise_statuses: tuple[str, ...]

    def rule(self, kind: str, round: int | None = None) -> str:
        key = f"{kind}_{round}" if kind == "candidates" else kind
        return self.owed_by.get(key, self.owed_by.get(kind, "areas_with_positions"))


def load_overview_settings(path: Path | None = None) -> OverviewSettings:
    from docauto.resources import mapping_path

    path = path or mapping_path(OVERVIEW_FILE)
    data = _yaml(path)
    owed = data.get("owed_by") or {}
    if not isinstance(owed, dict):
        raise ConfigError(f"{path}: owed_by skal være en tabel kind -> regel")
    bad = [f"{k}: {v}" for k, v in owed.items() if v not in RULES]
    if bad:
        raise ConfigError(
            f"{path}: ukendt regel i owed_by ({'; '.join(bad)})", hint=f"regler: {', '.join(RULES)}"
        )
    days = data.get("due_within_days", 7)
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise ConfigError(f"{path}: due_within_days skal være et helt tal >= 0")
    statuses = data.get("readvertise_statuses") or ["Ikke besat", "Genopslag"]
    return OverviewSettings(
        {str(k): str(v) for k, v in owed.items()}, days, tuple(str(s) for s in statuses)
    )


@dataclass(frozen=True)
class PrivacySettings:
    retention_months: int
    anonymised_name: str
    source: str


def load_privacy_settings(registry: Path | None = None) -> PrivacySettings:
    """The municipality's retention period: mappings/databeskyttelse.yaml, then the
    ``docauto.yaml`` beside the registry (its ``retention_months`` wins)."""
    from docauto.resources import mapping_path

    path = mapping_path(PRIVACY_FILE)
    data = _yaml(path)
    source = str(path)
    if registry is not None:
        from docauto.registry.files import RegistryFiles

        local = RegistryFiles(registry).config
        if local.exists():
            extra = _yaml(local)
            for key in ("retention_months", "anonymised_name"):
                if key in extra:
                    data[key] = extra[key]
                    source = str(local)
    months = data.get("retention_months")
    if isinstance(months, bool) or not isinstance(months, int) or months < 0:
        raise ConfigError(f"{source}: retention_months skal være et helt antal måneder >= 0")
    name = str(data.get("anonymised_name") or "Anonymiseret").strip()
    return PrivacySettings(months, name, source)
