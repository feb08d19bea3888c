"""The registry workbook's contract (REGISTRY.md §3): sheet names, the columns the tool owns,
the statuses, and the Stillings-ID scheme. Other programs read these sheets by these names."""

from __future__ import annotations

POSITIONS = "Stillinger"
APPLICATIONS = "Ansøgninger"
RECOMMENDATIONS = "Indstillinger"
HIRES = "Ansættelser"
UNFILLED = "Ikke besatte"
JOB_ADS = "Stillingsannoncer"
INBOX = "Indbakke"
# The tool's own memory (content hashes of registered mails), a very hidden sheet.
STATE_SHEET = "_docauto"
# Columns of the hidden memory sheet (see docauto.registry.memory).
STATE_HEADERS = ["Message-ID", "Indhold", "Status"]

SHEETS: dict[str, tuple[str, ...]] = {
    POSITIONS: (
        "Stillings-ID",
        "Stillingstype",
        "Område",
        "Klynge",
        "Enhed",
        "Status",
        "Ansat",
        "Opdateret",
    ),
    APPLICATIONS: (
        "Stillingstype",
        "Område",
        "Klynge",
        "Enhed",
        "Ansøger",
        "E-mail",
        "Nuværende stilling",
        "Nuværende arbejdssted",
        "Modtaget",
        "Kilde",
    ),
    RECOMMENDATIONS: (
        "Runde",
        "Stillingstype",
        "Område",
        "Klynge",
        "Enhed",
        "Kandidat",
        "E-mail",
        "Prioritet",
        "Modtaget",
        "Kilde",
    ),
    HIRES: (
        "Stillingstype",
        "Område",
        "Klynge",
        "Enhed",
        "Navn",
        "E-mail",
        "Tiltrædelsesdato",
        "Modtaget",
        "Kilde",
    ),
    UNFILLED: ("Stillingstype", "Område", "Klynge", "Enhed", "Bemærkning", "Modtaget", "Kilde"),
    JOB_ADS: ("Stillingstype", "Område", "Klynge", "Enhed", "Fil", "Modtaget", "Kilde"),
    INBOX: (
        "Message-ID",
        "Modtaget",
        "Afsender",
        "Emne",
        "Type",
        "Runde",
        "Status",
        "Rækker",
        "Bemærkning",
    ),
}

# Which sheet a mail kind's rows go to. "vacancies" and "senior" have no sheet of their own:
# a vacancy report creates/updates Stillinger rows only; a senior application is only logged.
KIND_SHEET: dict[str, str] = {
    "applicants": APPLICATIONS,
    "candidates": RECOMMENDATIONS,
    "hires": HIRES,
    "unfilled": UNFILLED,
    "job_ad": JOB_ADS,
}

ROLE_LABEL = {"cluster_leader": "Klyngeleder", "pedagogical_leader": "Pædagogisk leder"}
LABEL_ROLE = {v: k for k, v in ROLE_LABEL.items()}

# Danish names of the kinds for the Indbakke 'Type' column (what HR reads).
KIND_LABEL = {
    "job_ad": "Stillingsannonce",
    "applicants": "Registrering af ansøgningerne",
    "candidates": "Registrering af kandidaten",
    "unfilled": "Registrering af IKKE besatte stillinger",
    "hires": "Ansættelser",
    "vacancies": "Indberetning af vakante stillinger",
    "senior": "Ansøgning om seniorordning",
}

# Stillinger.Status
OPSLAAET = "Opslået"
ANSOEGERE = "Ansøgere registreret"
KANDIDAT = "Kandidat indstillet"
BESAT = "Besat"
IKKE_BESAT = "Ikke besat"
GENOPSLAG = "Genopslag"
STATUSES = (OPSLAAET, ANSOEGERE, KANDIDAT, BESAT, IKKE_BESAT, GENOPSLAG)

# Indbakke.Status
REGISTERED = "Registreret"
DUPLICATE = "Dublet"
REJECTED = "Afvist"
PENDING = "Afventer"
INBOX_STATUSES = (REGISTERED, DUPLICATE, REJECTED, PENDING)

# Column formats (Excel number formats) and widths the tool sets when it creates a sheet.
DATETIME_FORMAT = "dd-mm-yyyy hh:mm"
DATE_FORMAT = "dd-mm-yyyy"
DATETIME_COLUMNS = {"Modtaget", "Opdateret"}
DATE_COLUMNS = {"Tiltrædelsesdato"}
WIDTHS = {
    "Stillings-ID": 16,
    "Stillingstype": 17,
    "Område": 16,
    "Klynge": 28,
    "Enhed": 28,
    "Status": 22,
    "Ansat": 24,
    "Opdateret": 17,
    "Ansøger": 24,
    "Kandidat": 24,
    "Navn": 24,
    "E-mail": 30,
    "Nuværende stilling": 22,
    "Nuværende arbejdssted": 26,
    "Modtaget": 17,
    "Kilde": 34,
    "Runde": 7,
    "Prioritet": 9,
    "Tiltrædelsesdato": 15,
    "Bemærkning": 50,
    "Fil": 36,
    "Message-ID": 34,
    "Afsender": 30,
    "Emne": 50,
    "Type": 30,
    "Rækker": 8,
}


def position_id(role: str, cluster_id: str, unit_id: str | None = None) -> str:
    """The Stillings-ID: ``KL-<Klynge-ID>`` for a cluster leader (one per cluster),
    ``PL-<Enheds-ID>`` for a pedagogical leader (one per unit; ``PL-<Klynge-ID>`` when a
    submission names no unit)."""
    if role == "cluster_leader":
        return f"KL-{cluster_id}"
    return f"PL-{unit_id or cluster_id}"


# The order statuses move in. Besat and Ikke besat both end a round; Ikke besat may still
# become Besat (filled in the 2nd round), never the other way. Genopslag (re-advertised) is
# reached from Ikke besat only (a new job ad for it, or HR's own word), and from Genopslag the
# cycle starts again.
_RANK = {OPSLAAET: 0, ANSOEGERE: 1, KANDIDAT: 2, IKKE_BESAT: 3, BESAT: 4}


def next_status(current: str | None, proposed: str) -> str | None:
    """The status after ``proposed`` is reported for a position in ``current``; None = no change."""
    current = (current or "").strip()
    if not current:
        return proposed
    if proposed == current:
        return None
    if proposed == OPSLAAET and current == IKKE_BESAT:
        return GENOPSLAG  # a new ad for a position that was not filled is a re-advertisement
    if proposed == GENOPSLAG:
        return GENOPSLAG if current == IKKE_BESAT else None
    if current == GENOPSLAG:
        return proposed if proposed != OPSLAAET else None
    if current not in _RANK:  # a status HR typed by hand: leave it alone
        return None
    return proposed if _RANK[proposed] > _RANK[current] else None
