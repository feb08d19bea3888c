"""Classifying a mail by its subject (REGISTRY.md §1): role, kind and round.

The patterns are data in ``mappings/emner.yaml`` (HR extends them without touching code); this
module only folds subjects and patterns the same way and applies the decision rules described
in that file. When it is not sure it answers null: a wrong registration is worse than a
quarantined mail.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from docauto.errors import ConfigError

ROLES = ("cluster_leader", "pedagogical_leader")
KINDS = ("job_ad", "applicants", "candidates", "unfilled", "hires", "vacancies", "senior")
PATTERN_FILE = "emner.yaml"
MAX_SUBJECT_CHARS = 1000


@dataclass(frozen=True)
class Classification:
    role: str | None
    kind: str | None
    round: int | None

    @property
    def known(self) -> bool:
        return self.kind is not None


UNKNOWN = Classification(None, None, None)


# --- folding ---------------------------------------------------------------------------------

_LETTERS = str.maketrans(
    {"æ": "ae", "ø": "oe", "å": "aa", "ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "\u00a0": " "}
)
# Danish spelled without æ/ø/å comes as ae/oe/aa, or as plain a/o/a ("ansogningerne"):
# folding all three to one letter makes every spelling compare equal.
_DIGRAPHS = (("aa", "a"), ("ae", "a"), ("oe", "o"))


def fold(text: str) -> str:
    """Lower case, æ/ø/å and their spellings folded to a/o/a, other accents dropped."""
    t = unicodedata.normalize("NFKC", text or "").casefold().translate(_LETTERS)
    if not t.isascii():  # most text is ASCII once æ/ø/å are spelled out: nothing to drop
        t = "".join(c for c in unicodedata.normalize("NFKD", t) if not unicodedata.combining(c))
    for a, b in _DIGRAPHS:
        t = t.replace(a, b)
    return t


def decode_subject(subject: str) -> str:
    """Decode RFC 2047 encoded words still left in a subject; whitespace normalised."""
    text = subject or ""
    if "=?" in text:
        from email.header import decode_header, make_header

        try:
            text = str(make_header(decode_header(text)))
        except Exception:
            pass
    return " ".join(text.split())


# --- patterns --------------------------------------------------------------------------------

_WORD = r"[^\W_]"  # a letter or digit, any script
_SEP = r"[\W_]*"


def _compile_phrase(entry: Any, where: str) -> re.Pattern[str]:
    if isinstance(entry, dict) and "regex" in entry:
        try:
            return re.compile(str(entry["regex"]))
        except re.error as exc:
            raise ConfigError(
                f"{where}: ugyldigt regulært udtryk {entry['regex']!r}: {exc}"
            ) from None
    if not isinstance(entry, str | int) or not str(entry).strip():
        raise ConfigError(f"{where}: et mønster skal være en tekst, fik {entry!r}")
    words = [w for w in re.split(r"[^\w*]+|_", fold(str(entry))) if w and w != "*"]
    if not words:
        raise ConfigError(f"{where}: mønsteret {entry!r} indeholder ingen ord")
    parts = []
    for w in words:
        stem = w.rstrip("*")
        parts.append(re.escape(stem) + (f"{_WORD}*" if w.endswith("*") else ""))
    tail = "" if words[-1].endswith("*") else f"(?!{_WORD})"
    return re.compile(f"(?<!{_WORD})" + _SEP.join(parts) + tail)


@dataclass(frozen=True)
class _KindRule:
    name: str
    role_required: bool
    patterns: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class Patterns:
    prefix_re: re.Pattern[str]
    roles: dict[str, tuple[re.Pattern[str], ...]]
    kinds: tuple[_KindRule, ...]
    rounds: dict[int, tuple[re.Pattern[str], ...]]
    round_kinds: frozenset[str]
    default_round: int | None
    ignore: tuple[re.Pattern[str], ...] = ()
    report_re: re.Pattern[str] | None = None
    # Subjects classified with these patterns: a pure function of the subject, and subjects
    # repeat (they follow the conventions). Bounded; gone with the patterns when the file
    # changes.
    known: dict[str, Classification] = field(default_factory=dict, compare=False, repr=False)


def _phrases(value: Any, where: str) -> tuple[re.Pattern[str], ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ConfigError(f"{where}: forventede en liste af mønstre")
    return tuple(_compile_phrase(v, f"{where}[{i}]") for i, v in enumerate(value))


def _prefix_re(data: dict[str, Any]) -> re.Pattern[str]:
    prefixes = [fold(str(p)) for p in data.get("prefixes") or []]
    alt = "|".join(re.escape(p) for p in sorted(prefixes, key=len, reverse=True)) or "(?!)"
    # "SV: VS:RE [EKSTERN] Fwd ..." -> strip; a prefix without colon must be a whole word.
    return re.compile(
        rf"^(?:\s*(?:\[[^\]]{{0,60}}\]|\((?:{alt})\)|(?:{alt})(?:\[\d+\]|\(\d+\))?(?:\s*:|(?={_SEP}(?:\s|$)))))+[\s:]*"
    )


def _role_rules(data: dict[str, Any], name: str) -> dict[str, tuple[re.Pattern[str], ...]]:
    roles_data = data.get("roles") or {}
    if not isinstance(roles_data, dict):
        raise ConfigError(f"{name}: 'roles' skal være en ordbog")
    roles = {}
    for role, phrases in roles_data.items():
        if role not in ROLES:
            raise ConfigError(f"{name}: ukendt rolle '{role}' (kendte: {', '.join(ROLES)})")
        roles[role] = _phrases(phrases, f"{name}: roles.{role}")
    return roles


def _kind_rules(data: dict[str, Any], name: str) -> tuple[_KindRule, ...]:
    kinds = []
    for kind, spec in (data.get("kinds") or {}).items():
        if kind not in KINDS:
            raise ConfigError(f"{name}: ukendt type '{kind}' (kendte: {', '.join(KINDS)})")
        if isinstance(spec, list):  # shorthand: just the phrases
            spec = {"phrases": spec}
        if not isinstance(spec, dict):
            raise ConfigError(f"{name}: kinds.{kind} skal være en ordbog eller en liste")
        kinds.append(
            _KindRule(
                kind,
                bool(spec.get("role_required", True)),
                _phrases(spec.get("phrases"), f"{name}: kinds.{kind}.phrases"),
            )
        )
    return tuple(kinds)


def _round_rules(data: dict[str, Any], name: str) -> dict[int, tuple[re.Pattern[str], ...]]:
    rounds = {}
    for number, phrases in (data.get("rounds") or {}).items():
        try:
            n = int(number)
        except (TypeError, ValueError):
            raise ConfigError(f"{name}: runde '{number}' er ikke et tal") from None
        rounds[n] = _phrases(phrases, f"{name}: rounds.{n}")
    return rounds


def _build(data: dict[str, Any], name: str) -> Patterns:
    if not isinstance(data, dict):
        raise ConfigError(f"{name}: forventede en YAML-ordbog øverst")
    prefix_re = _prefix_re(data)
    roles = _role_rules(data, name)
    kinds = _kind_rules(data, name)
    rounds = _round_rules(data, name)
    default = data.get("default_round", 1)
    return Patterns(
        prefix_re,
        roles,
        kinds,
        rounds,
        frozenset(data.get("round_kinds") or ["candidates"]),
        int(default) if default is not None else None,
        _phrases(data.get("ignore"), f"{name}: ignore"),
        _report_re(data.get("report_prefixes")),
    )


def _report_re(prefixes: Any) -> re.Pattern[str] | None:
    """ "Læst:", "Ikke læst:", ... at the start of a subject, followed by a colon."""
    reports = [fold(str(p)) for p in prefixes or []]
    if not reports:
        return None
    words = "|".join(
        _SEP.join(re.escape(w) for w in r.split()) for r in sorted(reports, key=len, reverse=True)
    )
    return re.compile(rf"^\s*(?:{words})\s*:")


@lru_cache(maxsize=8)
def _load(path: str, mtime_ns: int, size: int) -> Patterns:
    # Keyed by path and modification time: a test (or HR) pointing DOCAUTO_MAPPINGS elsewhere,
    # or editing the file while `mail watch` runs, gets the new patterns.
    from docauto.datafiles import read_data

    data = read_data(path, error=ConfigError)
    return _build(data or {}, path)


def load_patterns(path: Path | None = None) -> Patterns:
    """The subject patterns from mappings/emner.yaml (or the given file), cached per file."""
    if path is None:
        from docauto.resources import mapping_path

        path = mapping_path(PATTERN_FILE)
    try:
        stat = path.stat()
        mtime, size = stat.st_mtime_ns, stat.st_size
    except OSError as exc:
        raise ConfigError(f"{path}: mønsterfilen kan ikke læses ({exc.strerror})") from None
    return _load(str(path), mtime, size)


# --- deciding --------------------------------------------------------------------------------

# Any "N. runde" / "runde N": a round number the patterns do not list makes the answer unsure.
_ROUND_NUMBER = re.compile(
    r"(\d+)[\W_]*(?:samtale|interview)?(?:runde|round)"
    r"|(?:runde|round)[\W_]*(?:nr[\W_]*)?(\d+)"
)


def strip_prefixes(folded: str, patterns: Patterns) -> str:
    return patterns.prefix_re.sub("", folded, count=1)


def _kind_matches(text: str, patterns: Patterns) -> set[str]:
    spans: list[tuple[int, int, str]] = []
    for rule in patterns.kinds:
        for rx in rule.patterns:
            spans.extend(
                (m.start(), m.end(), rule.name) for m in rx.finditer(text) if m.end() > m.start()
            )
    kept = set()
    for s, e, k in spans:
        inside_other = any(
            s2 <= s and e <= e2 and (e2 - s2) > (e - s) and k2 != k for s2, e2, k2 in spans
        )
        if not inside_other:
            kept.add(k)
    return kept


def is_report_subject(subject: str, patterns: Patterns | None = None) -> bool:
    """True for "Læst: ...", "Ikke læst: ...", "Read: ...", "Gelesen: ..." and the other read
    receipt and delivery report prefixes of mappings/emner.yaml (report_prefixes)."""
    patterns = patterns or load_patterns()
    if patterns.report_re is None:
        return False
    text = fold(decode_subject(subject[: MAX_SUBJECT_CHARS * 4]))[:MAX_SUBJECT_CHARS]
    for _ in range(5):  # "Læst: SV: ..." and "SV: Læst: ..."
        if patterns.report_re.match(text):
            return True
        stripped = strip_prefixes(text, patterns)
        if stripped == text:
            return False
        text = stripped
    return False


MAX_KNOWN_SUBJECTS = 4096


def classify(subject: str, patterns: Patterns | None = None) -> Classification:
    """Role, kind and round of a subject; all None when not sure."""
    patterns = patterns or load_patterns()
    found = patterns.known.get(subject)
    if found is None:
        found = _classify(subject, patterns)
        if len(patterns.known) < MAX_KNOWN_SUBJECTS and len(subject) <= MAX_SUBJECT_CHARS:
            patterns.known[subject] = found
    return found


def _classify(subject: str, patterns: Patterns) -> Classification:
    # A subject is a line, not a document: the cap keeps every pattern quick.
    text = strip_prefixes(
        fold(decode_subject(subject[: MAX_SUBJECT_CHARS * 4]))[:MAX_SUBJECT_CHARS], patterns
    )
    if not text.strip() or any(rx.search(text) for rx in patterns.ignore):
        return UNKNOWN
    if is_report_subject(subject, patterns):
        return UNKNOWN
    roles = {role for role, rxs in patterns.roles.items() if any(rx.search(text) for rx in rxs)}
    role = next(iter(roles)) if len(roles) == 1 else None
    kinds = _kind_matches(text, patterns)
    if len(kinds) != 1 or len(roles) > 1:
        return UNKNOWN
    kind = next(iter(kinds))
    rule = next(r for r in patterns.kinds if r.name == kind)
    if rule.role_required and role is None:
        return UNKNOWN
    number: int | None = None
    if kind in patterns.round_kinds:
        found = {n for n, rxs in patterns.rounds.items() if any(rx.search(text) for rx in rxs)}
        for m in _ROUND_NUMBER.finditer(text):
            found.add(int(m.group(1) or m.group(2)))
        if len(found) > 1 or (found and not found <= set(patterns.rounds)):
            return UNKNOWN
        number = next(iter(found)) if found else patterns.default_round
    return Classification(role, kind, number)


def classification_json(subject: str) -> dict[str, Any]:
    """Exactly REGISTRY.md §1's object for one subject."""
    c = classify(subject)
    return {"subject": subject, "role": c.role, "kind": c.kind, "round": c.round}
