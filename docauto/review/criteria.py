"""Each network (and self-governing cluster) against its umbrella organisation's model:
children, number of institutions, age range and the model itself, from
mappings/paraplymodeller.yaml."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from docauto.errors import ConfigError
from docauto.structure.model import Cluster, Structure

ASSESSMENTS = ("anbefales", "kræver drøftelse", "opfylder ikke principperne")


@dataclass
class CriteriaResult:
    cluster: Cluster
    umbrella_name: str = ""
    model_text: str = ""
    deviations: list[str] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)
    criteria: list[str] = field(default_factory=list)  # the model's criteria, as text
    # The administration's assessment of the model (paraplymodeller.yaml), "" if none given.
    assessment: str = ""

    @property
    def ok(self) -> bool:
        """Meets the criteria and the model is recommended; a model that needs discussion
        (Frie Børnehaver A) is not OK until it has been discussed."""
        return not self.deviations and self.assessment != "kræver drøftelse"

    @property
    def verdict(self) -> str:
        if self.deviations:
            return "Afvigelser"
        if self.assessment == "kræver drøftelse":
            return "Kræver nærmere drøftelser"
        return "OK"


def load_models(path: Any = None) -> dict[str, dict[str, Any]]:
    from docauto.resources import mapping_path
    from docauto.review.settings import _load_yaml

    path = path or mapping_path("paraplymodeller.yaml")
    data = _load_yaml(path) or {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: forventede én nøgle pr. paraplyorganisation")
    for name, spec in data.items():
        if not isinstance(spec, dict):
            raise ConfigError(f"{path}: '{name}' skal være en tabel")
        for model, m in (spec.get("modeller") or {}).items():
            if (m or {}).get("vurdering") not in ASSESSMENTS:
                raise ConfigError(
                    f"{path}: {name} model '{model}': vurdering skal være en af "
                    + ", ".join(ASSESSMENTS)
                )
    return data


def _range_text(r: dict[str, Any], unit: str) -> str:
    lo, hi = r.get("min"), r.get("max")
    if lo is not None and hi is not None:
        return f"{lo}-{hi} {unit}"
    if lo is not None:
        return f"mindst {lo} {unit}"
    return f"højst {hi} {unit}"


def _find_model(models: dict[str, Any], name: str) -> tuple[str, dict[str, Any]] | None:
    key = name.strip().casefold()
    for k, v in models.items():
        k2 = str(k).casefold()
        if key in (k2, f"model {k2}") or key.removeprefix("model ").strip() == k2:
            return str(k), v or {}
    return None


def genitive(name: str) -> str:
    """Danish genitive of an organisation's name: "Frie Børnehavers", "MDI's", "SBBU's"; a
    name with its abbreviation in brackets drops them ("Menighedernes Daginstitutioners")."""
    base = name.split(" (", 1)[0].strip() if name.endswith(")") else name.strip()
    if not base:
        return ""
    if base[-1].casefold() in "sxz":
        return base + "'"
    last = base.split()[-1]
    return base + ("'s" if last.isupper() or last[-1].isdigit() else "s")


def _model_label(umbrella: str, name: str, text: str) -> str:
    """The model as a person names it, its name said once: "Frie Børnehavers model B (model
    med fælles koordinator i netværket)", "MDI's model (forpligtende netværk inspireret af
    SESAM-modeller)", "Børneringens model for netværksledelse"."""
    owner = genitive(umbrella)
    described = (
        text[:1].lower() + text[1:] if text[:1].isupper() and not text[1:2].isupper() else text
    )
    if not text or text.casefold() == name.casefold():
        return f"{owner} model {name}"
    # A letter or number ("B", "3") is a code the text does not repeat, even if it holds it.
    if len(name) <= 2 or name.casefold() not in text.casefold():
        return f"{owner} model {name} ({described})"
    if described.startswith("model "):
        return f"{owner} {described}"
    return f"{owner} model ({described})"


def _assess_model(result: CriteriaResult, cluster: Cluster, name: str, m: dict[str, Any]) -> None:
    """The administration's view of the model, named as the umbrella does ("Frie Børnehavers
    model A", "SBBU's model 3")."""
    result.model_text = str(m.get("tekst") or name)
    result.assessment = str(m.get("vurdering") or "")
    label = _model_label(cluster.umbrella, name, str(m.get("tekst") or ""))
    if result.assessment == "opfylder ikke principperne":
        result.deviations.append(
            f"{label[:1].upper()}{label[1:]} lever efter forvaltningens vurdering ikke op til de "
            "principper, politikerne ønsker at forfølge"
        )
    elif result.assessment == "kræver drøftelse":
        result.remarks.append(f"{label[:1].upper()}{label[1:]} kræver nærmere drøftelser")
    elif result.assessment == "anbefales":
        result.remarks.append(f"Forvaltningen anbefaler {label}")


