"""Secure channel against a real asyncua server: Basic256Sha256 / Aes128Sha256RsaOaep,
SignAndEncrypt, a trust list for the server certificate, a user whose password comes from
the secrets store (here an injected lookup standing in for the keyring)."""

from __future__ import annotations

import asyncio
import shutil
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from asyncua import Server, ua
from asyncua.crypto.cert_gen import setup_self_signed_certificate
from asyncua.crypto.permission_rules import User, UserRole
from asyncua.server.user_managers import UserManager
from cryptography.x509.oid import ExtendedKeyUsageOID

from app.core.store import TagStore
from app.core.tags import TagDef
from app.io.health import LinkState
from app.io.opcua import OpcUaDriver
from tests.io.test_opcua_driver import wait_for

SERVER_URI = "urn:crucible:test:secure-server"
CLIENT_URI = "urn:crucible:test:client"


class OneUser(UserManager):
    def get_user(self, iserver, username=None, password=None, certificate=None):  # type: ignore[no-untyped-def]
        if username == "operator" and password == "s3cret":
            return User(role=UserRole.User)
        return None


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def pki(tmp_path: Path) -> dict[str, Path]:
    files = {name: tmp_path / name for name in ("server.pem", "server.der", "client.pem", "client.der")}
    await setup_self_signed_certificate(files["server.pem"], files["server.der"], SERVER_URI, "localhost",
                                        [ExtendedKeyUsageOID.SERVER_AUTH], {"commonName": "test server"})
    await setup_self_signed_certificate(files["client.pem"], files["client.der"], CLIENT_URI, socket.gethostname(),
                                        [ExtendedKeyUsageOID.CLIENT_AUTH], {"commonName": "crucible"})
    (tmp_path / "trusted").mkdir()
    shutil.copy(files["server.der"], tmp_path / "trusted" / "server.der")
    (tmp_path / "empty").mkdir()
    files["trusted"] = tmp_path / "trusted"
    files["empty"] = tmp_path / "empty"
    return files


@pytest.fixture
async def secure_server(pki: dict[str, Path]) -> AsyncIterator[tuple[str, Server]]:
    server = Server(user_manager=OneUser())
    await server.init()
    endpoint = f"opc.tcp://127.0.0.1:{_port()}/secure/"
    server.set_endpoint(endpoint)
    await server.set_application_uri(SERVER_URI)
    server.set_security_policy([
        ua.SecurityPolicyType.Basic256Sha256_SignAndEncrypt,
        ua.SecurityPolicyType.Aes128Sha256RsaOaep_SignAndEncrypt,
    ])
    server.set_security_IDs(["Username"])
    await server.load_certificate(str(pki["server.der"]))
    await server.load_private_key(str(pki["server.pem"]))
    ns = await server.register_namespace("urn:test")
    await server.nodes.objects.add_variable(ua.NodeId("Kiln.Temperature", ns), "Kiln.Temperature", 812.5)
    async with server:
        yield endpoint, server


def _tag() -> TagDef:
    return TagDef("KILN.T", "A", "U", "Kiln temperature", "", "°C", 0.0, 1500.0, "opcua://kiln/ns=2;s=Kiln.Temperature")


def _options(pki: dict[str, Path], policy: str, trust: str = "trusted") -> dict[str, object]:
    return {
        "username": "operator",
        "application_uri": CLIENT_URI,
        "security": {
            "policy": policy,
            "mode": "SignAndEncrypt",
            "certificate": str(pki["client.der"]),
            "private_key": str(pki["client.pem"]),
            "trust_list": str(pki[trust]),
        },
    }


@pytest.mark.parametrize("policy", ["Basic256Sha256", "Aes128_Sha256_RsaOaep"])
async def test_signed_and_encrypted_session_with_keyring_password(secure_server, pki, policy: str) -> None:  # type: ignore[no-untyped-def]
    endpoint, _ = secure_server
    asked: list[str] = []

    def secret(name: str) -> str | None:
        asked.append(name)
        return "s3cret"

    store = TagStore([_tag()])
    driver = OpcUaDriver("kiln", endpoint, store, [_tag()], options=_options(pki, policy), secret=secret)
    task = asyncio.create_task(driver.run())
    try:
        assert await wait_for(lambda: store.get("KILN.T") is not None and store.get("KILN.T").is_good, 20), driver.health.last_error
        assert store.get("KILN.T").value == 812.5
        assert asked[0] == "opcua/kiln/password"
        assert await wait_for(lambda: driver.health.state is LinkState.CONNECTED, 10)
    finally:
        await driver.stop()
        await task


async def test_untrusted_server_and_wrong_password_are_refused_clearly(secure_server, pki) -> None:  # type: ignore[no-untyped-def]
    endpoint, _ = secure_server
    store = TagStore([_tag()])
    untrusted = OpcUaDriver("kiln", endpoint, store, [_tag()], options=_options(pki, "Basic256Sha256", "empty"),
                            secret=lambda name: "s3cret")
    task = asyncio.create_task(untrusted.run())
    try:
        assert await wait_for(lambda: untrusted.health.state is LinkState.DOWN, 20)
        assert store.get("KILN.T").quality.name == "BAD"
        assert "Bad" in untrusted.health.last_error or "trust" in untrusted.health.last_error.lower()
    finally:
        await untrusted.stop()
        await task

    wrong = OpcUaDriver("kiln", endpoint, store, [_tag()], options=_options(pki, "Basic256Sha256"),
                        secret=lambda name: "guess")
    task = asyncio.create_task(wrong.run())
    try:
        assert await wait_for(lambda: wrong.health.state is LinkState.DOWN, 20)
        assert "BadUserAccessDenied" in wrong.health.last_error or "Identity" in wrong.health.last_error
    finally:
        await wrong.stop()
        await task

    missing = OpcUaDriver("kiln", endpoint, store, [_tag()], options=_options(pki, "Basic256Sha256"), secret=lambda name: None)
    task = asyncio.create_task(missing.run())
    try:
        assert await wait_for(lambda: missing.health.state is LinkState.DOWN, 10)
        assert "'opcua/kiln/password'" in missing.health.last_error
    finally:
        await missing.stop()
        await task


