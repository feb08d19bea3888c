"""The short ways docauto reads a mail's Message-ID, Date, Subject and From (a fast path for the
common shapes, results kept for repeating values) give exactly what the modern email policy's
full parse gives: on every mail of the corpora, and on generated values around the edges."""

from __future__ import annotations

import dataclasses
import random
import re
from pathlib import Path

import pytest

from docauto.mail import feed
from docauto.mail import message as M

HERE = Path(__file__).parent
SHARED_DIR = Path("/work/shared/corpora/mail-edge-cases")
FILES = sorted((HERE / "data" / "mail").glob("*.eml")) + sorted(
    (HERE.parent / "docauto" / "data").rglob("*.eml")
)
if SHARED_DIR.is_dir():
    FILES += sorted(p for p in SHARED_DIR.rglob("*") if p.is_file())


@pytest.fixture
def slow(monkeypatch):
    """parse_mail the long way: every header through the policy, nothing kept."""

    def use() -> None:
        monkeypatch.setattr(feed, "_FEEDPARSER", None)
        monkeypatch.setattr(M, "_SIMPLE_MSGID", re.compile(r"(?!)"))
        monkeypatch.setattr(M, "_simple_date", lambda raw: None)
        monkeypatch.setattr(M, "_cached_header_text", M._read_header_text)
        monkeypatch.setattr(M, "_cached_from", M._read_from)
        monkeypatch.setattr(M, "_quick_content_type", lambda policy, name, value: None)

    return use


def _fields(raw: bytes, name: str) -> object:
    try:
        parsed = M.parse_mail(raw, name)
    except M.MailParseError as exc:
        return ("MailParseError", exc.message)
    return dataclasses.asdict(parsed)


def test_corpus_reads_the_same_both_ways(slow):
    assert len(FILES) >= 10
    raws = [(p.read_bytes(), p.name) for p in FILES]
    fast = [_fields(raw, name) for raw, name in raws]
    again = [_fields(raw, name) for raw, name in raws]  # now from the kept results
    slow()
    reference = [_fields(raw, name) for raw, name in raws]
    for (_, name), a, b, c in zip(raws, fast, again, reference, strict=True):
        assert a == c, name
        assert b == c, name


def _mail(**headers: str) -> bytes:
    lines = [f"{k.replace('_', '-')}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\nHej\r\n").encode("utf-8", "surrogateescape")


ATEXT = "abcXYZ019!#$%&'*+/=?^_`{|}~-"
OTHER = ' .<>@()[]:;,\\"\t'


def _message_ids(rng: random.Random) -> list[str]:
    def atom() -> str:
        return "".join(rng.choice(ATEXT) for _ in range(rng.randint(1, 6)))

    def dots() -> str:
        return ".".join(atom() for _ in range(rng.randint(1, 3)))

    out = [f"<{dots()}@{dots()}>" for _ in range(300)]
    for _ in range(300):  # near misses: a character from outside atext somewhere
        s = list(f"<{dots()}@{dots()}>")
        s.insert(rng.randint(0, len(s)), rng.choice(OTHER))
        out.append("".join(s))
    out += ["<a..b@c>", "<.a@b>", "<a.@b>", "<a@b.>", "<a@@b>", "<a@b> ", " <a@b>", "<a@b>(x)"]
    out += ["<a@[1.2.3.4]>", '<"a b"@c>', "a@b", "<a@b", "<@b>", "<a@>", "<æ@b.dk>"]
    return out


def test_message_id_fast_path_is_what_the_policy_reads(slow):
    ids = _message_ids(random.Random(15))
    fast = [_fields(_mail(From="a@b.dk", Message_ID=v), "x")["message_id"] for v in ids]
    assert sum(bool(M._SIMPLE_MSGID.fullmatch(v)) for v in ids) >= 300  # the path is taken
    slow()
    for v, got in zip(ids, fast, strict=True):
        assert got == _fields(_mail(From="a@b.dk", Message_ID=v), "x")["message_id"], v