def _check_count(result: CriteriaResult, rule: dict[str, Any], value: int, noun: str) -> None:
    """A count (children, institutions) against the model's min and max."""
    result.criteria.append(_range_text(rule, noun))
    if rule.get("min") is not None and value < rule["min"]:
        result.deviations.append(f"{value} {noun} er under modellens minimum på {rule['min']}")
    if rule.get("max") is not None and value > rule["max"]:
        result.deviations.append(f"{value} {noun} er over modellens maksimum på {rule['max']}")


def _check_ages(result: CriteriaResult, cluster: Cluster, rule: dict[str, Any]) -> None:
    """Every unit's age group within the model's ages."""
    lo, hi = rule.get("min", 0), rule.get("max", 99)
    result.criteria.append(f"{lo}-{hi} år")
    for u in sorted(cluster.units, key=lambda u: u.id):
        if u.age_range is None:
            result.remarks.append(f"{u.name}: aldersgruppen er ikke angivet")
        elif u.age_range[0] < lo or u.age_range[1] > hi:
            result.deviations.append(
                f"{u.name} har aldersgruppen {u.age_group}, uden for modellens {lo}-{hi} år"
            )


def _check_model(result: CriteriaResult, cluster: Cluster, modeller: dict[str, Any]) -> None:
    """The cluster's model is one the umbrella organisation has, and fits it."""
    if not cluster.model:
        result.remarks.append("ingen model angivet i strukturen")
        return
    found = _find_model(modeller, cluster.model)
    if found is None:
        result.deviations.append(
            f"modellen '{cluster.model}' findes ikke hos "
            f"{result.umbrella_name} (kendte: {', '.join(map(str, modeller))})"
        )
    else:
        _assess_model(result, cluster, *found)


def check_cluster(cluster: Cluster, models: dict[str, dict[str, Any]]) -> CriteriaResult:
    result = CriteriaResult(cluster)
    if not cluster.umbrella:
        result.deviations.append("ingen paraplyorganisation angivet i strukturen")
        return result
    spec = models.get(cluster.umbrella)
    if spec is None:
        result.deviations.append(
            f"der er ingen model for paraplyorganisationen '{cluster.umbrella}'"
        )
        return result
    result.umbrella_name = str(spec.get("navn") or cluster.umbrella)
    crit = spec.get("kriterier") or {}
    if "børn" in crit:
        _check_count(result, crit["børn"], cluster.children, "børn")
    if "institutioner" in crit:
        _check_count(result, crit["institutioner"], len(cluster.units), "institutioner")
    if "alder" in crit:
        _check_ages(result, cluster, crit["alder"])
    modeller = spec.get("modeller") or {}
    if modeller:
        _check_model(result, cluster, modeller)
    return result


def check_all(
    structure: Structure,
    models: dict[str, dict[str, Any]] | None = None,
    include_clusters: bool = True,
) -> list[CriteriaResult]:
    """Every network (and, by default, every self-governing cluster), in structure order."""
    models = load_models() if models is None else models
    return [
        check_cluster(c, models)
        for c in structure.clusters.values()
        if c.is_network or (include_clusters and c.type == "Selvejende klynge")
    ]


REPORT_COLUMNS = (
    "Klynge-ID",
    "Navn",
    "Type",
    "Område",
    "Paraplyorganisation",
    "Model",
    "Antal børn",
    "Antal institutioner",
    "Aldersgruppe",
    "Modellens kriterier",
    "Resultat",
    "Afvigelser",
    "Bemærkninger",
)


def report_rows(results: list[CriteriaResult]) -> list[dict[str, Any]]:
    rows = []
    for r in results:
        c = r.cluster
        ages = f"{c.age_range[0]}-{c.age_range[1]}" if c.age_range else ""
        rows.append(
            dict(
                zip(
                    REPORT_COLUMNS,
                    (
                        c.id,
                        c.name,
                        c.type,
                        c.area,
                        c.umbrella,
                        c.model,
                        c.children,
                        len(c.units),
                        ages,
                        "; ".join(r.criteria),
                        r.verdict,
                        "; ".join(r.deviations),
                        "; ".join(r.remarks),
                    ),
                    strict=True,
                )
            )
        )
    return rows


def write_report_workbook(results: list[CriteriaResult]) -> bytes:
    import openpyxl
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Kriterietjek"
    ws.append(list(REPORT_COLUMNS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    red = PatternFill("solid", fgColor="F8CBAD")
    rows = report_rows(results)
    for row in rows:
        ws.append([row[h] for h in REPORT_COLUMNS])
        r = ws._current_row  # the row just appended; max_row would scan every cell each time
        for cell in next(ws.iter_rows(min_row=r, max_row=r, max_col=len(REPORT_COLUMNS))):
            if isinstance(cell.value, str):
                cell.data_type = "s"
        if row["Resultat"] != "OK":
            ws.cell(ws._current_row, REPORT_COLUMNS.index("Resultat") + 1).fill = red
    for i, h in enumerate(REPORT_COLUMNS, start=1):
        width = max([len(h)] + [len(str(r[h] or "")) for r in rows]) + 2
        ws.column_dimensions[get_column_letter(i)].width = min(width, 70)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    from docauto.office.housestyle import workbook_bytes

    return workbook_bytes(wb, "Kriterietjek: netværk og selvejende klynger")
