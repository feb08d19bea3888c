"""Mail intake that cannot be fooled (issue 16): who sent it, whether the organisation's mail
server vouches for it, bounds, read receipts, link attachments, formula cells, no backscatter.
Runs 'docauto mail ingest' over a dir: mailbox and reads the registry's cells afterwards."""

from __future__ import annotations

import json
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import openpyxl
import pytest
from conftest_registry import HR, NORD, XLSX, csv_form, inbox_by_id, mail, sheet, xlsx_form

CL_APP = ["Område", "Klynge", "Ansøger", "E-mail", "Nuværende stilling", "Nuværende arbejdssted"]
ROW = ["Nord", "K01", "Mette Kjær", "mette@buf.test.dk", "Institutionsleder", "Anemonen"]
SUBJECT = "Klyngeleder - Registrering af ansøgningerne"

# Real headers as the servers write them (from Microsoft's and OpenDMARC's documentation).
EXO_PASS = (
    "spf=pass (sender IP is 40.107.22.51) smtp.mailfrom=buf.test.dk; dkim=pass (signature was "
    "verified) header.d=buf.test.dk;dmarc=pass action=none header.from=buf.test.dk;"
    "compauth=pass reason=100"
)
EXO_FAIL = (
    "spf=fail (sender IP is 203.0.113.7) smtp.mailfrom=evil.example; dkim=none (message not "
    "signed) header.d=none;dmarc=fail action=quarantine header.from=buf.test.dk;"
    "compauth=fail reason=000"
)
OPENDMARC_PASS = "mx.buf.test.dk; dmarc=pass (p=reject dis=none) header.from=buf.test.dk"
OPENDMARC_FAIL = "mx.buf.test.dk; dmarc=fail (p=reject dis=none) header.from=buf.test.dk"
OPENDKIM_PASS = (
    "mx.buf.test.dk; dkim=pass (2048-bit key; unprotected) header.d=buf.test.dk "
    "header.i=@buf.test.dk header.b=abcdef12"
)
FORGED_BELOW = "mx.buf.test.dk; dmarc=pass header.from=buf.test.dk"


def _form_mail(message_id: str, sender=NORD, headers=(), rows=None, **kw) -> bytes:
    raw = mail(
        SUBJECT,
        sender,
        [("skema.xlsx", XLSX, xlsx_form(CL_APP, rows or [ROW]))],
        message_id=message_id,
        **kw,
    )
    # Servers put their header on top of what the sender wrote.
    top = b"".join(f"{k}: {v}\r\n".encode() for k, v in headers)
    return top + raw


def _with_from(raw: bytes, from_lines: list[str]) -> bytes:
    head, _, body = raw.partition(b"\n\n")
    lines = [x for x in head.split(b"\n") if not x.lower().startswith(b"from:")]
    return b"\n".join([*(f"From: {f}".encode() for f in from_lines), *lines]) + b"\n\n" + body


def _config(registry: Path, text: str) -> None:
    registry.with_name("docauto.yaml").write_text(text, encoding="utf-8")


def _receipts(tmp_path: Path) -> list[EmailMessage]:
    folder = tmp_path / "kvitteringer"
    return [
        message_from_bytes(p.read_bytes(), policy=default) for p in sorted(folder.glob("*.eml"))
    ]


@pytest.mark.parametrize(
    "from_lines, why",
    [
        (["nora@buf.test.dk <evil@evil.invalid>"], "kan ikke læses entydigt"),
        (["nora@buf.test.dk, evil@evil.invalid"], "2 afsenderadresser"),
        (["Nora Nielsen <nora@buf.test.dk>", "evil@evil.invalid"], "2 From-linjer"),
        (["Nora <nora@buf.test.dk"], "kan ikke læses entydigt"),
        (["Chefer: nora@buf.test.dk;"], "kan ikke læses entydigt"),
        (["nora@buf"], "ikke en gyldig e-mailadresse"),
    ],
)
def test_forged_or_ambiguous_from_is_refused_without_receipt(
    hr_mailbox, hr_registry, hr_ingest, tmp_path, from_lines, why
):
    hr_mailbox.add(_with_from(_form_mail("<forged@x>"), from_lines))
    summary = hr_ingest("--receipts")
    assert summary["rejected"] == 1 and summary["rows"] == 0
    row = inbox_by_id(hr_registry)["<forged@x>"]
    assert row["Status"] == "Afvist"
    assert row["Bemærkning"].startswith("Afsenderen kan ikke fastslås")
    assert why in row["Bemærkning"]
    assert "Ingen kvittering: afsenderen kan ikke fastslås" in row["Bemærkning"]
    assert row["Afsender"] in (None, "")
    assert sheet(hr_registry, "Ansøgninger") == []
    assert _receipts(tmp_path) == []  # no backscatter to whoever the header names


