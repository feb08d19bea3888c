"""A real Dovecot IMAP server on loopback for the IMAP source tests (COMPONENTS.md recipe).

Started once per session from the Debian package's binary with a throw-away configuration:
everything (sockets, state, log, maildirs) lives in a temporary folder, and it listens on a
free 127.0.0.1 port with plaintext login (``ssl = no``), which the IMAP source allows on
loopback only. Tests that use it skip when Dovecot is not installed (``scripts/dev.py test``
installs ``dovecot-imapd`` on CI).
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

PASSWORD = "hemmeligt-kodeord"
USERS = 40
NO_MOVE_USER = "laeseadgang"  # ACL: lookup, read, seen, write, insert, create; no delete/expunge


def _dovecot_binary() -> str | None:
    return shutil.which("dovecot") or (
        "/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class DovecotServer:
    host: str
    port: int
    root: Path
    _users: itertools.count
    tls_port: int | None = None
    cert: Path | None = None

    def new_account(self) -> tuple[str, str]:
        """A user nobody else in this session has touched: (user, password)."""
        n = next(self._users)
        if n > USERS:
            raise RuntimeError("conftest_dovecot: raise USERS")
        return f"jobbank{n}", PASSWORD

    def log(self) -> str:
        try:
            return (self.root / "dovecot.log").read_text(errors="replace")
        except OSError:
            return ""


def _config(root: Path, port: int, tls_port: int | None = None) -> str:
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # Dovecot refuses to run its login and mail processes as root (COMPONENTS.md).
        login_user, internal_user, mail_user = "dovenull", "dovecot", "dovecot"
        import grp
        import pwd

        mail_uid = pwd.getpwnam(mail_user).pw_uid
        mail_gid = grp.getgrnam(mail_user).gr_gid
    else:
        import pwd

        me = pwd.getpwuid(os.getuid()).pw_name
        login_user = internal_user = mail_user = me
        mail_uid, mail_gid = os.getuid(), os.getgid()
    tls = (
        f"""
ssl = required
ssl_cert = <{root}/tls/cert.pem
ssl_key = <{root}/tls/key.pem
ssl_min_protocol = TLSv1.2
"""
        if tls_port
        else "ssl = no\n"
    )
    return f"""
{tls}
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = {login_user}
default_internal_user = {internal_user}
first_valid_uid = {min(mail_uid, 100) if mail_uid else 0}
first_valid_gid = {min(mail_gid, 100) if mail_gid else 0}
mail_location = maildir:{root}/mail/%u
mail_plugins = acl
protocol imap {{
  mail_plugins = $mail_plugins imap_acl
}}
plugin {{
  # One user may read and look up but not delete or expunge: it cannot move mail out.
  acl = vfile:{root}/global-acls:cache_secs=0
}}
mail_uid = {mail_uid}
mail_gid = {mail_gid}
namespace inbox {{
  inbox = yes
  separator = /
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={mail_uid} gid={mail_gid} home={root}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port or 0}
    ssl = {"yes" if tls_port else "no"}
  }}
}}
service stats {{
  inet_listener http {{
    port = 0
  }}
}}
"""


def _self_signed(folder: Path) -> Path:
    """A test CA and a server certificate it issued for localhost / 127.0.0.1 (with its key).
    Returns the CA certificate: trusting it (and only it) is what a municipality's internal CA
    in the OS trust store looks like to docauto."""
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    folder.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Demokommune Test-CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    (folder / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    os.chmod(folder / "key.pem", 0o600)
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    return folder / "ca.pem"


def _start(tls: bool):
    binary = _dovecot_binary()
    if not binary:
        pytest.skip("Dovecot is not installed (apt-get install dovecot-imapd)")
    root = Path(tempfile.mkdtemp(prefix="docauto-dovecot-"))
    os.chmod(root, 0o755)  # the mail user must reach its maildirs below
    (root / "mail").mkdir()
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        import pwd

        pw = pwd.getpwnam("dovecot")
        os.chown(root / "mail", pw.pw_uid, pw.pw_gid)
    (root / "passwd").write_text(
        "".join(f"jobbank{n}:{{PLAIN}}{PASSWORD}\n" for n in range(1, USERS + 1))
        + f"{NO_MOVE_USER}:{{PLAIN}}{PASSWORD}\n"
    )
    (root / "global-acls").write_text(
        f"* user={NO_MOVE_USER} lrswik\n* owner lrwstipekxa\n", encoding="ascii"
    )
    port = _free_port()
    tls_port = _free_port() if tls else None
    cert = _self_signed(root / "tls") if tls else None
    conf = root / "dovecot.conf"
    conf.write_text(_config(root, port, tls_port))
    proc = subprocess.Popen(
        [binary, "-F", "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 15
    server = DovecotServer("127.0.0.1", port, root, itertools.count(1), tls_port, cert)
    try:
        while True:
            if proc.poll() is not None:
                err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
                pytest.fail(f"dovecot exited: {err}\n{server.log()}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
                    if s.recv(100).startswith(b"* OK"):
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"dovecot did not start listening on {port}\n{server.log()}")
            time.sleep(0.1)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def dovecot_server():
    """Plain IMAP on loopback (ssl = no)."""
    yield from _start(tls=False)


@pytest.fixture(scope="session")
def dovecot_tls_server():
    """TLS only: implicit TLS on ``tls_port``, STARTTLS required on ``port``; the server's
    certificate (for localhost and 127.0.0.1) is issued by a test CA, whose certificate is
    ``cert`` (trust it to connect)."""
    pytest.importorskip("cryptography")
    yield from _start(tls=True)


@pytest.fixture(scope="session")
def no_move_account(dovecot_server):
    """(server, user, password) of the one user whose ACL lets it read but not move mail."""
    return dovecot_server, NO_MOVE_USER, PASSWORD


@pytest.fixture
def imap_account(dovecot_server):
    """(server, user, password) of a fresh, empty mailbox."""
    user, password = dovecot_server.new_account()
    return dovecot_server, user, password
