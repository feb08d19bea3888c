"""parse_mail and the dir: source: real-world edge cases, built mails, bounds."""

from __future__ import annotations

import hashlib
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

import pytest

from docauto.mail.message import Attachment, MailParseError, ParsedMail, parse_mail
from docauto.mail.sources import MailSource, open_source

HERE = Path(__file__).parent
LOCAL = sorted((HERE / "data" / "mail").glob("*.eml"))
SHARED_DIR = Path("/work/shared/corpora/mail-edge-cases")
SHARED = sorted(p for p in SHARED_DIR.rglob("*") if p.is_file()) if SHARED_DIR.is_dir() else []
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _check_parses_or_refuses(path: Path) -> None:
    raw = path.read_bytes()
    try:
        parsed = parse_mail(raw, path.name)
    except MailParseError as exc:
        assert str(exc).startswith(path.name)
        assert len(str(exc)) > len(path.name) + 5  # a reason, not only the name
        return
    assert isinstance(parsed, ParsedMail)
    assert parsed.raw == raw
    assert parsed.message_id.startswith("<") and parsed.message_id.endswith(">")
    assert "\n" not in parsed.subject and "\r" not in parsed.subject
    assert parsed.sender == parsed.sender.lower()
    assert parsed.date is None or parsed.date.tzinfo is not None
    for att in parsed.attachments:
        assert isinstance(att.data, bytes)
        assert att.filename and "/" not in att.filename and "\\" not in att.filename


@pytest.mark.parametrize("path", LOCAL, ids=[p.name for p in LOCAL])
def test_local_edge_cases(path):
    _check_parses_or_refuses(path)


@pytest.mark.skipif(not SHARED, reason="shared mail corpus not present")
@pytest.mark.parametrize(
    "path", SHARED, ids=[str(p.relative_to(SHARED_DIR)) for p in SHARED] if SHARED else None
)
def test_shared_corpus(path):
    _check_parses_or_refuses(path)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("attachment_with_base64_encoded_name.eml", ["This is a test.pdf"]),
        ("attachment_with_unquoted_name.eml", ["This is a test.txt"]),
        ("attachment_message_rfc822.eml", ["broken.pdf"]),
    ],
)
def test_edge_case_attachment_names(name, expected):
    parsed = parse_mail((HERE / "data" / "mail" / name).read_bytes(), name)
    assert [a.filename for a in parsed.attachments] == expected


def test_nested_rfc822_attachment_is_marked():
    parsed = parse_mail((HERE / "data/mail/attachment_message_rfc822.eml").read_bytes(), "x")
    assert parsed.attachments[0].origin == "vedhæftet mail"
    assert parsed.attachments[0].data.startswith(b"%PDF")


def test_obsolete_header_syntax_still_gives_the_sender():
    parsed = parse_mail((HERE / "data/mail/example13.eml").read_bytes(), "example13.eml")
    assert parsed.sender == "jdoe@machine.example"


def test_bad_encoded_subject_keeps_the_text():
    parsed = parse_mail((HERE / "data/mail/bad_encoded_subject.eml").read_bytes(), "x")
    assert parsed.subject == "TEST"
    assert parsed.sender == ""
    assert parsed.message_id == f"<{hashlib.sha256(parsed.raw).hexdigest()}@docauto>"


# --- mails built here ------------------------------------------------------------------------


