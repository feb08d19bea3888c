"""The two recruited roles: their ids (as in REGISTRY.md), Danish names, and option parsing."""

from __future__ import annotations

from docauto.errors import UsageError

CLUSTER_LEADER = "cluster_leader"
PEDAGOGICAL_LEADER = "pedagogical_leader"
ROLES = (CLUSTER_LEADER, PEDAGOGICAL_LEADER)

# Stillingstype as HR writes it in the registry (REGISTRY.md §3).
TITLES = {CLUSTER_LEADER: "Klyngeleder", PEDAGOGICAL_LEADER: "Pædagogisk leder"}
# For file names: ASCII, so names survive mail clients and zip tools.
SLUGS = {CLUSTER_LEADER: "klyngeleder", PEDAGOGICAL_LEADER: "paedagogisk-leder"}

_OPTION_VALUES = {
    "klyngeleder": (CLUSTER_LEADER,),
    "klyngeledere": (CLUSTER_LEADER,),
    "cluster_leader": (CLUSTER_LEADER,),
    "paedagogisk_leder": (PEDAGOGICAL_LEADER,),
    "pædagogisk_leder": (PEDAGOGICAL_LEADER,),
    "paedagogisk-leder": (PEDAGOGICAL_LEADER,),
    "pædagogisk-leder": (PEDAGOGICAL_LEADER,),
    "pedagogical_leader": (PEDAGOGICAL_LEADER,),
    "begge": ROLES,
    "both": ROLES,
}


def parse_roles(value: str | None, default: tuple[str, ...]) -> tuple[str, ...]:
    """``--set rolle=klyngeleder|paedagogisk_leder|begge`` -> role ids."""
    if value is None or not str(value).strip():
        return default
    key = str(value).strip().casefold().replace(" ", "_")
    if key not in _OPTION_VALUES:
        raise UsageError(
            f"ukendt rolle '{value}'",
            hint="brug --set rolle=klyngeleder, paedagogisk_leder eller begge",
        )
    return _OPTION_VALUES[key]


def check_role(role: str) -> str:
    if role not in ROLES:
        raise UsageError(f"ukendt rolle '{role}'", hint=f"en af {', '.join(ROLES)}")
    return role