async def test_deprecated_policy_is_refused() -> None:
    store = TagStore([_tag()])
    driver = OpcUaDriver("kiln", "opc.tcp://127.0.0.1:1/", store, [_tag()],
                         options={"security": {"policy": "Basic128Rsa15", "certificate": "x", "private_key": "y"}})
    task = asyncio.create_task(driver.run())
    try:
        assert await wait_for(lambda: driver.health.state is LinkState.DOWN, 10)
        assert "security policy 'Basic128Rsa15' is not allowed" in driver.health.last_error
    finally:
        await driver.stop()
        await task


async def test_the_plant_trust_list_decides_which_server_certificates_are_accepted(secure_server, pki, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """One trust list for the GUI, the CLI and the driver: a new server certificate waits as
    pending (refused, thumbprint named) until an administrator trusts it; then the same driver
    connects on its own; a rejected one stays refused even when the folder holds it."""
    from app.core.settings import load_settings
    from app.security.context import build_security

    monkeypatch.setenv("CRUCIBLE_SCRYPT_N", "16")
    settings = load_settings()
    settings.db_url = f"sqlite:///{tmp_path / 'plant.sqlite'}"
    security = build_security(settings)
    endpoint, _ = secure_server
    store = TagStore([_tag()])
    driver = OpcUaDriver("kiln", endpoint, store, [_tag()], options=_options(pki, "Basic256Sha256", "empty"),
                         secret=lambda name: "s3cret", max_backoff_s=1.0, certificate_check=security.trust.require_trusted)
    task = asyncio.create_task(driver.run())
    try:
        assert await wait_for(lambda: driver.health.state is LinkState.DOWN and "not trusted yet" in driver.health.last_error, 20)
        assert "crucible certs trust" in driver.health.last_error
        pending = security.trust.list("pending")
        assert len(pending) == 1 and pending[0].subject.startswith("CN=test server") and pending[0].endpoint == endpoint
        assert store.get("KILN.T").quality.name == "BAD"
        security.trust.decide(pending[0].thumbprint[:16], True, actor="admin")  # as the GUI dialog / CLI does
        assert await wait_for(lambda: store.get("KILN.T").is_good, 20), driver.health.last_error
        assert store.get("KILN.T").value == 812.5
    finally:
        await driver.stop()
        await task

    # Rejected by an administrator: refused although the deployed folder trusts it.
    security.trust.decide(pending[0].thumbprint[:16], False, actor="admin")
    store = TagStore([_tag()])
    refused = OpcUaDriver("kiln", endpoint, store, [_tag()], options=_options(pki, "Basic256Sha256", "trusted"),
                          secret=lambda name: "s3cret", certificate_check=security.trust.require_trusted)
    task = asyncio.create_task(refused.run())
    try:
        assert await wait_for(lambda: "rejected by an administrator" in refused.health.last_error, 20), refused.health.last_error
        assert store.get("KILN.T") is None or not store.get("KILN.T").is_good
    finally:
        await refused.stop()
        await task
    security.close()


async def test_secured_connection_without_trust_list_refuses_an_unknown_server(secure_server, pki) -> None:  # type: ignore[no-untyped-def]
    """Issue 13 §3: deny by default — no trust_list and no plant trust list trusts nothing."""
    endpoint, _ = secure_server
    options = _options(pki, "Basic256Sha256")
    del options["security"]["trust_list"]  # type: ignore[attr-defined]
    store = TagStore([_tag()])
    driver = OpcUaDriver("kiln", endpoint, store, [_tag()], options=options, secret=lambda name: "s3cret")
    task = asyncio.create_task(driver.run())
    try:
        assert await wait_for(lambda: driver.health.state is LinkState.DOWN and "trust" in driver.health.last_error, 20)
        assert store.get("KILN.T") is None or not store.get("KILN.T").is_good
        assert "no trust_list" in driver.health.last_error
    finally:
        await driver.stop()
        await task


def test_validate_warns_about_a_secured_connection_without_trust_list(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from app.cli import main
    from app.core.layout import DEFAULT_LAYOUT

    folder = tmp_path / "plant"
    shutil.copytree(DEFAULT_LAYOUT, folder)
    plant = folder / "plant.yaml"
    plant.write_text(plant.read_text(encoding="utf-8").replace(
        "    endpoint: opc.tcp://127.0.0.1:4840/crucible/\n",
        "    endpoint: opc.tcp://127.0.0.1:4840/crucible/\n    security:\n      certificate: c.der\n      private_key: k.pem\n",
    ), encoding="utf-8")
    assert main(["validate", str(folder)]) == 0
    err = capsys.readouterr().err
    assert "connection 'sim' is secured but has no trust_list" in err