def test_one_valid_from_still_registers_and_gets_a_draft_receipt(
    hr_mailbox, hr_registry, hr_ingest, tmp_path
):
    from docauto.recruitment.timeline import load_timeline

    hr_mailbox.add(_form_mail("<ok@x>"))
    assert hr_ingest("--receipts")["registered"] == 1
    (receipt,) = _receipts(tmp_path)
    assert receipt["X-Unsent"] == "1"
    assert receipt["From"].addresses[0].addr_spec == load_timeline().mailbox
    assert receipt["To"].addresses[0].addr_spec == "nora@buf.test.dk"
    assert receipt["Subject"] == f"SV: {SUBJECT}"
    assert "- Klyngeleder: 1 række" in receipt.get_content()


ORIGIN = """hr_addresses: [jobbank@buf.test.dk]
authenticated_origin:
  required: true
  server_ids: [exchange-online, mx.buf.test.dk]
  exchange_internal: true
"""


@pytest.mark.parametrize(
    "headers, registered",
    [
        ([("Authentication-Results", EXO_PASS)], True),
        ([("Authentication-Results", OPENDMARC_PASS)], True),
        ([("Authentication-Results", OPENDKIM_PASS)], True),
        ([("X-MS-Exchange-Organization-AuthAs", "Internal")], True),
        ([("X-MS-Exchange-Organization-AuthAs", "Anonymous")], False),
        ([("Authentication-Results", EXO_FAIL)], False),
        ([("Authentication-Results", OPENDMARC_FAIL)], False),
        # A sender's own header under the server's: only the server's counts.
        (
            [
                ("Authentication-Results", OPENDMARC_FAIL),
                ("Authentication-Results", FORGED_BELOW),
            ],
            False,
        ),
        ([("Authentication-Results", EXO_FAIL), ("Authentication-Results", EXO_PASS)], False),
        # Another server's word is not ours.
        (
            [("Authentication-Results", "mx.evil.example; dmarc=pass header.from=buf.test.dk")],
            False,
        ),
        ([], False),
    ],
)
def test_authenticated_origin(hr_mailbox, hr_registry, hr_ingest, tmp_path, headers, registered):
    _config(hr_registry, ORIGIN)
    hr_mailbox.add(_form_mail("<origin@x>", headers=headers))
    summary = hr_ingest("--receipts")
    row = inbox_by_id(hr_registry)["<origin@x>"]
    if registered:
        assert row["Status"] == "Registreret", row["Bemærkning"]
        assert summary["rows"] == 1
        assert len(_receipts(tmp_path)) == 1
    else:
        assert row["Status"] == "Afvist"
        assert row["Bemærkning"].startswith("Afsenderen er ikke bekræftet")
        assert "Ingen kvittering" in row["Bemærkning"]
        assert sheet(hr_registry, "Ansøgninger") == []
        assert _receipts(tmp_path) == []


def test_demo_configuration_turns_authenticated_origin_on():
    """The demo's mailbox carries the server's headers: the chiefs' mails register, the forged
    one is refused (see scripts/make_demo_mailbox.py)."""
    from docauto.demo.registry import DEMO_CONFIG

    assert "authenticated_origin" in DEMO_CONFIG and "required: true" in DEMO_CONFIG


def test_five_thousand_parts_are_refused_whole_and_quarantined(hr_mailbox, hr_registry, hr_ingest):
    msg = EmailMessage()
    msg["From"] = "Nora Nielsen <nora@buf.test.dk>"
    msg["To"] = HR
    msg["Subject"] = SUBJECT
    msg["Message-ID"] = "<bomb@x>"
    msg.set_content("5000 skemaer")
    form = csv_form(CL_APP, [ROW])
    for i in range(5000):
        msg.add_attachment(form, maintype="text", subtype="csv", filename=f"skema-{i}.csv")
    hr_mailbox.add(msg.as_bytes())
    summary = hr_ingest()
    assert summary["rejected"] == 1 and summary["rows"] == 0
    row = inbox_by_id(hr_registry)["<bomb@x>"]
    assert row["Status"] == "Afvist" and row["Rækker"] == 0
    assert "i sin helhed" in row["Bemærkning"] and "mere end 400 MIME-dele" in row["Bemærkning"]
    assert sheet(hr_registry, "Ansøgninger") == []
    quarantine = hr_registry.with_name("register-karantæne")
    (info,) = quarantine.glob("*.json")
    assert "mere end 400 MIME-dele" in json.loads(info.read_text(encoding="utf-8"))["grund"]
    (eml,) = quarantine.glob("*.eml")
    assert eml.read_bytes() == msg.as_bytes()  # kept whole


