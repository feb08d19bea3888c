"""Template contexts for the review documents: pure functions from the structure, a meeting
and the editable texts to the dicts the Word templates read."""

from __future__ import annotations

import json
from typing import Any

from docauto.office.filters import dato_ugedag
from docauto.review.schedule import Participant, ScheduledMeeting
from docauto.review.settings import AgendaItem, ReviewSettings, agenda, texts
from docauto.structure.model import Cluster, Structure


def _names_its_type(cluster: Cluster) -> bool:
    """Whether the name already says what it is ("Netværk MDI Amager", "Klynge Valby")."""
    noun = "netværk" if cluster.is_network else "klynge"
    return noun in cluster.name.casefold()


def type_label(type_name: str, name: str) -> str:
    """'(netværk)' after a name only when the name does not say so already."""
    noun = type_name.split()[-1].casefold() if type_name else ""
    return "" if not noun or noun in name.casefold() else f" ({type_name.lower()})"


def cluster_context(cluster: Cluster, leaders: Any = None) -> dict[str, Any]:
    """The cluster as the review documents see it. ``leaders`` (docauto.recruitment.leaders)
    dates the leader names: without it the structure's columns are used (the 2012 review
    happens after the structure took effect)."""
    network = cluster.is_network
    units = sorted(cluster.units, key=lambda u: u.id)
    ages = cluster.age_range
    head = leaders.cluster_leader(cluster) if leaders is not None else cluster.leader
    role = "Netværkskoordinator" if network else "Klyngeleder"
    word = "netværket" if network else "klyngen"
    return {
        "id": cluster.id,
        "navn": cluster.name,
        # "en del af Klynge Amager Strand", not "en del af klyngen Klynge Amager Strand"
        "betegnelse": cluster.name if _names_its_type(cluster) else f"{word} {cluster.name}",
        # the subtitle: "Netværk MDI Amager", "Selvejende klynge: Klynge SBBU Syd"
        "overskrift": cluster.name
        if cluster.type.casefold() in cluster.name.casefold()
        else f"{cluster.type}: {cluster.name}",
        "type": cluster.type,
        "område": cluster.area,
        "paraplyorganisation": cluster.umbrella,
        "model": cluster.model,
        "leder": head,
        "leder_tekst": head or _not_yet(cluster, leaders),
        "leder_email": cluster.email if head == cluster.leader else "",
        "leder_rolle": role,
        "bestemt": "netværket" if network else "klyngen",
        "ubestemt": "netværket" if network else "klyngen",
        "børn": cluster.children,
        "antal_enheder": len(units),
        "aldersgruppe": f"{ages[0]}-{ages[1]} år" if ages else "",
        "selvejende": cluster.is_self_governing,
        "netværk": network,
        "enheder": [
            {
                "id": u.id,
                "navn": u.name,
                "børn": u.children,
                "aldersgruppe": u.age_group,
                "leder": leaders.unit_leader(cluster, u) if leaders is not None else u.leader,
                "adresse": u.address,
            }
            for u in units
        ],
    }


def _not_yet(cluster: Cluster, leaders: Any) -> str:
    """What a document says instead of a name not known on its date."""
    if leaders is None:
        return "ikke angivet"
    if cluster.is_self_governing:
        # the seed: the institutions appoint their coordinator by the time the model applies
        return "udpeges senest 1. januar 2011"
    from docauto.recruitment.roles import CLUSTER_LEADER

    return leaders.appointment_text(CLUSTER_LEADER)


def agenda_context(items: list[AgendaItem]) -> list[dict[str, Any]]:
    return [
        {"nr": i, "id": a.id, "titel": a.title, "tekst": a.text}
        for i, a in enumerate(items, start=1)
    ]


def participant_dicts(people: tuple[Participant, ...] | list[Participant]) -> list[dict[str, str]]:
    return [{"navn": p.name, "rolle": p.role, "email": p.email} for p in people]


