"""The review's editable data: settings in mappings/, agenda and document texts in templates/tekster/."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docauto.errors import ConfigError
from docauto.resources import mapping_path, templates_dir


def _load_yaml(path: Path) -> Any:
    from docauto.datafiles import read_data

    return read_data(path, error=ConfigError)


def texts(name: str) -> dict[str, Any]:
    """A text file of templates/tekster/ (e.g. 'dagsorden.yaml') as a dict."""
    from docauto.datafiles import read_mapping

    return read_mapping(templates_dir() / "tekster" / name)


@dataclass(frozen=True)
class AgendaItem:
    id: str
    title: str
    text: str = ""


def agenda(meeting_type: str) -> list[AgendaItem]:
    """The agenda items for a cluster type ('Netværk' gets the network points)."""
    data = texts("dagsorden.yaml")
    key = "netværk" if meeting_type == "Netværk" else "klynge"
    items = data.get(key) or []
    out, seen = [], set()
    for i, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not item.get("id") or not item.get("titel"):
            raise ConfigError(f"dagsorden.yaml: '{key}' punkt {i} skal have 'id' og 'titel'")
        if item["id"] in seen:
            raise ConfigError(f"dagsorden.yaml: '{key}' har id '{item['id']}' to gange")
        seen.add(item["id"])
        out.append(
            AgendaItem(str(item["id"]), str(item["titel"]), str(item.get("tekst") or "").strip())
        )
    return out


@dataclass(frozen=True)
class FixedParticipant:
    name: str
    role: str
    email: str


@dataclass(frozen=True)
class ReviewSettings:
    start: dt.date
    end: dt.date
    day_start: dt.time
    day_end: dt.time
    minutes: int = 90
    pause: int = 0
    place: str = ""
    places: dict[str, str] = field(default_factory=dict)
    organizer_name: str = ""
    organizer_email: str = ""
    fixed: tuple[FixedParticipant, ...] = ()
    title: str = "Strukturel gennemgang"
    holiday_categories: tuple[str, ...] = ("public", "optional")
    letter_date: dt.date | None = None
    contact: dict[str, str] = field(default_factory=dict)
    info_meetings: dict[str, Any] = field(default_factory=dict)

    def place_for(self, area: str) -> str:
        return self.places.get(area) or self.place


def parse_clock(value: Any, where: str) -> dt.time:
    if isinstance(value, dt.time):
        return value
    if isinstance(value, int):  # YAML 1.1 reads 09:00 unquoted as a sexagesimal number
        value = f"{value // 60}:{value % 60:02d}"
    text = str(value).strip().replace(".", ":")
    try:
        h, m = text.split(":")
        return dt.time(int(h), int(m))
    except ValueError:
        raise ConfigError(f"{where}: '{value}' er ikke et klokkeslæt som 09:00") from None


def _categories(value: Any, path: Path) -> tuple[str, ...]:
    import holidays

    if value in (None, ""):
        return ("public", "optional")
    values = tuple(str(v).strip() for v in (value if isinstance(value, list) else [value]))
    known = holidays.Denmark.supported_categories
    for v in values:
        if v not in known:
            raise ConfigError(
                f"{path}: fridage: ukendt kategori '{v}' (kendte: {', '.join(known)})"
            )
    return values


def load_settings(path: Path | None = None) -> ReviewSettings:
    from docauto.dates import parse_date

    path = path or mapping_path("strukturgennemgang.yaml")
    data = _load_yaml(path) or {}
    try:
        period = data.get("periode") or {}
        hours = data.get("arbejdstid") or {}
        org = data.get("arrangør") or {}
        fixed = tuple(
            FixedParticipant(
                str(p["navn"]), str(p.get("rolle") or p["navn"]), str(p.get("e-mail") or "")
            )
            for p in data.get("faste_deltagere") or []
        )
        return ReviewSettings(
            start=parse_date(period.get("fra", "2012-09-01")),
            end=parse_date(period.get("til", "2012-11-30")),
            day_start=parse_clock(hours.get("fra", "09:00"), f"{path}: arbejdstid.fra"),
            day_end=parse_clock(hours.get("til", "15:30"), f"{path}: arbejdstid.til"),
            minutes=int(data.get("mødelængde_minutter", 90)),
            pause=int(data.get("pause_minutter", 0)),
            place=str(data.get("sted") or ""),
            places={str(k): str(v) for k, v in (data.get("steder") or {}).items()},
            organizer_name=str(org.get("navn") or ""),
            organizer_email=str(org.get("e-mail") or ""),
            fixed=fixed,
            title=str(data.get("titel") or "Strukturel gennemgang"),
            holiday_categories=_categories(data.get("fridage"), path),
            letter_date=parse_date(data["brevdato"]) if data.get("brevdato") else None,
            contact={str(k): str(v) for k, v in (data.get("kontakt") or {}).items()},
            info_meetings=dict(data.get("informationsmøder") or {}),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ConfigError(f"{path}: indstillingerne kan ikke læses: {exc}") from None