@pytest.mark.parametrize(
    "subject",
    [
        "Læst: Klyngeleder – Ansættelser",
        "Ikke læst: Klyngeleder – Ansættelser",
        "Read: Klyngeleder – Ansættelser",
        "Gelesen: Klyngeleder – Ansættelser",
        "Læst: SV: Pædagogisk leder - Registrering af ansøgningerne",
    ],
)
def test_read_receipts_are_not_submissions(hr_mailbox, hr_registry, hr_ingest, tmp_path, subject):
    hr_mailbox.add(mail(subject, NORD, message_id="<mdn@x>", body="Din meddelelse blev læst."))
    hr_ingest("--receipts")
    row = inbox_by_id(hr_registry)["<mdn@x>"]
    assert row["Status"] == "Afvist" and row["Type"] == "Ukendt"
    assert "læsekvittering eller leveringsrapport" in row["Bemærkning"]
    assert _receipts(tmp_path) == []


def test_a_disposition_notification_report_is_not_a_submission(
    hr_mailbox, hr_registry, hr_ingest, tmp_path
):
    raw = (
        b"From: Nora Nielsen <nora@buf.test.dk>\r\nTo: jobbank@buf.test.dk\r\n"
        b"Subject: Klyngeleder - Ansaettelser\r\nMessage-ID: <mdn2@x>\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/report; report-type=disposition-notification; boundary="b"\r\n'
        b"\r\n--b\r\nContent-Type: text/plain\r\n\r\nLaest.\r\n"
        b"--b\r\nContent-Type: message/disposition-notification\r\n\r\n"
        b"Final-Recipient: rfc822;jobbank@buf.test.dk\r\n"
        b"Disposition: manual-action/MDN-sent-manually; displayed\r\n\r\n--b--\r\n"
    )
    hr_mailbox.add(raw)
    hr_ingest("--receipts")
    row = inbox_by_id(hr_registry)["<mdn2@x>"]
    assert row["Status"] == "Afvist" and "læsekvittering" in row["Bemærkning"]
    assert _receipts(tmp_path) == []


def test_link_instead_of_attachment_is_named(hr_mailbox, hr_registry, hr_ingest):
    body = (
        "Hej jobbank\n\nHer er skemaet:\n"
        "https://demokommune-my.sharepoint.com/:x:/g/personal/nora_buf_test_dk/EQx1?e=abc\n"
    )
    hr_mailbox.add(mail(SUBJECT, NORD, message_id="<link@x>", body=body))
    hr_ingest()
    row = inbox_by_id(hr_registry)["<link@x>"]
    assert row["Status"] == "Afvist"
    assert "vedhæft skemaet som en kopi, ikke som et link" in row["Bemærkning"]


def test_formula_cell_without_cached_value_is_its_text(hr_mailbox, hr_registry, hr_ingest):
    # openpyxl writes formulas without a cached result, as a program that makes forms does.
    formula = '=HYPERLINK("http://evil.example/x","Klik her")'
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(CL_APP)
    ws.append(["Nord", "K01", formula, "mette@buf.test.dk", "Institutionsleder", "Anemonen"])
    assert ws["C2"].data_type == "f"
    import io

    buf = io.BytesIO()
    wb.save(buf)
    hr_mailbox.add(
        mail(SUBJECT, NORD, [("skema.xlsx", XLSX, buf.getvalue())], message_id="<formula@x>")
    )
    summary = hr_ingest()
    assert summary["registered"] == 1, inbox_by_id(hr_registry)["<formula@x>"]["Bemærkning"]
    stored = openpyxl.load_workbook(hr_registry)["Ansøgninger"]
    cells = [c for row in stored.iter_rows() for c in row if c.value == formula]
    assert cells and all(c.data_type == "s" for c in cells)  # text, never a live formula