def _form_mail(
    subject: str = "SV: Klyngeleder – Registrering af kandidaten 2. runde",
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "Åse Østergård <Aase.Oestergaard@BUF.Demokommune.dk>"
    msg["To"] = "jobbank@buf.demokommune.dk"
    msg["Subject"] = subject
    msg["Date"] = "Fri, 22 Oct 2010 14:03:00 +0200"
    msg["Message-ID"] = "<abc.123@buf.demokommune.dk>"
    msg.set_content("Hermed skemaet.\nVenlig hilsen\nÅse")
    msg.add_attachment(
        b"PK\x03\x04form",
        maintype="application",
        subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        filename="Registreringsskema – Amager Øst, 2. runde.xlsx",
    )
    return msg


def test_built_mail_fields():
    raw = _form_mail().as_bytes(policy=SMTP)
    assert b"=?utf-8?" in raw  # the subject really is RFC 2047 encoded on the wire
    assert b"filename*0*=" in raw  # and the file name RFC 2231 encoded, in continuations
    parsed = parse_mail(raw, "form.eml")
    assert parsed.subject == "SV: Klyngeleder – Registrering af kandidaten 2. runde"
    assert parsed.sender == "aase.oestergaard@buf.demokommune.dk"
    assert parsed.sender_name == "Åse Østergård"
    assert parsed.message_id == "<abc.123@buf.demokommune.dk>"
    assert parsed.date.isoformat() == "2010-10-22T14:03:00+02:00"
    assert parsed.body_text.startswith("Hermed skemaet.")
    assert [(a.filename, a.content_type, a.data, a.origin) for a in parsed.attachments] == [
        ("Registreringsskema – Amager Øst, 2. runde.xlsx", XLSX, b"PK\x03\x04form", "")
    ]


def test_forwarded_mail_with_the_form_inside():
    inner = _form_mail("Klyngeleder – Ansættelser")
    outer = EmailMessage()
    outer["From"] = "hr@buf.demokommune.dk"
    outer["Subject"] = "VS: Klyngeleder – Ansættelser"
    outer.set_content("Videresendt")
    outer.add_attachment(inner)  # message/rfc822
    parsed = parse_mail(outer.as_bytes(), "fwd.eml")
    assert parsed.subject == "VS: Klyngeleder – Ansættelser"
    assert parsed.body_text.strip() == "Videresendt"  # not the forwarded mail's text
    assert [(a.filename, a.origin) for a in parsed.attachments] == [
        ("Registreringsskema – Amager Øst, 2. runde.xlsx", "vedhæftet mail")
    ]
    assert parsed.message_id.endswith("@docauto>")  # the outer mail has none


def test_encoded_word_inside_quoted_filename():
    raw = (
        b"From: a@b.dk\r\nSubject: x\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\nContent-Type: text/plain\r\n\r\nhej\r\n"
        b"--XX\r\nContent-Type: application/octet-stream\r\n"
        b'Content-Disposition: attachment; filename="=?iso-8859-1?q?Ans=E6ttelser_=F8st.xlsx?="\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\naGVq\r\n--XX--\r\n"
    )
    parsed = parse_mail(raw, "x")
    assert [(a.filename, a.data) for a in parsed.attachments] == [("Ansættelser øst.xlsx", b"hej")]


def test_path_in_filename_is_dropped():
    msg = EmailMessage()
    msg["From"] = "a@b.dk"
    msg.set_content("x")
    msg.add_attachment(
        b"data",
        maintype="application",
        subtype="octet-stream",
        filename="C:\\Users\\ase\\..\\skema.xlsx",
    )
    assert parse_mail(msg.as_bytes(), "x").attachments[0].filename == "skema.xlsx"


def test_naive_date_becomes_utc_and_missing_date_is_none():
    msg = EmailMessage()
    msg["From"] = "a@b.dk"
    msg["Date"] = "Fri, 22 Oct 2010 14:03:00 -0000"
    msg.set_content("x")
    assert parse_mail(msg.as_bytes(), "x").date.utcoffset().total_seconds() == 0
    del msg["Date"]
    assert parse_mail(msg.as_bytes(), "x").date is None


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "tom"),
        (b"   \r\n  ", "tom"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "ikke en e-mail"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "Outlook"),
        (b"just some text\nwithout headers\n", "ikke en e-mail"),
    ],
)
def test_nothing_usable_raises_mail_parse_error(raw, reason):
    with pytest.raises(MailParseError, match=reason):
        parse_mail(raw, "skrald.eml")


def test_deeply_nested_forwards_are_bounded():
    msg = _form_mail("Klyngeleder – Ansættelser")
    for i in range(30):
        outer = EmailMessage()
        outer["From"] = "a@b.dk"
        outer["Subject"] = f"VS: {i}"
        outer.set_content("x")
        outer.add_attachment(msg)
        msg = outer
    parsed = parse_mail(msg.as_bytes(), "deep.eml")
    assert parsed.attachments == []  # the form is below the depth limit
    assert any("dybt" in d for d in parsed.defects)


