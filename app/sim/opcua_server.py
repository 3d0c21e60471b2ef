"""The simulator's OPC UA server (asyncua): Objects/Plant/<Area>/<Unit>/<Tag>."""

from __future__ import annotations

import hmac
import logging
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from asyncua import Server, ua
from asyncua.common.node import Node
from asyncua.crypto.permission_rules import User, UserRole

from app.core.address import parse_address
from app.core.layout import PlantLayout
from app.core.tags import DataType, TagDef

NAMESPACE_URI = "urn:crucible:copper-smelter"
APPLICATION_URI = "urn:crucible:simulator"
log = logging.getLogger(__name__)

# Why a value is not Good -> the OPC UA status code a client sees. Anything else is Bad.
STATUS_FOR_REASON = {
    "sensor": ua.StatusCodes.BadSensorFailure,
    "comm": ua.StatusCodes.BadCommunicationError,
    "out_of_service": ua.StatusCodes.BadOutOfService,
    "uncertain": ua.StatusCodes.UncertainSensorNotAccurate,
    "last_usable": ua.StatusCodes.UncertainLastUsableValue,
}


@dataclass(slots=True)
class OpcUaSecurity:
    """Secure endpoints for the simulator's server.

    ``cert_dir`` holds (or receives, generated on first use) ``server_key.pem`` and
    ``server_cert.der``. With ``users`` set, clients must log in with one of them
    (anonymous access is refused). ``allow_none`` keeps the unencrypted endpoint for the
    local demo next to Basic256Sha256 and Aes128_Sha256_RsaOaep, both SignAndEncrypt.
    """

    cert_dir: Path
    users: dict[str, str] = field(default_factory=dict)
    allow_none: bool = True

    @property
    def cert_file(self) -> Path:
        return self.cert_dir / "server_cert.der"

    @property
    def key_file(self) -> Path:
        return self.cert_dir / "server_key.pem"


class _PasswordUsers:
    """asyncua user manager: a fixed set of user names and passwords (compared in constant time)."""

    def __init__(self, users: Mapping[str, str]) -> None:
        self._users = dict(users)

    def get_user(self, iserver: object, username: str | None = None, password: str | None = None,
                 certificate: object = None) -> User | None:
        if username is None or password is None or username not in self._users:
            return None
        if not hmac.compare_digest(self._users[username].encode(), str(password).encode()):
            return None
        return User(role=UserRole.User, name=username)


def _variant(tag: TagDef, value: float | int | bool) -> ua.Variant:
    if tag.data_type is DataType.BOOL:
        return ua.Variant(bool(value), ua.VariantType.Boolean)
    if tag.data_type in (DataType.INT, DataType.STATE):
        return ua.Variant(int(value), ua.VariantType.Int32)
    return ua.Variant(float(value), ua.VariantType.Double)