def _dates(rng: random.Random) -> list[str]:
    days = ["Mon, ", "Sun, ", "", "Xyz, ", "mon, "]
    months = ["Jan", "Feb", "Oct", "Dec", "Foo", "jan"]
    out = []
    for _ in range(600):
        day = rng.choice(["1", "01", "29", "30", "31", "0", "00", "32", "9"])
        year = rng.choice(["2010", "1999", "0000", "0001", "9999", "1900", "2038"])
        clock = rng.choice(["08:00", "08:00:00", "23:59:59", "23:59:60", "24:00:00", "00:60:00"])
        zone = rng.choice(["+0200", "-0000", "+0000", "-1200", "+9959", "+2400", "GMT", "+02"])
        out.append(f"{rng.choice(days)}{day} {rng.choice(months)} {year} {clock} {zone}")
    for _ in range(300):  # well formed, with the edges of each field
        day = rng.choice(["Mon, ", "Sun, ", ""]) + str(rng.randint(1, 31)).zfill(rng.randint(1, 2))
        month = rng.choice(["Jan", "Feb", "Apr", "Dec"])
        clock = f"{rng.randint(0, 23):02}:{rng.randint(0, 59):02}:{rng.randint(0, 60):02}"
        zone = f"{rng.choice('+-')}{rng.randint(0, 14):02}{rng.choice([0, 30, 45]):02}"
        out.append(f"{day} {month} {rng.randint(1, 9999):04} {clock} {zone}")
    out += ["Fri, 01 Oct 2010 08:00:00 +0200 (CEST)", "Fri,  1 Oct 2010 08:00:00 +0200", ""]
    return out


def test_date_fast_path_is_what_the_policy_reads(slow):
    dates = _dates(random.Random(3))
    fast = [_fields(_mail(From="a@b.dk", Date=v), "x") for v in dates]
    assert sum(M._simple_date(v) is not None for v in dates) >= 200
    slow()
    for v, got in zip(dates, fast, strict=True):
        want = _fields(_mail(From="a@b.dk", Date=v), "x")
        assert (got["date"], got["defects"]) == (want["date"], want["defects"]), v


def test_kept_header_results_do_not_leak_between_mails():
    """A kept result is the value's, not the mail's: each mail still gets its own problem."""
    bad = "chief@kommune.dk <evil@evil.invalid>"
    for _ in range(3):
        parsed = M.parse_mail(_mail(From=bad, Subject="Hej"), "x")
        assert parsed.sender == ""
        assert parsed.sender_problem
    good = M.parse_mail(_mail(From="Søren Ø <soren@kommune.dk>", Subject="Hej"), "y")
    assert (good.sender, good.sender_name) == ("soren@kommune.dk", "Søren Ø")
    twice = M.parse_mail(_mail(From="a@b.dk", FROM="c@d.dk"), "z")
    assert twice.sender == "" and "2 From-linjer" in twice.sender_problem


def test_generated_senders_and_subjects_read_the_same_both_ways(slow):
    rng = random.Random(7)
    names = ["Anne Hansen", '"Hansen, Anne"', "=?utf-8?q?S=C3=B8ren?= Bech", "", "A (x) B"]
    addrs = [
        "a@b.dk",
        "A.B@Kommune.DK",
        "a@b",
        "a@@b.dk",
        "<a@b.dk>",
        "a@b.dk, c@d.dk",
        "g: a@b.dk;",
    ]
    froms = [f"{rng.choice(names)} <{rng.choice(addrs)}>" for _ in range(100)] + addrs
    subjects = ["Klyngeleder =?utf-8?q?=E2=80=93_Registrering?=", "Re:  two  spaces", "=?bad?="]
    msgs = [_mail(From=f, Subject=rng.choice(subjects)) for f in froms]
    fast = [_fields(raw, "x") for raw in msgs]
    slow()
    assert fast == [_fields(raw, "x") for raw in msgs]
    assert any(f["sender"] for f in fast) and any(f["sender_problem"] for f in fast)


def _boundary_pattern(separator: str) -> str:
    # As email.feedparser writes it (Python 3.11-3.13).
    return (
        "(?P<sep>" + re.escape(separator) + r")(?P<end>--)?(?P<ws>[ \t]*)(?P<linesep>\r\n|\r|\n)?$"
    )