def test_thousands_of_parts_are_bounded():
    msg = EmailMessage()
    msg["From"] = "a@b.dk"
    msg.set_content("x")
    for i in range(1500):
        msg.add_attachment(
            b"x", maintype="application", subtype="octet-stream", filename=f"{i}.bin"
        )
    parsed = parse_mail(msg.as_bytes(), "many.eml")
    assert 0 < len(parsed.attachments) < 1500
    assert any("dele" in d for d in parsed.defects)


def test_huge_header_is_cut_not_hung():
    raw = b"From: a@b.dk\r\nSubject: " + b"=?utf-8?q?a?= " * 20000 + b"\r\n\r\nbody\r\n"
    parsed = parse_mail(raw, "x")
    assert parsed.sender == "a@b.dk"
    assert any("subject" in d for d in parsed.defects)


def test_winmail_dat_without_tnefparse_is_kept(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "tnefparse", None)  # as if the extra were not installed
    msg = EmailMessage()
    msg["From"] = "a@b.dk"
    msg.set_content("x")
    msg.add_attachment(
        b"\x78\x9f\x3e\x22rest", maintype="application", subtype="ms-tnef", filename="winmail.dat"
    )
    parsed = parse_mail(msg.as_bytes(), "x")
    assert [a.filename for a in parsed.attachments] == ["winmail.dat"]
    assert any("tnefparse" in d for d in parsed.defects)


def test_broken_winmail_dat_is_kept_with_a_defect():
    pytest.importorskip("tnefparse")
    msg = EmailMessage()
    msg["From"] = "a@b.dk"
    msg.set_content("x")
    msg.add_attachment(
        b"\x78\x9f\x3e\x22broken", maintype="application", subtype="ms-tnef", filename="winmail.dat"
    )
    parsed = parse_mail(msg.as_bytes(), "x")
    assert [a.filename for a in parsed.attachments] == ["winmail.dat"]
    assert any("winmail.dat" in d for d in parsed.defects)


# --- the dir: source -------------------------------------------------------------------------


def _mailbox(tmp_path: Path) -> Path:
    box = tmp_path / "indbakke"
    box.mkdir()
    (box / "b.eml").write_bytes(_form_mail("Klyngeleder – Ansættelser").as_bytes())
    (box / "A.eml").write_bytes(_form_mail().as_bytes())
    (box / "c.msg").write_bytes(b"not really outlook")
    (box / "noter.txt").write_text("ikke en mail")
    (box / "~$lock.eml").write_bytes(b"x")
    (box / "sub").mkdir()
    (box / "sub" / "d.eml").write_bytes(b"From: a@b.dk\r\n\r\nx")
    (box / "register-karantæne").mkdir()  # our own quarantine: never read back
    (box / "register-karantæne" / "afvist.eml").write_bytes(b"From: a@b.dk\r\n\r\nx")
    (box / ".git").mkdir()
    (box / ".git" / "x.eml").write_bytes(b"x")
    return box


def test_dir_source_yields_sorted_mail_files(tmp_path):
    box = _mailbox(tmp_path)
    source = open_source(f"dir:{box}")
    assert isinstance(source, MailSource)
    items = list(source.fetch())
    assert [i.id for i in items] == ["A.eml", "b.eml", "c.msg", "sub/d.eml"]
    assert items[0].raw == (box / "A.eml").read_bytes()
    assert items[2].raw == b"not really outlook"  # not convertible: handed on as it is
    assert parse_mail(items[1].raw, items[1].name).subject == "Klyngeleder – Ansættelser"
    # A second fetch gives the same (the registry, not the folder, remembers what was seen).
    source.done(items[0], "registered")
    assert [i.id for i in source.fetch()] == ["A.eml", "b.eml", "c.msg", "sub/d.eml"]
    assert sorted(p.name for p in box.iterdir()) == [
        ".git",
        "A.eml",
        "b.eml",
        "c.msg",
        "noter.txt",
        "register-karantæne",
        "sub",
        "~$lock.eml",
    ]


