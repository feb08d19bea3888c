"""The job profiles (the shared, quality-assured general part of every job ad) as data.

The texts live in templates/profiler/<role>.yaml so HR can edit them; they are checked on load.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from docauto.errors import ConfigError
from docauto.recruitment.roles import CLUSTER_LEADER, PEDAGOGICAL_LEADER, check_role

PROFILE_FILES = {
    CLUSTER_LEADER: "profiler/klyngeleder.yaml",
    PEDAGOGICAL_LEADER: "profiler/paedagogisk-leder.yaml",
}


@dataclass(frozen=True)
class JobProfile:
    role: str
    title: str
    heading: str
    general: tuple[str, ...]
    reports_to: str
    responsibilities: tuple[str, ...]
    competencies: tuple[str, ...]
    default_challenges: str
    source: str = ""

    def context(self) -> dict[str, object]:
        """The profile as the templates see it (``profil.*``)."""
        return {
            "titel": self.title,
            "overskrift": self.heading,
            "generelt": list(self.general),
            "refererer_til": self.reports_to,
            "ansvarsomraader": list(self.responsibilities),
            "kompetencer": list(self.competencies),
        }


def _texts(data: dict, key: str, where: str, problems: list[str]) -> tuple[str, ...]:
    value = data.get(key)
    if not isinstance(value, list) or not value:
        problems.append(f"{where}: '{key}' skal være en ikke-tom liste af tekster")
        return ()
    out = []
    for i, item in enumerate(value, start=1):
        if not isinstance(item, str) or not item.strip():
            problems.append(f"{where}: {key}[{i}] skal være en tekst")
        else:
            out.append(item.strip())
    return tuple(out)


def load_profile(role: str, path: str | Path | None = None) -> JobProfile:
    from docauto.datafiles import read_data
    from docauto.resources import template_path

    check_role(role)
    path = Path(path) if path else template_path(PROFILE_FILES[role])
    data = read_data(path, error=ConfigError)
    where = str(path)
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: jobprofilen skal være en tabel (titel, generelt, ...)")
    problems: list[str] = []
    texts = {
        k: str(data.get(k) or "").strip()
        for k in ("titel", "overskrift", "refererer_til", "standardtekst_udfordringer")
    }
    for key in ("titel", "refererer_til", "standardtekst_udfordringer"):
        if not texts[key]:
            problems.append(f"{where}: '{key}' mangler")
    if data.get("rolle") not in (None, role):
        problems.append(f"{where}: rolle er '{data.get('rolle')}', forventede '{role}'")
    profile = JobProfile(
        role=role,
        title=texts["titel"],
        heading=texts["overskrift"],
        general=_texts(data, "generelt", where, problems),
        reports_to=texts["refererer_til"],
        responsibilities=_texts(data, "ansvarsomraader", where, problems),
        competencies=_texts(data, "kompetencer", where, problems),
        default_challenges=texts["standardtekst_udfordringer"],
        source=where,
    )
    if problems:
        raise ConfigError(f"{where}: jobprofilen har fejl:\n  - " + "\n  - ".join(problems))
    return profile
