"""The simulator's OPC UA server (asyncua): Objects/Plant/<Area>/<Unit>/<Tag>."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime

from asyncua import Server, ua
from asyncua.common.node import Node

from app.core.address import parse_address
from app.core.layout import PlantLayout
from app.core.tags import DataType, TagDef

NAMESPACE_URI = "urn:crucible:copper-smelter"
log = logging.getLogger(__name__)


def _variant(tag: TagDef, value: float | int | bool) -> ua.Variant:
    if tag.data_type is DataType.BOOL:
        return ua.Variant(bool(value), ua.VariantType.Boolean)
    if tag.data_type in (DataType.INT, DataType.STATE):
        return ua.Variant(int(value), ua.VariantType.Int32)
    return ua.Variant(float(value), ua.VariantType.Double)


class PlantOpcUaServer:
    """Serves a layout's OPC UA tags; :meth:`publish` pushes new values into the nodes."""

    def __init__(self, layout: PlantLayout, host: str = "127.0.0.1", port: int = 4840) -> None:
        self.layout = layout
        self.endpoint = f"opc.tcp://{host}:{port}/crucible/"
        self.server = Server()
        self.nodes: dict[str, Node] = {}
        self.node_ids: dict[str, ua.NodeId] = {}
        self._tags: dict[str, TagDef] = {}
        self._last_written: dict[str, object] = {}
        self.ns = 0

    async def start(self, initial: Mapping[str, float | int | bool]) -> None:
        await self.server.init()
        self.server.set_endpoint(self.endpoint)
        self.server.set_server_name("Crucible copper-smelter simulator")
        self.server.set_security_policy([ua.SecurityPolicyType.NoSecurity])
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
        await self.server.start()
        log.info("OPC UA server listening on %s with %d tags", self.endpoint, len(self.nodes))

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

    async def publish(self, values: Mapping[str, float | int | bool], bad: Mapping[str, str] | None = None) -> None:
        """Write new values (with source timestamps now); ``bad`` maps tag -> reason for Bad."""
        now = datetime.now(UTC)
        write = self.server.write_attribute_value
        for name, value in values.items():
            node_id = self.node_ids.get(name)
            if node_id is None:
                continue
            status = ua.StatusCode(ua.StatusCodes.BadSensorFailure) if bad and name in bad else ua.StatusCode()
            await write(node_id, ua.DataValue(_variant(self._tags[name], value), status, now, now))
            self._last_written[name] = value

    async def client_writes(self) -> dict[str, float]:
        """Values that clients wrote to writable nodes since the last publish."""
        changed: dict[str, float] = {}
        for name, tag in self._tags.items():
            if not tag.writable:
                continue
            value = await self.nodes[name].read_value()
            if value != self._last_written.get(name):
                changed[name] = float(value)
        return changed

    async def stop(self) -> None:
        await self.server.stop()
