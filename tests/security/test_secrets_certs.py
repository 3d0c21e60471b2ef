"""Secrets through keyring (file backend chosen explicitly), certificates, trust list, and
no password in any file the app writes."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from keyring.backends import fail
from keyrings.alt.file import PlaintextKeyring

from app.cli import main as crucible
from app.core.settings import Settings
from app.security import secrets
from app.security.certs import KEY_PASSPHRASE_SECRET
from app.security.context import build_security
from app.security.trust import UntrustedCertificate, pretty_thumbprint
from app.security.users import SecurityError


@pytest.fixture
def file_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """keyrings.alt's file backend, chosen on purpose (as PYTHON_KEYRING_BACKEND does)."""
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    backend = PlaintextKeyring()
    backend.file_path = str(tmp_path / "keyring" / "crucible_test.cfg")
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    yield Path(backend.file_path)
    keyring.set_keyring(previous)


def test_secrets_round_trip_through_keyring(file_keyring: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("s3cret-opc\n"))
    assert crucible(["secrets", "set", "opcua/sim/password", "--stdin"]) == 0
    assert secrets.get_secret("opcua/sim/password") == "s3cret-opc"  # what the I/O layer reads
    secrets.set_secret("db/plantdb/crucible", "pg-pass-1")
    assert crucible(["secrets", "list"]) == 0
    out = capsys.readouterr().out
    assert "opcua/sim/password" in out and "db/plantdb/crucible" in out
    assert "s3cret-opc" not in out and "pg-pass-1" not in out
    assert "PlaintextKeyring" in out  # says where the secrets live
    assert file_keyring.exists()
    assert crucible(["secrets", "delete", "db/plantdb/crucible"]) == 0
    assert secrets.get_secret("db/plantdb/crucible") is None
    assert secrets.list_secrets() == [("opcua/sim/password", True)]


def test_plaintext_keyring_is_refused_unless_chosen(file_keyring: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND")
    with pytest.raises(secrets.SecretsUnavailable, match="stores secrets in plain text"):
        secrets.set_secret("opcua/sim/password", "x")
    assert not file_keyring.exists()


def test_no_backend_says_what_to_install(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        monkeypatch.setattr("sys.stdin", io.StringIO("v\n"))
        assert crucible(["secrets", "set", "opcua/sim/password", "--stdin"]) == 1
        err = capsys.readouterr().err
        assert "No usable OS keyring" in err and "keyrings.cryptfile" in err
    finally:
        keyring.set_keyring(previous)


def test_certs_create_and_trust_list(file_keyring: Path, settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pki = tmp_path / "data" / "pki"
    assert crucible(["certs", "create", "--dir", str(pki), "--hostname", "cr-01", "--uri", "urn:cr-01:crucible:client"]) == 0
    out = capsys.readouterr().out
    cert = x509.load_der_x509_certificate((pki / "client_cert.der").read_bytes())
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.UniformResourceIdentifier) == ["urn:cr-01:crucible:client"]
    passphrase = secrets.get_secret(KEY_PASSPHRASE_SECRET)
    assert passphrase and passphrase not in out
    serialization.load_pem_private_key((pki / "client_key.pem").read_bytes(), passphrase.encode())
    with pytest.raises(TypeError):  # the key on disk is encrypted
        serialization.load_pem_private_key((pki / "client_key.pem").read_bytes(), None)
    assert crucible(["certs", "create", "--dir", str(pki)]) == 1  # never overwritten by accident

    # a server certificate (here: ours) seen by the I/O layer is refused until trusted
    der = (pki / "client_cert.der").read_bytes()
    sec = build_security(settings)
    try:
        with pytest.raises(UntrustedCertificate) as refused:
            sec.trust.require_trusted(der, "opc.tcp://plc1:4840")
        tp = refused.value.thumbprint
        assert pretty_thumbprint(tp) in str(refused.value) and "not trusted yet" in str(refused.value)
        with pytest.raises(UntrustedCertificate):  # still pending: never accepted silently
            sec.trust.require_trusted(der, "opc.tcp://plc1:4840")
        assert crucible(["certs", "list", "--db", settings.db_url]) == 0
        assert "pending" in capsys.readouterr().out
        assert crucible(["certs", "trust", tp[:12], "--db", settings.db_url]) == 0
        sec.trust.require_trusted(der, "opc.tcp://plc1:4840")
        assert crucible(["certs", "reject", tp[:12], "--db", settings.db_url]) == 0
        with pytest.raises(UntrustedCertificate, match="rejected"):
            sec.trust.require_trusted(der)
        kinds = [e.event_type for e in sec.audit.entries(newest_first=False)]
        assert kinds == ["certificate_seen", "certificate_trust", "certificate_reject"]
    finally:
        sec.close()


def test_no_password_in_any_file_the_app_writes(file_keyring: Path, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    passwords = ["Op-Pass-4711", "Lead-Pass-0815", "Wrong-Guess-999", "New-Pass-2026"]
    db = ["--db", settings.db_url]
    monkeypatch.setattr("sys.stdin", io.StringIO(passwords[0] + "\n"))
    assert crucible(["users", "add", "op1", "--role", "operator", "--password-stdin", *db]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO(passwords[1] + "\n"))
    assert crucible(["users", "add", "lead", "--role", "shift_lead", "--password-stdin", *db]) == 0
    sec = build_security(settings)
    try:
        with pytest.raises(SecurityError):
            sec.session.login("op1", passwords[2])
        sec.session.login("op1", passwords[0])
        sec.session.sign_critical("write_setpoint:SMF", "SMF.O2_ENR_SP", 70.0, passwords[0], "lead", passwords[1], "trial")
        with pytest.raises(SecurityError):
            sec.session.sign_critical("write_setpoint:SMF", "SMF.O2_ENR_SP", 70.0, passwords[2], "lead", passwords[2], "trial")
        sec.users.change_password("op1", passwords[0], passwords[3])
        assert crucible(["audit", "export", str(tmp_path / "data" / "audit.csv"), *db]) == 0
    finally:
        sec.close()
    assert crucible(["certs", "create", "--dir", str(tmp_path / "data" / "pki")]) == 0
    passwords.append(secrets.get_secret(KEY_PASSPHRASE_SECRET) or "missing")
    written = [p for d in (tmp_path / "data", tmp_path / "config") if d.exists() for p in d.rglob("*") if p.is_file()]
    assert any(p.suffix == ".sqlite" for p in written) and any(p.name == "audit.csv" for p in written)
    for path in written:
        content = path.read_bytes()
        for password in passwords:
            for encoded in (password.encode(), password.encode("utf-16-le")):
                assert encoded not in content, f"{password!r} found in {path}"
