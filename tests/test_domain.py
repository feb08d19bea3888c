"""Right for the domain (issue 12), on a structure with municipal clusters, SBBU clusters and
a network of every umbrella organisation (tests/data/struktur-domaene.yaml): who recruits
whom, dated documents, committee letters, job ads' specific part, the 2012 review documents
and the criteria. Every check reads the documents' text (or the registry's cells)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
import yaml
from click.testing import CliRunner
from docx import Document

from docauto.cli import cli
from docauto.office.docxtext import docx_text

STRUCTURE = Path(__file__).parent / "data" / "struktur-domaene.yaml"
NETWORKS = ("N001", "N002", "N003", "N004", "N005")
SELF_GOVERNING = ("S001", "S002", *NETWORKS)


def _run(*args: str):
    return CliRunner().invoke(cli, [*args])


def _generate(kind: str, out: Path, *extra: str) -> dict[str, list[str]]:
    res = _run("generate", kind, "--structure", str(STRUCTURE), "--out", str(out), *extra)
    assert res.exit_code == 0, res.output
    return {p.name: docx_text(p.read_bytes()).body for p in sorted(out.rglob("*.docx"))}


def _one(docs: dict[str, list[str]], prefix: str) -> list[str]:
    (name,) = [n for n in docs if n.startswith(prefix)]
    return docs[name]


# --- who recruits whom -------------------------------------------------------------------------


def test_registry_init_has_positions_for_municipal_clusters_only(tmp_path):
    reg = tmp_path / "register.xlsx"
    res = _run("registry", "init", "--structure", str(STRUCTURE), "--registry", str(reg))
    assert res.exit_code == 0, res.output
    ws = openpyxl.load_workbook(reg)["Stillinger"]
    ids = [r[0] for r in ws.iter_rows(min_row=2, values_only=True) if r[0]]
    assert ids == ["KL-K001", "KL-K002"]


def test_no_job_ad_for_a_network_or_self_governing_cluster(tmp_path):
    docs = _generate(
        "stillingsopslag",
        tmp_path / "ads",
        "--set",
        "rolle=begge",
        "--set",
        "stillinger=alle",
        "--set",
        "standardtekst=ja",
    )
    assert sorted(docs) == [
        "stillingsopslag-klyngeleder-K001.docx",
        "stillingsopslag-klyngeleder-K002.docx",
        "stillingsopslag-paedagogisk-leder-E101.docx",
        "stillingsopslag-paedagogisk-leder-E102.docx",
        "stillingsopslag-paedagogisk-leder-E201.docx",
    ]
    for ident in ("N001", "S001"):
        res = _run(
            "generate",
            "stillingsopslag",
            "--structure",
            str(STRUCTURE),
            "--out",
            str(tmp_path / ident),
            "--only",
            ident,
            "--set",
            "standardtekst=ja",
        )
        assert res.exit_code == 2
        assert "kommunen rekrutterer ikke ledere her" in res.output
        assert not (tmp_path / ident).exists()
    res = _run(
        "generate",
        "stillingsopslag",
        "--structure",
        str(STRUCTURE),
        "--out",
        str(tmp_path / "n"),
        "--only",
        "N001",
        "--set",
        "standardtekst=ja",
    )
    assert "netværket har en koordinator og ingen klyngeleder" in res.output


def test_forms_list_only_the_municipal_clusters(tmp_path):
    out = tmp_path / "forms"
    res = _run("generate", "registreringsskemaer", "--structure", str(STRUCTURE), "--out", str(out))
    assert res.exit_code == 0, res.output
    wb = openpyxl.load_workbook(
        next(out.glob("registreringsskema-klyngeleder-ansoegere-amager.xlsx"))
    )
    listed = {c for row in wb["Lister"].iter_rows(min_row=2, values_only=True) for c in row if c}
    assert "Klynge Amager Strand" in listed and "Solsikken" in listed
    for name in ("Netværk MDI Amager", "SBBU Klynge Sundby", "Kirkens Børnehus"):
        assert name not in listed


# --- the job ad's specific part ------------------------------------------------------------------


def test_ads_without_the_area_chiefs_text_stop_with_the_list(tmp_path):
    data = tmp_path / "tekster.yaml"
    data.write_text("K001: Klyngens egen tekst.\n", encoding="utf-8")
    out = tmp_path / "ads"
    res = _run(
        "generate", "stillingsopslag", "--structure", str(STRUCTURE), "--out", str(out),
        "--data", str(data),
    )  # fmt: skip
    assert res.exit_code == 2
    assert "1 af 2 stillinger mangler områdechefens tekst" in res.output
    assert "K002 (Klynge Valby Syd)" in res.output and "K001" not in res.output.split(":")[-2]
    assert not out.exists()


def _bullets(path: Path) -> list[str]:
    doc = Document(io.BytesIO(path.read_bytes()))
    return [p.text for p in doc.paragraphs if p.style.name == "List Bullet"]


def test_plain_text_lines_become_paragraphs_and_bullets(tmp_path):
    data = tmp_path / "tekster.yaml"
    data.write_text(
        yaml.safe_dump(
            {
                "K001": "Klyngen samler tre traditioner.\nForældrene skal inddrages.\n"
                "- Fælles pædagogisk læreplan\n- Nye overgange\n",
                "K002": "Én linje.",
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    out = tmp_path / "ads"
    docs = _generate("stillingsopslag", out, "--data", str(data))
    lines = _one(docs, "stillingsopslag-klyngeleder-K001")
    i = lines.index("Klyngens udfordringer")
    assert lines[i + 1 : i + 5] == [
        "Klyngen samler tre traditioner.",
        "Forældrene skal inddrages.",
        "Fælles pædagogisk læreplan",
        "Nye overgange",
    ]
    bullets = _bullets(out / "stillingsopslag-klyngeleder-K001.docx")
    assert {"Fælles pædagogisk læreplan", "Nye overgange"} <= set(bullets)
    assert "Forældrene skal inddrages." not in bullets


def test_a_docx_text_keeps_bullets_bold_italic_and_tables(tmp_path):
    folder = tmp_path / "tekster"
    folder.mkdir()
    doc = Document()
    p = doc.add_paragraph("Klyngen har ")
    p.add_run("to store").bold = True
    p.add_run(" og ")
    p.add_run("en lille").italic = True
    p.add_run(" institution.")
    doc.add_paragraph("Sprogarbejdet", style="List Bullet")
    doc.add_paragraph("Overgange til skole", style="List Bullet")
    t = doc.add_table(rows=2, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text = "Enhed", "Pladser"
    t.cell(1, 0).text, t.cell(1, 1).text = "Solsikken", "64"
    doc.save(folder / "K001.docx")
    (folder / "K002.txt").write_text("Valby Syds tekst.", encoding="utf-8")
    out = tmp_path / "ads"
    docs = _generate("stillingsopslag", out, "--data", str(folder))
    lines = _one(docs, "stillingsopslag-klyngeleder-K001")
    assert "Klyngen har to store og en lille institution." in lines
    assert "Enhed | Pladser" in lines and "Solsikken | 64" in lines
    result = Document(io.BytesIO((out / "stillingsopslag-klyngeleder-K001.docx").read_bytes()))
    runs = {r.text: r for p in result.paragraphs for r in p.runs}
    assert runs["to store"].bold and runs["en lille"].italic
    bullet_paragraphs = [
        p for p in result.paragraphs if p.text in ("Sprogarbejdet", "Overgange til skole")
    ]
    assert len(bullet_paragraphs) == 2
    assert all("List" in p.style.name or p._p.pPr.numPr is not None for p in bullet_paragraphs)


def test_profiles_have_the_seed_typos_corrected(tmp_path):
    docs = _generate(
        "stillingsopslag", tmp_path / "ads", "--set", "rolle=paedagogisk_leder",
        "--set", "standardtekst=ja", "--only", "E102",
    )  # fmt: skip
    text = "\n".join(_one(docs, "stillingsopslag-paedagogisk-leder-E102"))
    assert "Uddannet pædagog" in text and "Udannet" not in text
    assert "Evne til at stå i spidsen" in text and "Evne til stå" not in text
    assert "Evne til at tilrettelægge" in text and "Evne at tilrettelægge" not in text


# --- committees ------------------------------------------------------------------------------------


def _committee(position: str, chief: tuple[str, str]) -> list[dict[str, str]]:
    seats = [
        ("Formand", chief[0], chief[1], ""),
        ("Lokal ledelsesrepræsentant", "Lone Leder", "lone@buf.test.dk", ""),
        ("Medarbejderrepræsentant 1", "Mads Med", "mads@buf.test.dk", ""),
        ("Medarbejderrepræsentant 2", "Mia Med", "mia@buf.test.dk", "Personalemødet"),
        ("Forældrerepræsentant 1", "Frida Far", "frida@test.dk", ""),
        ("Forældrerepræsentant 2", "Finn Far", "finn@test.dk", "Forældrebestyrelsen i Solsikken"),
        ("Pædagogisk konsulent", "Karen Konsulent", "karen@buf.test.dk", "Områdechefen"),
    ]
    return [
        {"Stilling": position, "Navn": n, "Sæde": s, "Udpeget af": by, "E-mail": e}
        for s, n, e, by in seats
    ]


def test_committee_letters_follow_the_seed(tmp_path):
    chief = ("Hanne Holm", "hh@buf.test.dk")
    rows = _committee("K001", chief) + _committee("E102", chief) + _committee("N001", chief)
    data = tmp_path / "udvalg.yaml"
    data.write_text(yaml.safe_dump({"Vurderingsudvalg": rows}, allow_unicode=True), "utf-8")
    out = tmp_path / "breve"
    res = _run(
        "generate", "udpegningsbreve", "--structure", str(STRUCTURE), "--data", str(data),
        "--out", str(out),
    )  # fmt: skip
    # The network's committee is refused: a network recruits no cluster leader.
    assert res.exit_code == 1
    assert "N001" in res.output and "netværk" in res.output
    names = sorted(p.name for p in out.iterdir())
    assert not [n for n in names if "N001" in n or "formand" in n]
    docs = {p.name: docx_text(p.read_bytes()).body for p in out.iterdir()}
    staff = docs["udpegningsbrev-K001-medarbejderrepraesentant-1.docx"]
    # Dated by the plan, no later than the advertisement they announce: cluster-leader
    # committees in weeks 35-40 (posts out 1 October), pedagogical in weeks 45/46 (15 November).
    assert staff[0].endswith("| 1. oktober 2010")  # the letter head: addressee | date
    assert docs["udpegningsbrev-E102-medarbejderrepraesentant-1.docx"][0].endswith(
        "| 15. november 2010"
    )
    joined = "\n".join(staff)
    assert "Du er udpeget af institutionens samarbejdsudvalg eller personalemøde." in joined
    parent = "\n".join(docs["udpegningsbrev-K001-foraeldrerepraesentant-1.docx"])
    assert "Du er udpeget af de eksisterende forældrebestyrelser." in parent
    assert "Du er udpeget af forældrebestyrelsen i Solsikken." in "\n".join(
        docs["udpegningsbrev-K001-foraeldrerepraesentant-2.docx"]
    )
    assert "Du er udpeget af områdechefen." in "\n".join(
        docs["udpegningsbrev-K001-paedagogisk-konsulent.docx"]
    )
    # No HR-internal steps, no computed deadlines in letters to parents and staff.
    for text in (joined, parent):
        assert "indsender" not in text and "Registrering af" not in text
    ped = "\n".join(docs["udpegningsbrev-E102-foraeldrerepraesentant-1.docx"])
    for made_up in ("26. november", "3. december", "17. december"):
        assert made_up not in ped
    overview = docs["vurderingsudvalg-K001-oversigt.docx"]
    assert "Til: | Hanne Holm" in overview


# --- dated documents -------------------------------------------------------------------------------


def _registry_with_hire(tmp_path: Path, name: str, received: dt.datetime) -> Path:
    reg = tmp_path / "register.xlsx"
    res = _run("registry", "init", "--structure", str(STRUCTURE), "--registry", str(reg))
    assert res.exit_code == 0, res.output
    wb = openpyxl.load_workbook(reg)
    ws = wb["Ansættelser"]
    headers = [c.value for c in ws[1]]
    row = {
        "Stillingstype": "Klyngeleder",
        "Område": "Amager",
        "Klynge": "Klynge Amager Strand",
        "Navn": name,
        "E-mail": "x@buf.test.dk",
        "Tiltrædelsesdato": dt.datetime(2011, 1, 1),
        "Modtaget": received,
        "Kilde": "<hire@test>",
    }
    ws.append([row.get(h) for h in headers])
    wb.save(reg)
    return reg


def test_a_2010_fact_sheet_names_only_leaders_hired_by_its_date(tmp_path):
    reg = _registry_with_hire(tmp_path, "Vera Valgt", dt.datetime(2010, 12, 1, 10, 0))
    early = _generate("faktaark", tmp_path / "sep", "--set", f"register={reg}", "--only", "K001")
    sheet = "\n".join(_one(early, "faktaark-E101"))
    assert "Klyngelederen udpeges den 1. december 2010." in sheet
    assert "Vera Valgt" not in sheet and "Mette Kjær" not in sheet and "Anne Ager" not in sheet
    later = _generate(
        "faktaark", tmp_path / "dec", "--set", f"register={reg}", "--set", "dato=2010-12-02",
        "--only", "K001",
    )  # fmt: skip
    sheet = "\n".join(_one(later, "faktaark-E101"))
    # The registry's hire, not the structure's (2012) name.
    assert "Klyngeleder: Vera Valgt" in sheet and "Mette Kjær" not in sheet
    plan = _generate("handleplan", tmp_path / "hp", "--set", f"register={reg}", "--only", "K001")
    text = "\n".join(_one(plan, "handleplan-K001"))
    assert "Klyngeleder: | udpeges den 1. december 2010" in text
    assert "Mette Kjær" not in text and "Anne Ager" not in text


def test_network_documents_are_worded_as_networks(tmp_path):
    sheets = _generate("faktaark", tmp_path / "fa", "--only", "N001")
    sheet = "\n".join(_one(sheets, "faktaark-E501"))
    assert "Hvad er et netværk?" in sheet and "selv arbejdsgiver" in sheet
    assert "pædagogisk leder" not in sheet.casefold()
    assert "samme personale" not in sheet
    plans = _generate("handleplan", tmp_path / "hp", "--only", "N001", "--only", "K001")
    network = "\n".join(_one(plans, "handleplan-N001"))
    assert "én forældrebestyrelse" not in network
    assert "bestyrelsesnetværk" in network
    assert "klyngen/netværket" not in network.casefold()
    assert "Klyngelederne udpeges" not in network
    municipal = "\n".join(_one(plans, "handleplan-K001"))
    assert "Hvordan etableres én forældrebestyrelse for klyngen" in municipal


# --- the 2012 review ------------------------------------------------------------------------------


def test_review_invitations_for_self_governing_only_with_addressee_date_contact(tmp_path):
    docs = _generate("dagsorden", tmp_path / "inv")
    assert sorted(n.split("-")[1] for n in docs) == sorted(SELF_GOVERNING)
    network = _one(docs, "invitation-N001")
    # The letter head: the coordinator as addressee, the letter's date.
    assert network[0] == (
        "Maja Mørk / Netværkskoordinator, Netværk MDI Amager / mm@mdi.test.dk | 21. august 2012"
    )
    text = "\n".join(network)
    assert "kapacitetsstyring@buf.demokommune.dk" in text and "3366 4500" in text
    assert "koordinatoren og som udgangspunkt yderligere en leder" in text
    for slash in ("klyngen/netværket", "klyngens/netværkets", "klyngelederen/", "bestyrelsen/"):
        assert slash not in text.casefold()
    cluster = "\n".join(_one(docs, "invitation-S001"))
    assert "klyngelederen kan præsentere for bestyrelserne" in cluster
    assert "Netværksaftale" not in cluster and "Kapacitet / børnetal" in cluster
    dated = _generate("dagsorden", tmp_path / "inv2", "--only", "N001", "--set", "dato=2012-08-27")
    assert _one(dated, "invitation-N001")[0].endswith("| 27. august 2012")


def test_information_meeting_per_area_for_all_self_governing_leaders(tmp_path):
    docs = _generate("informationsmøde", tmp_path / "info")
    assert sorted(docs) == ["informationsmoede-amager.docx", "informationsmoede-valby.docx"]
    amager = "\n".join(docs["informationsmoede-amager.docx"])
    for institution in ("Sundby Børnehus", "Kirkens Børnehus", "Den Frie Sundby", "DDI Amagerhus"):
        assert institution in amager
    assert "Solsikken" not in amager  # a municipal unit
    assert "Lederne af de selvejende institutioner i område Amager" in amager
    assert "Kapacitetsstyring" in amager
    # sent before the invitations to the individual meetings (21 August 2012) it precedes
    assert docs["informationsmoede-amager.docx"][0].endswith("| 14. august 2012")
    assert "Tidspunkt og sted meddeles af området." in amager
    assert "aftales med området" not in amager


def test_proposal_is_prefilled_per_cluster_and_network(tmp_path):
    docs = _generate("udspil", tmp_path / "udspil")
    assert sorted(n.split("-")[1] for n in docs) == sorted(SELF_GOVERNING)
    frie_a = "\n".join(_one(docs, "udspil-N002"))
    assert "Antal børn i alt: | 110" in frie_a and "Antal enheder: | 2" in frie_a
    assert "Den Frie Valby | 60 | 3-6 | Frida Fisk" in frie_a
    assert "Netværkskoordinator: | Frej Fri" in frie_a
    assert "Resultat: Kræver nærmere drøftelser" in frie_a
    assert "Frie Børnehavers model A" in frie_a
    assert "Bestyrelsesnetværket" in frie_a  # a point for the area to complete
    frie_c = "\n".join(_one(docs, "udspil-N003"))
    assert "Afvigelse: Frie Børnehavers model C" in frie_c
    sbbu1 = "\n".join(_one(docs, "udspil-S002"))
    assert "Afvigelse: SBBU's model 1" in sbbu1 and "Kapacitet og børnetal" in sbbu1
    mdi = "\n".join(_one(docs, "udspil-N001"))
    assert "Antal børn i alt: | 380" in mdi
    assert "Resultat: OK" in mdi


def test_joint_input_form_has_the_agenda_of_its_type(tmp_path):
    docs = _generate("fællesoplæg", tmp_path / "fo", "--only", "N004", "--only", "S001")
    network = "\n".join(_one(docs, "faelles-oplaeg-N004"))
    assert "5. Det videre arbejde og tilpasninger af strukturen" in network
    assert "Netværkets bemærkninger til forvaltningens udspil" in network
    cluster = "\n".join(_one(docs, "faelles-oplaeg-S001"))
    assert "1. Kapacitet / børnetal" in cluster and "Klyngens bemærkninger" in cluster


@pytest.mark.parametrize(
    ("cid", "verdict"),
    [
        ("N001", "OK"),
        ("N002", "Kræver nærmere drøftelser"),
        ("N003", "Afvigelser"),
        ("N004", "OK"),
        ("N005", "OK"),
        ("S001", "OK"),
        ("S002", "Afvigelser"),
    ],
)
def test_criteria_per_umbrella(cid, verdict):
    from docauto.review.criteria import check_cluster, load_models
    from docauto.structure.model import load_structure

    result = check_cluster(load_structure(STRUCTURE).clusters[cid], load_models())
    assert result.verdict == verdict, result.deviations + result.remarks