def meeting_facts(
    meeting: ScheduledMeeting | None,
    settings: ReviewSettings,
    people: list[dict[str, str]],
    place: str = "",
) -> dict[str, Any]:
    if meeting is None:
        return {
            "id": "",
            "titel": settings.title,
            "dato": "",
            "dato_tekst": "ikke angivet",
            "start": "",
            "slut": "",
            "tid_tekst": "ikke angivet",
            "sted": place or "ikke angivet",
            "deltagere": people,
            "arrangør": settings.organizer_name,
        }
    start, end = meeting.start.strftime("%H.%M"), meeting.end.strftime("%H.%M")
    return {
        "id": meeting.id,
        "titel": settings.title,
        "dato": meeting.day.isoformat(),
        "dato_tekst": dato_ugedag(meeting.day),
        "start": start,
        "slut": end,
        "tid_tekst": f"kl. {start}-{end}",
        "sted": meeting.meeting.place,
        "deltagere": people,
        "arrangør": settings.organizer_name,
    }


def meeting_type(cluster: Cluster) -> str:
    """The key of the texts per kind of meeting in dagsorden.yaml."""
    if cluster.is_network:
        return "netværk"
    return "selvejende_klynge" if cluster.is_self_governing else "kommunal_klynge"


def _typed(value: Any, key: str) -> str:
    return str((value.get(key) if isinstance(value, dict) else value) or "").strip()


def addressee(cluster: Cluster) -> dict[str, Any]:
    """The cluster leader of a cluster, the coordinator of a network (``modtager``)."""
    role = "netværkskoordinator" if cluster.is_network else "klyngeleder"
    out: dict[str, Any] = {
        "navn": cluster.leader or f"{role.capitalize()} for {cluster.name}",
        "stilling": f"{role.capitalize()}, {cluster.name}",
    }
    if cluster.email:
        out["email"] = cluster.email
    return out


def contact_context(settings: ReviewSettings) -> dict[str, str]:
    c = settings.contact
    return {
        "navn": c.get("navn") or settings.organizer_name,
        "telefon": c.get("telefon", ""),
        "email": c.get("e-mail") or settings.organizer_email,
    }


def invitation_context(
    meeting: ScheduledMeeting, settings: ReviewSettings, letter_date: Any = None
) -> dict[str, Any]:
    import datetime as dt

    t = texts("dagsorden.yaml")
    kind = meeting_type(meeting.cluster)
    return {
        "dato": letter_date or settings.letter_date or dt.date.today(),
        "modtager": addressee(meeting.cluster),
        "kontakt": contact_context(settings),
        "møde": meeting_facts(meeting, settings, participant_dicts(meeting.meeting.participants)),
        "klynge": cluster_context(meeting.cluster),
        "dagsorden": agenda_context(agenda(meeting.cluster.type)),
        "tekster": {k: _typed(t.get(k), kind) for k in ("indledning", "forberedelse", "referat")},
    }


def form_context(
    meeting: ScheduledMeeting, settings: ReviewSettings, empty_rows: int = 4
) -> dict[str, Any]:
    t = texts("dagsorden.yaml")
    ctx = invitation_context(meeting, settings)
    ctx.update(
        {
            "pladsholder": str(t.get("pladsholder") or ""),
            "overvejelser": {
                "titel": (t.get("overvejelser") or {}).get("titel", "Fremadrettede overvejelser")
            },
            "opfølgning": opfølgning_texts(t),
            "tomme_rækker": list(range(empty_rows)),
        }
    )
    return ctx


def opfølgning_texts(t: dict[str, Any]) -> dict[str, Any]:
    o = t.get("opfølgning") or {}
    cols = list(o.get("kolonner") or ["Hvad", "Hvem", "Hvornår"])
    return {
        "titel": o.get("titel", "Aftalt opfølgning"),
        "kolonner": (cols + ["Hvad", "Hvem", "Hvornår"])[:3],
    }


def form_properties(meeting: ScheduledMeeting, settings: ReviewSettings) -> dict[str, str]:
    """What the minutes form carries, so a filled form reads back without the schedule."""
    facts = meeting_facts(meeting, settings, participant_dicts(meeting.meeting.participants))
    facts["klynge_id"] = meeting.cluster.id
    facts["type"] = meeting.cluster.type
    facts["dagsorden"] = [a.id for a in agenda(meeting.cluster.type)]
    return {
        "docauto.kind": "referatskabelon",
        "docauto.klynge_id": meeting.cluster.id,
        "docauto.moede": json.dumps(facts, ensure_ascii=False),
    }


def area_chief(structure: Structure, cluster: Cluster) -> str:
    area = structure.areas.get(cluster.area)
    return area.chief if area else ""