def test_dir_source_hands_on_an_unreadable_file(tmp_path, monkeypatch):
    box = _mailbox(tmp_path)
    real = Path.read_bytes

    def flaky(self):
        if self.name == "b.eml":
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", flaky)
    items = {i.id: i for i in open_source(f"dir:{box}").fetch()}
    assert items["b.eml"].raw == b""
    with pytest.raises(MailParseError):
        parse_mail(items["b.eml"].raw, items["b.eml"].name)


def test_dir_source_writes_receipts_as_eml_drafts(tmp_path):
    box = _mailbox(tmp_path)
    source = open_source(f"dir:{box}")
    item = next(iter(source.fetch()))
    receipt = EmailMessage()
    receipt["To"] = "aase@b.dk"
    receipt["Subject"] = "Kvittering: Klyngeleder – Registrering af kandidaten"
    receipt.set_content("Modtaget.")
    source.reply(item, receipt)
    written = list((tmp_path / "kvitteringer").iterdir())
    assert [p.suffix for p in written] == [".eml"]
    assert parse_mail(written[0].read_bytes(), "k").subject.startswith("Kvittering:")

    other = tmp_path / "andet"
    source = open_source(f"dir:{box}?kvitteringer={other}")
    source.reply(item, receipt)
    assert len(list(other.glob("*.eml"))) == 1


def test_dir_source_missing_folder_is_a_usage_error(tmp_path):
    from docauto.errors import UsageError

    with pytest.raises(UsageError):
        open_source(f"dir:{tmp_path / 'findes-ikke'}")


def test_msg_file_is_converted_when_extract_msg_can(tmp_path, monkeypatch):
    from docauto.mail.sources import dirsource

    box = tmp_path / "box"
    box.mkdir()
    (box / "x.msg").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1outlook")
    converted = _form_mail("Klyngeleder – Ansættelser").as_bytes()
    monkeypatch.setattr(dirsource, "msg_to_mime", lambda data: converted)
    [item] = list(open_source(f"dir:{box}").fetch())
    assert item.raw == converted
    monkeypatch.undo()
    # The real converter refuses a file that is not a .msg, and parse_mail says what it is.
    [item] = list(open_source(f"dir:{box}").fetch())
    with pytest.raises(MailParseError, match="Outlook"):
        parse_mail(item.raw, item.name)


def test_attachment_is_frozen():
    a = Attachment("a.xlsx", XLSX, b"x")
    with pytest.raises(AttributeError):
        a.filename = "b"  # type: ignore[misc]


def _tnef_blob(files: list[tuple[bytes, bytes]]) -> bytes:
    """A minimal winmail.dat (MS-OXTNEF): signature, version, then per file the attachment
    rendering, title and data attributes, each with its checksum."""
    import struct

    def attr(level: int, type_: int, id_: int, data: bytes) -> bytes:
        return (
            struct.pack("<BII", level, (type_ << 16) | id_, len(data))
            + data
            + struct.pack("<H", sum(data) & 0xFFFF)
        )

    blob = struct.pack("<IH", 0x223E9F78, 0x0102) + attr(1, 6, 0x9006, struct.pack("<I", 0x10000))
    for name, data in files:
        blob += attr(2, 2, 0x9002, b"\0" * 14) + attr(2, 1, 0x8010, name + b"\0")
        blob += attr(2, 6, 0x800F, data)
    return blob


def test_winmail_dat_is_unpacked():
    pytest.importorskip("tnefparse")
    msg = EmailMessage()
    msg["From"] = "a@b.dk"
    msg["Subject"] = "Klyngeleder – Ansættelser"
    msg.set_content("x")
    msg.add_attachment(
        _tnef_blob([(b"skema.xlsx", b"PK\x03\x04form"), (b"noter.txt", b"hej")]),
        maintype="application",
        subtype="ms-tnef",
        filename="winmail.dat",
    )
    parsed = parse_mail(msg.as_bytes(), "outlook.eml")
    assert [(a.filename, a.content_type, a.data, a.origin) for a in parsed.attachments] == [
        ("skema.xlsx", XLSX, b"PK\x03\x04form", "winmail.dat"),
        ("noter.txt", "text/plain", b"hej", "winmail.dat"),
    ]