class PlantOpcUaServer:
    """Serves a layout's OPC UA tags; :meth:`publish` pushes new values into the nodes."""

    def __init__(
        self, layout: PlantLayout, host: str = "127.0.0.1", port: int = 4840, security: OpcUaSecurity | None = None
    ) -> None:
        self.layout = layout
        self.host = host
        self.endpoint = f"opc.tcp://{host}:{port}/crucible/"
        self.security = security
        users = _PasswordUsers(security.users) if security and security.users else None
        self.server = Server(user_manager=users)
        self.paused = False
        self.nodes: dict[str, Node] = {}
        self.node_ids: dict[str, ua.NodeId] = {}
        self._tags: dict[str, TagDef] = {}
        self._last_written: dict[str, object] = {}
        self.ns = 0
        self.conditions: Any = None  # app.sim.conditions.SimConditions, set by the runner

    async def start(self, initial: Mapping[str, float | int | bool]) -> None:
        self.server.iserver.bind_condition_methods = True  # ConditionRefresh answers (A&C clients)
        await self.server.init()
        self.server.set_endpoint(self.endpoint)
        self.server.set_server_name("Crucible copper-smelter simulator")
        await self.server.set_application_uri(APPLICATION_URI)
        await self._setup_security()
        self.ns = await self.server.register_namespace(NAMESPACE_URI)
        plant = await self.server.nodes.objects.add_folder(
            ua.NodeId("Plant", self.ns), ua.QualifiedName("Plant", self.ns)
        )
        for area in self.layout.areas.values():
            area_node = await plant.add_folder(ua.NodeId(f"Plant.{area.id}", self.ns), ua.QualifiedName(area.id, self.ns))
            for unit in area.units:
                unit_node = await area_node.add_object(
                    ua.NodeId(f"Plant.{area.id}.{unit.id}", self.ns), ua.QualifiedName(unit.id, self.ns)
                )
                for tag in self.layout.tags.values():
                    if tag.unit_id == unit.id and tag.address.startswith("opcua://"):
                        await self._add_tag(unit_node, tag, initial.get(tag.name, 0.0))
        if self.conditions is not None:
            await self.conditions.setup()
        await self.server.start()
        if self.conditions is not None:
            await self.conditions.start_history()
        log.info("OPC UA server listening on %s with %d tags", self.endpoint, len(self.nodes))

    async def _setup_security(self) -> None:
        sec = self.security
        if sec is None:
            self.server.set_security_policy([ua.SecurityPolicyType.NoSecurity])
            return
        from asyncua.crypto.cert_gen import setup_self_signed_certificate
        from cryptography.x509.oid import ExtendedKeyUsageOID

        sec.cert_dir.mkdir(parents=True, exist_ok=True)
        await setup_self_signed_certificate(
            sec.key_file, sec.cert_file, APPLICATION_URI, socket.gethostname(),
            [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH],
            {"commonName": "Crucible simulator", "organizationName": "Crucible"},
        )
        sec.key_file.chmod(0o600)
        await self.server.load_certificate(str(sec.cert_file))
        await self.server.load_private_key(str(sec.key_file))
        policies = [
            ua.SecurityPolicyType.Basic256Sha256_SignAndEncrypt,
            ua.SecurityPolicyType.Aes128Sha256RsaOaep_SignAndEncrypt,
        ]
        if sec.allow_none:
            policies.insert(0, ua.SecurityPolicyType.NoSecurity)
        self.server.set_security_policy(policies)
        if sec.users:
            self.server.set_identity_tokens([ua.UserNameIdentityToken])

    async def _add_tag(self, parent: Node, tag: TagDef, value: float | int | bool) -> None:
        node_id_text = parse_address(tag.address).node_id
        node_id = ua.NodeId.from_string(node_id_text.replace("ns=2;", f"ns={self.ns};"))
        var = await parent.add_variable(node_id, ua.QualifiedName(tag.name, self.ns), _variant(tag, value))
        await var.write_attribute(
            ua.AttributeIds.Description, ua.DataValue(ua.Variant(ua.LocalizedText(tag.description_en, "en")))
        )
        if tag.eng_unit:
            eu = ua.EUInformation()
            eu.NamespaceUri = "http://www.opcfoundation.org/UA/units/un/cefact"
            eu.DisplayName = ua.LocalizedText(tag.eng_unit)
            eu.Description = ua.LocalizedText(tag.eng_unit)
            await var.add_property(
                ua.NodeId(f"{tag.name}.EngineeringUnits", self.ns), ua.QualifiedName("EngineeringUnits", 0), eu
            )
        await var.add_property(
            ua.NodeId(f"{tag.name}.EURange", self.ns), ua.QualifiedName("EURange", 0), ua.Range(tag.eu_low, tag.eu_high)
        )
        if tag.writable:
            await var.set_writable(True)
        self.nodes[tag.name] = var
        self.node_ids[tag.name] = var.nodeid
        self._tags[tag.name] = tag
        self._last_written[tag.name] = value

    async def publish(self, values: Mapping[str, float | int | bool], bad: Mapping[str, str] | None = None) -> int:
        """Write new values (with source timestamps now); return how many nodes were written.

        ``bad`` maps tag -> reason; the value goes out with the status code of that reason
        (:data:`STATUS_FOR_REASON`: ``sensor``, ``comm``, ``out_of_service`` are Bad;
        ``uncertain``, ``last_usable`` are Uncertain; anything else is BadSensorFailure).
        """
        now = datetime.now(UTC)
        write = self.server.write_attribute_value
        n = 0
        for name, value in values.items():
            node_id = self.node_ids.get(name)
            if node_id is None:
                continue
            if bad and name in bad:
                status = ua.StatusCode(STATUS_FOR_REASON.get(bad[name], ua.StatusCodes.BadSensorFailure))
            else:
                status = ua.StatusCode()
            await write(node_id, ua.DataValue(_variant(self._tags[name], value), status, now, now))
            self._last_written[name] = value
            n += 1
        return n

    async def pause(self) -> None:
        """Stop answering: refuse new connections and leave open ones hanging (no replies)."""
        if self.paused:
            return
        self.paused = True
        bserver = self.server.bserver
        if bserver is not None and bserver._server is not None:
            bserver._server.close()
        for transport in list(self.server.iserver.asyncio_transports):
            transport.pause_reading()

    async def resume(self) -> None:
        """Answer again: open sessions carry on, new connections are accepted."""
        if not self.paused:
            return
        self.paused = False
        for transport in list(self.server.iserver.asyncio_transports):
            if not transport.is_closing():
                transport.resume_reading()
        bserver = self.server.bserver
        if bserver is not None:
            await bserver.start()

    async def client_writes(self) -> dict[str, float]:
        """Values that clients wrote to writable nodes since the last publish."""
        changed: dict[str, float] = {}
        for name, tag in self._tags.items():
            if not tag.writable:
                continue
            value = self.server.read_attribute_value(self.node_ids[name]).Value.Value
            if value != self._last_written.get(name):
                changed[name] = float(value)
        return changed

    async def stop(self) -> None:
        if self.conditions is not None:
            await self.conditions.stop_history()
        await self.server.stop()