def test_boundary_matcher_matches_the_lines_the_pattern_matches():
    assert feed._FEEDPARSER is not None  # the private parser is the one in use here
    rng = random.Random(11)
    specials = "()[]{}?*+-|^$\\.&~# \t'=_/:,"
    seps = [
        "--" + "".join(rng.choice("aZ09" + specials) for _ in range(rng.randint(1, 40)))
        for _ in range(200)
    ]
    seps += ["--===============3719497797352744995==", "--(?P<x>)", "--a)b", "--\\"]
    endings = ["", "\n", "\r\n", "\r", "\n\n", " \t\n", "--", "--\r\n", "-- \n", "x\n", "--x"]
    checked = 0
    for sep in seps:
        pattern = _boundary_pattern(sep)
        real, ours = re.compile(pattern), feed._Re.compile(pattern)
        assert isinstance(ours, feed._BoundaryMatcher)
        for line in [sep + e for e in endings] + [sep[:-1] + "\n", "x" + sep + "\n", sep[2:]]:
            want, got = real.match(line), ours.match(line)
            assert (want is None) == (got is None), (sep, line)
            if want is not None:
                assert (got.group("end"), got.group("linesep")) == (
                    want.group("end"),
                    want.group("linesep"),
                ), (sep, line)
                checked += 1
    assert checked > 1000
    assert feed._Re.compile(r"(\r\n|\r|\n)\Z").pattern == r"(\r\n|\r|\n)\Z"  # others: real re


def _content_types(rng: random.Random, n: int) -> list[str]:
    """Content-Type values around the quick shape: token and quoted values, case, spacing,
    repeated and RFC 2231 parameters, encoded words, quotes, comments, folding."""
    chars = "abcXYZ019'()+_,./:=? -\"*!#$%&;<>@[]~=?"
    out = [
        'multipart/mixed; boundary="===============3719497797352744995=="',
        "multipart/alternative; boundary=000000000000b2c9a005d8e5e0f1",
        'multipart/related;boundary="----=_NextPart_000_0001_01D9";type="text/html"',
        'multipart/mixed; boundary=""',
        "multipart/mixed; boundary=a'b",
        'multipart/mixed; boundary="a"; boundary="b"',
        'multipart/mixed; boundary="=?utf-8?q?x?="',
        "multipart/mixed; boundary*=utf-8''abc",
        'multipart/mixed; boundary="a b" (comment)',
        'multipart/mixed;\r\n boundary="folded"',
        'multipart/mixed;  boundary="two spaces"',
        'multipart/mixed; boundary="x";',
        "MULTIPART/Mixed; BOUNDARY=abc",
        "multipart/; boundary=x",
        "text/plain",
    ]
    for _ in range(n):
        params = []
        for _ in range(rng.randrange(0, 4)):
            name = rng.choice(["boundary", "Boundary", "charset", "type", "name", "b-1", "x*"])
            value = "".join(rng.choice(chars) for _ in range(rng.randrange(0, 12)))
            quoted = rng.random() < 0.6
            sep = rng.choice([";", "; ", "; ", " ;", ";  ", ";\t"])
            params.append(f"{sep}{name}={chr(34) + value + chr(34) if quoted else value}")
        main = rng.choice(["multipart", "Multipart", "text", "application", "multi part", "x-a.b"])
        sub = rng.choice(["mixed", "alternative", "Related", "plain", "vnd.ms-excel", "a+b", ""])
        out.append(f"{main}/{sub}{''.join(params)}")
    return out


def test_quick_content_types_are_what_the_policy_reads():
    """A multipart's Content-Type read the quick way is the header the policy makes: its text,
    parameters, types, defects and how it is written out."""
    from email.headerregistry import ContentTypeHeader
    from email.policy import default

    quick = 0
    for value in _content_types(random.Random(2031), 3000):
        got = M._quick_content_type(M.POLICY, "Content-Type", value)
        if got is None:
            continue
        quick += 1
        want = default.header_fetch_parse("Content-Type", value)
        assert isinstance(got, ContentTypeHeader), value
        assert str(got) == str(want), value
        assert dict(got.params) == dict(want.params), value
        assert (got.maintype, got.subtype, got.content_type) == (
            want.maintype,
            want.subtype,
            want.content_type,
        ), value
        assert got.defects == want.defects == (), value
        assert got.name == want.name
        assert got.fold(policy=default) == want.fold(policy=default), value
    assert quick >= 300  # the generator reaches the quick shape often enough to test it