def test_tens_of_thousands_of_boundaries_are_cut_before_parsing():
    parts = b"".join(
        b"--B\r\nContent-Type: application/octet-stream; name=x%d.bin\r\n\r\nx\r\n" % i
        for i in range(20000)
    )
    raw = (
        b"From: a@b.dk\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n" + parts + b"--B--\r\n"
    )
    parsed = parse_mail(raw, "x")
    assert any("MIME-grænser" in d for d in parsed.defects)
    assert parsed.attachments[0].filename == "x0.bin"


@pytest.mark.parametrize(
    ("html", "text"),
    [
        (
            b"<p>Hej</p><style>p{}</style><script>x()</script>med<br>dig &amp; mig",
            "Hej\nmed\ndig & mig",
        ),
        (b"<script>" * 100000 + b"tekst", ""),
        (b"<" * 100000 + b"b>tekst", "<" * 99999 + " tekst"),
    ],
)
def test_html_only_body_becomes_text(html, text):
    raw = b"From: a@b.dk\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html
    assert parse_mail(raw, "h").body_text.strip() == text.strip()


@pytest.mark.skipif(not SHARED, reason="shared mail corpus not present")
def test_dir_source_over_the_shared_corpus_reads_every_mail_in_subfolders():
    items = list(open_source(f"dir:{SHARED_DIR}").fetch())
    expected = sorted(
        (p.relative_to(SHARED_DIR).as_posix() for p in SHARED if p.suffix == ".eml"),
        key=lambda s: (s.casefold(), s),
    )
    assert [i.id for i in items] == expected
    for item in items:
        try:
            parse_mail(item.raw, item.name)
        except MailParseError:
            pass


def _outlook_msg(
    subject: str,
    body: str,
    sender_email: str,
    sender_name: str,
    message_id: str,
    attachments: list[tuple[str, bytes]],
) -> bytes:
    """A minimal Outlook .msg (MS-OXMSG: an OLE file of MAPI property streams), written with
    extract-msg's own OLE writer: subject, body, sender, Message-ID and attachments by value,
    and no transport headers (as in a mail saved from Sent Items)."""
    import io
    import struct

    from extract_msg import OleWriter

    w = OleWriter()

    def u(text: str) -> bytes:
        return text.encode("utf-16-le")

    streams = [
        ("0037001F", u(subject)),
        ("1000001F", u(body)),
        ("0C1F001F", u(sender_email)),
        ("0C1A001F", u(sender_name)),
        ("1035001F", u(message_id)),
        ("001A001F", u("IPM.Note")),
    ]
    props = b"\x00" * 32
    for tag, data in streams:
        props += struct.pack("<IIII", int(tag, 16), 6, len(data) + 2, 0)
    w.addEntry("__properties_version1.0", props)
    for tag, data in streams:
        w.addEntry(f"__substg1.0_{tag}", data)
    w.addEntry("__nameid_version1.0", storage=True)
    for t in ("00020102", "00030102", "00040102"):
        w.addEntry(f"__nameid_version1.0/__substg1.0_{t}", b"")
    for i, (name, data) in enumerate(attachments):
        root = f"__attach_version1.0_#{i:08X}"
        w.addEntry(root, storage=True)
        att = [("3707001F", u(name)), ("37010102", data)]
        ap = b"\x00" * 8 + struct.pack("<IIII", 0x37050003, 6, 1, 0)  # attached by value
        for tag, blob in att:
            ap += struct.pack(
                "<IIII", int(tag, 16), 6, len(blob) + (2 if tag.endswith("1F") else 0), 0
            )
        w.addEntry(f"{root}/__properties_version1.0", ap)
        for tag, blob in att:
            w.addEntry(f"{root}/__substg1.0_{tag}", blob)
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def test_outlook_msg_in_the_dir_source_becomes_a_mail(tmp_path):
    pytest.importorskip("extract_msg")
    box = tmp_path / "box"
    box.mkdir()
    (box / "fra-outlook.msg").write_bytes(
        _outlook_msg(
            "SV: Klyngeleder – Ansættelser",
            "Hermed skemaet",
            "Aase@BUF.demokommune.dk",
            "Åse Østergård",
            "<abc@buf.demokommune.dk>",
            [("skema – Amager.xlsx", b"PK\x03\x04data")],
        )
    )
    [item] = list(open_source(f"dir:{box}").fetch())
    assert not item.raw.startswith(b"\xd0\xcf")  # converted to MIME
    parsed = parse_mail(item.raw, item.name)
    assert parsed.subject == "SV: Klyngeleder – Ansættelser"
    assert (parsed.sender, parsed.sender_name) == ("aase@buf.demokommune.dk", "Åse Østergård")
    assert parsed.message_id == "<abc@buf.demokommune.dk>"
    assert parsed.body_text.strip() == "Hermed skemaet"
    assert [(a.filename, a.data) for a in parsed.attachments] == [
        ("skema – Amager.xlsx", b"PK\x03\x04data")
    ]


def test_mutated_mails_parse_or_are_refused():
    """Seeded mutations of the local edge cases (inserted encoded words, boundaries, NULs,
    cut bytes): parse_mail returns or raises MailParseError, nothing else."""
    import random

    rnd = random.Random(20101008)
    seeds = [p.read_bytes() for p in LOCAL]
    tokens = [
        b"=?utf-8?q?",
        b"?=",
        b"\r\n",
        b"--",
        b"Content-Type: multipart/mixed; boundary=",
        b"filename*0*=",
        b'"',
        b";",
        b"\x00",
        b"\xff",
        b"message/rfc822",
        b"\r\n\r\n",
        b"Content-Transfer-Encoding: base64\r\n",
        b"<",
        b"@",
        b"From: ",
        b"=?x-foo?q?",
    ]
    for _ in range(400):
        data = bytearray(rnd.choice(seeds))
        for _ in range(rnd.randint(1, 10)):
            pos = rnd.randrange(len(data) + 1)
            op = rnd.random()
            if op < 0.5:
                data[pos:pos] = rnd.choice(tokens)
            elif op < 0.7:
                del data[pos : pos + rnd.randint(1, 50)]
            else:
                data[pos:pos] = bytes(rnd.randrange(256) for _ in range(rnd.randint(1, 10)))
        try:
            parsed = parse_mail(bytes(data), "mutant.eml")
        except MailParseError:
            continue
        assert parsed.message_id.startswith("<")


@pytest.mark.parametrize(
    ("headers", "automatic"),
    [
        ({}, False),
        ({"Auto-Submitted": "no"}, False),
        ({"Auto-Submitted": "auto-replied"}, True),
        ({"Auto-Submitted": "auto-generated"}, True),
        ({"Precedence": "bulk"}, True),
        ({"X-Autoreply": "yes"}, True),
        ({"List-Id": "<hr.buf.dk>"}, True),
    ],
)
def test_automatic_replies_are_marked(headers, automatic):
    msg = EmailMessage()
    msg["From"] = "hh@x.dk"
    msg["Subject"] = "Automatisk svar: Kvittering: Klyngeleder – Ansættelser"
    for k, v in headers.items():
        msg[k] = v
    msg.set_content("Jeg er på ferie.")
    assert parse_mail(msg.as_bytes(), "x").automatic is automatic


def test_bounces_are_automatic():
    bounce = HERE / "data" / "mail" / "raw_email_incorrect_header.eml"
    assert parse_mail(bounce.read_bytes(), "x").automatic is False
    report = HERE / "data" / "mail" / "report_422.eml"  # a delivery status report
    assert parse_mail(report.read_bytes(), "r").automatic is True
    msg = EmailMessage()
    msg["From"] = "MAILER-DAEMON@buf.dk"
    msg.set_content("x")
    assert parse_mail(msg.as_bytes(), "x").automatic is True
