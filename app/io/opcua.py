"""OPC UA driver (asyncua): subscribe to a connection's tags and feed the tag store.

Tags are grouped by rate (``sampling_ms`` per tag, else the connection's publishing
interval); each rate gets its own subscriptions of at most ``max_items_per_subscription``
monitored items, created in chunks. Each monitored item carries its tag's sampling interval
and, for analog tags, an absolute deadband filter.

The publish response is handled directly (no per-item callback objects): one batch per
response goes to :meth:`TagStore.apply`, with the status code mapped to quality and both
source and server timestamps kept. A keep-alive proves the subscription's values are still
current; a subscription that stays silent beyond its keep-alive turns its tags Uncertain
("stale"). On any loss of the session every tag turns Bad ("connection lost") and the
driver reconnects with backoff, recreating every subscription.

Secure channel, user and trust list come from the connection's options in ``plant.yaml``::

    connections:
      dcs:
        protocol: opcua
        endpoint: opc.tcp://dcs1:4840/
        publishing_ms: 500
        username: crucible           # password: keyring "opcua/dcs/password"
        security:
          policy: Basic256Sha256     # or Aes128Sha256RsaOaep, Aes256Sha256RsaPss
          mode: SignAndEncrypt       # or Sign
          certificate: /etc/crucible/pki/client.der
          private_key: /etc/crucible/pki/client.pem   # passphrase: "opcua/dcs/key-passphrase"
          trust_list: /etc/crucible/pki/trusted       # server certificates (or their CAs)

Which server certificates are trusted: with a ``certificate_check`` hook (the GUI attaches the
plant database's trust list, where an administrator trusts or rejects each certificate in the
GUI or with ``crucible certs trust/reject``), a certificate trusted there is accepted; one an
administrator rejected is refused even if the ``trust_list`` folder holds it; a new one is
refused until decided, unless the folder (what IT deployed) trusts it. Without the hook
(command-line tools) only the folder counts.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from asyncua import Client, ua
from asyncua.common.subscription import Subscription
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from app.core.address import parse_address
from app.core.store import TagStore
from app.core.tags import DataType, Quality, TagDef, TagValue
from app.io.driver import STALE, DriverBase
from app.io.health import ConnectionHealth, LinkState

#: (server certificate DER, endpoint) -> None; raises, saying why, when it is not trusted
CertificateCheck = Callable[[bytes, str], None]

log = logging.getLogger(__name__)
CHUNK = 500  # monitored items created per request
SECURITY_POLICIES = {
    "Basic256Sha256": "Basic256Sha256",
    "Aes128Sha256RsaOaep": "Aes128Sha256RsaOaep",
    "Aes128_Sha256_RsaOaep": "Aes128Sha256RsaOaep",
    "Aes256Sha256RsaPss": "Aes256Sha256RsaPss",
    "Aes256_Sha256_RsaPss": "Aes256Sha256RsaPss",
}
SECURITY_MODES = ("Sign", "SignAndEncrypt")


class OpcUaConfigError(ValueError):
    """A connection's OPC UA options cannot be used; the message says which and why."""


def quality_of(status: ua.StatusCode | None) -> tuple[Quality, str]:
    """Map an OPC UA status code to our quality and a reason."""
    if status is None or status.is_good():
        return Quality.GOOD, ""
    name = status.name if hasattr(status, "name") else str(status)
    if status.is_uncertain():
        return Quality.UNCERTAIN, name
    return Quality.BAD, name


def _aware(ts: datetime | None, fallback: datetime) -> datetime:
    if ts is None:
        return fallback
    return ts if ts.tzinfo else ts.replace(tzinfo=UTC)


@dataclass
class _SubGroup:
    """One subscription: its rate, its tags by client handle, when it last spoke."""

    publishing_ms: int
    names: list[str]
    handles: dict[int, str] = field(default_factory=dict)
    last_publish: float = 0.0
    subscription: Subscription | None = None
    stale: bool = False


class _StatusHandler:
    """asyncua wants a handler object; data changes bypass it (see ``_on_publish``)."""

    def __init__(self, driver: OpcUaDriver) -> None:
        self.driver = driver

    def status_change_notification(self, status: object) -> None:
        log.info("%s: subscription status %s", self.driver.name, status)


class OpcUaDriver(DriverBase):
    """One OPC UA connection: its session, subscriptions and health."""

    def __init__(
        self,
        name: str,
        endpoint: str,
        store: TagStore,
        tags: Iterable[TagDef],
        publishing_ms: int = 500,
        timeout_s: float = 4.0,
        max_backoff_s: float = 10.0,
        options: dict[str, Any] | None = None,
        secret: Callable[[str], str | None] | None = None,
        certificate_check: CertificateCheck | None = None,
    ) -> None:
        # Handed the whole layout, it takes the OPC UA tags (not calc:// values a module computes).
        tags = [t for t in tags if t.address.startswith("opcua://")]
        super().__init__(name, store, tags, ConnectionHealth(name, "opcua", endpoint))
        self.certificate_check = certificate_check
        self.options = dict(options or {})
        self.endpoint = endpoint
        self.publishing_ms = int(self.options.get("publishing_ms", publishing_ms))
        self.timeout_s = float(self.options.get("timeout_s", timeout_s))
        self.max_backoff_s = float(self.options.get("max_backoff_s", max_backoff_s))
        self.max_items = int(self.options.get("max_items_per_subscription", 2500))
        self.keepalive_ms = int(self.options.get("keepalive_ms", 2000))
        self._secret = secret
        self._client: Client | None = None
        self._groups: list[_SubGroup] = []
        self._subscription_lost = ""
        self._publish_tasks: list[asyncio.Future[Any]] = []
        self._node_ids: dict[str, ua.NodeId] = {}
        self._refreshes: set[asyncio.Future[None]] = set()
        # Parsed once, with the tag's name in any error.
        self._node_texts = {t.name: parse_address(t.address, tag=t.name).node_id for t in self.tags.values()}

    # --- plan ----------------------------------------------------------------------
    def plan(self) -> list[_SubGroup]:
        """Tags grouped by rate, each rate split into subscriptions of <= max_items."""
        by_rate: dict[int, list[str]] = {}
        for tag in self.tags.values():
            by_rate.setdefault(tag.sampling_ms or self.publishing_ms, []).append(tag.name)
        groups = []
        for rate, names in sorted(by_rate.items()):
            parts = max(1, math.ceil(len(names) / self.max_items))
            size = math.ceil(len(names) / parts)
            for start in range(0, len(names), size):
                groups.append(_SubGroup(rate, names[start : start + size]))
        return groups

    # --- data path -----------------------------------------------------------------
    def _on_publish(self, group: _SubGroup, result: ua.PublishResult) -> None:
        group.last_publish = time.monotonic()
        self.delivered()
        notifications = result.NotificationMessage.NotificationData
        if group.stale:
            # The subscription speaks again, but a keep-alive is no fresh value: the stale
            # tags turn Good only from a value read now (issue 13: never Good on old data).
            group.stale = False
            self._refresh_stale(group)
        if not notifications:
            return  # a keep-alive: nothing changed
        now = datetime.now(UTC)
        handles = group.handles
        batch: dict[str, TagValue] = {}
        all_good = True
        for notification in notifications:
            if isinstance(notification, ua.DataChangeNotification):
                for item in notification.MonitoredItems:
                    name = handles.get(item.ClientHandle)
                    if name is None:
                        continue
                    dv = item.Value
                    status = dv.StatusCode
                    if status is None or status.value == 0:
                        quality, reason = Quality.GOOD, ""
                    else:
                        quality, reason = quality_of(status)
                        all_good = False
                    variant = dv.Value
                    batch[name] = TagValue(
                        variant.Value if variant is not None else None,
                        quality,
                        dv.SourceTimestamp.replace(tzinfo=UTC) if dv.SourceTimestamp else now,
                        dv.ServerTimestamp.replace(tzinfo=UTC) if dv.ServerTimestamp else now,
                        reason,
                    )
            elif isinstance(notification, ua.StatusChangeNotification):
                status = notification.Status
                if not status.is_good():
                    self._subscription_lost = f"the server ended a subscription ({status.name})"
        if batch:
            self.health.count_updates(len(batch))
            self.store.apply(batch)
            if not all_good or self.health.bad_tags:  # recount only when it can have changed
                self.count_bad()

    def _refresh_stale(self, group: _SubGroup) -> None:
        client = self._client
        if client is None:
            group.stale = True
            return
        task = asyncio.ensure_future(self._read_fresh(client, group))
        self._refreshes.add(task)
        task.add_done_callback(self._refreshes.discard)

    async def _read_fresh(self, client: Client, group: _SubGroup) -> None:
        """Read the group's stale tags now; publish what the server holds (fresh values)."""
        values = self.store.values
        names = [n for n in group.names if (v := values.get(n)) is not None and v.reason == STALE and n in self._node_ids]
        if not names:
            return
        try:
            results = await client.read_attributes([client.get_node(self._node_ids[n]) for n in names])
        except Exception as exc:  # noqa: BLE001 - still no proof: the tags stay stale
            log.info("%s: could not re-read stale tags: %s", self.name, exc)
            group.stale = True
            return
        now = datetime.now(UTC)
        batch: dict[str, TagValue] = {}
        for name, dv in zip(names, results, strict=False):
            status = dv.StatusCode
            quality, reason = (Quality.GOOD, "") if status is None or status.value == 0 else quality_of(status)
            batch[name] = TagValue(
                dv.Value.Value if dv.Value is not None else None, quality,
                dv.SourceTimestamp.replace(tzinfo=UTC) if dv.SourceTimestamp else now,
                dv.ServerTimestamp.replace(tzinfo=UTC) if dv.ServerTimestamp else now, reason,
            )
        if batch and self.health.state is LinkState.CONNECTED:
            self.store.apply(batch)
            self.count_bad()

    async def watch_stale(self, interval_s: float = 0.5) -> None:
        """A subscription silent for longer than its keep-alive turns its tags stale."""
        while not self._stopping.is_set():
            await self.sleep_or_stop(interval_s)
            if self.health.state not in (LinkState.CONNECTED, LinkState.STALLED):
                continue
            self.check_link()
            now = time.monotonic()
            for group in self._groups:
                limit = self._silence_limit_s(group)
                if not group.stale and group.last_publish and now - group.last_publish > limit:
                    group.stale = True
                    self.store.mark_quality(
                        [n for n in group.names if (v := self.store.values.get(n)) is not None and v.is_good],
                        Quality.UNCERTAIN,
                        STALE,
                    )
                    self.count_bad()

    def link_period_s(self) -> float | None:
        """The longest a subscription may stay silent (no values, no keep-alive)."""
        return max((self._silence_limit_s(g) for g in self._groups), default=None)

    def _silence_limit_s(self, group: _SubGroup) -> float:
        return (max(self.keepalive_ms, 3 * group.publishing_ms) + group.publishing_ms) / 1000 * 1.5

    # --- session life cycle --------------------------------------------------------
    def _describe_failure(self, exc: Exception) -> str:
        if isinstance(exc, OpcUaConfigError):  # the configuration, not the link: say it plainly
            log.error("%s: %s", self.name, exc)
            return str(exc)
        message = describe_error(exc, self.endpoint)
        log.warning("%s: %s", self.name, message)
        return message

    async def _session(self) -> None:
        client = await make_client(self.endpoint, self.timeout_s, self.options, self.name, self._secret,
                                   self.certificate_check)
        self._client = client
        self._subscription_lost = ""
        await client.connect()
        started = time.perf_counter()
        await client.nodes.server_state.read_value()
        self.health.latency_ms = (time.perf_counter() - started) * 1000
        await self._subscribe(client)
        self.health.set_state(LinkState.CONNECTED)
        while not self._stopping.is_set():
            await self.sleep_or_stop(1.0)
            if self._stopping.is_set():
                break
            if self._subscription_lost:
                raise ConnectionError(self._subscription_lost)
            await client.check_connection()
            started = time.perf_counter()
            await client.nodes.server_state.read_value()
            self.health.latency_ms = (time.perf_counter() - started) * 1000

    async def _subscribe(self, client: Client) -> None:
        ns_map = await client.get_namespace_array()
        self._node_ids = {}
        for name, text in self._node_texts.items():
            try:
                self._node_ids[name] = node_id_of(text, ns_map)
            except ValueError as exc:
                self.store.apply({name: _bad(f"cannot subscribe: {exc}")})
        self._groups = self.plan()
        for group in self._groups:
            params = ua.CreateSubscriptionParameters()
            params.RequestedPublishingInterval = group.publishing_ms
            keepalive = max(1, math.ceil(self.keepalive_ms / group.publishing_ms))
            params.RequestedMaxKeepAliveCount = keepalive
            params.RequestedLifetimeCount = max(keepalive * 3, math.ceil(60_000 / group.publishing_ms))
            params.MaxNotificationsPerPublish = 0  # no limit
            params.PublishingEnabled = True
            params.Priority = 0
            sub = Subscription(client.uaclient, params, _StatusHandler(self))  # type: ignore[arg-type]
            # Data changes are read straight from the publish response (see module docstring).
            sub.publish_callback = lambda result, g=group: self._on_publish(g, result)  # type: ignore[method-assign]
            await sub.init()
            group.subscription = sub
            group.last_publish = time.monotonic()
            names = [n for n in group.names if n in self._node_ids]
            for start in range(0, len(names), CHUNK):
                chunk = names[start : start + CHUNK]
                requests = []
                for name in chunk:
                    handle = len(group.handles) + 1
                    group.handles[handle] = name
                    requests.append(self._item_request(name, handle, group.publishing_ms))
                results = await sub.create_monitored_items(requests)
                retry = []
                for name, request, result in zip(chunk, requests, results, strict=True):
                    if isinstance(result, ua.StatusCode):
                        if request.RequestedParameters.Filter is not None and "Filter" in result.name:
                            request.RequestedParameters.Filter = None  # server has no deadband: plain item
                            retry.append((name, request))
                        else:
                            self.store.apply({name: _bad(f"cannot subscribe: {result.name}")})
                if retry:
                    again = await sub.create_monitored_items([r for _, r in retry])
                    for (name, _), result in zip(retry, again, strict=True):
                        if isinstance(result, ua.StatusCode):
                            self.store.apply({name: _bad(f"cannot subscribe: {result.name}")})
        # asyncua keeps one publish request open per session; with several subscriptions the
        # server's responses then queue behind each other and lag grows. One more publish loop
        # per extra subscription keeps a request open for each (asyncua <1.2 internals, pinned).
        publish_loop = getattr(client.uaclient, "_publish_loop", None)
        if publish_loop is not None:
            extra = min(len(self._groups), 8) - 1
            self._publish_tasks = [asyncio.ensure_future(publish_loop()) for _ in range(extra)]

    def _item_request(self, name: str, handle: int, publishing_ms: int) -> ua.MonitoredItemCreateRequest:
        tag = self.tags[name]
        item = ua.ReadValueId()
        item.NodeId = self._node_ids[name]
        item.AttributeId = ua.AttributeIds.Value
        params = ua.MonitoringParameters()
        params.ClientHandle = handle
        params.SamplingInterval = float(tag.sampling_ms or publishing_ms)
        params.QueueSize = 1
        params.DiscardOldest = True
        # ``report_deadband``, not ``deadband``: the latter is the alarm/historian band, and the
        # alarm engine needs every value.
        if tag.report_deadband > 0 and tag.data_type in (DataType.FLOAT, DataType.INT):
            dc_filter = ua.DataChangeFilter()
            dc_filter.Trigger = ua.DataChangeTrigger.StatusValue
            dc_filter.DeadbandType = ua.DeadbandType.Absolute
            dc_filter.DeadbandValue = tag.report_deadband
            params.Filter = dc_filter
        request = ua.MonitoredItemCreateRequest()
        request.ItemToMonitor = item
        request.MonitoringMode = ua.MonitoringMode.Reporting
        request.RequestedParameters = params
        return request

    async def _disconnect(self) -> None:
        client, self._client = self._client, None
        self._groups = []
        tasks, self._publish_tasks = self._publish_tasks, []
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if client is not None:
            try:
                await asyncio.wait_for(client.disconnect(), 2.0)
            except Exception:  # noqa: BLE001 - the link is already gone
                pass

    async def write_value(self, tag: TagDef, value: float | int | bool) -> float | int | bool | None:
        """Write ``value`` to the tag's node and return what the server reads back."""
        from app.io.writes import WriteError

        client = self._client
        if client is None or self.health.state is not LinkState.CONNECTED:
            raise WriteError(f"{tag.name}: {self.name} is not connected ({self.health.last_error or 'connecting'})")
        node_id = self._node_ids.get(tag.name) or node_id_of(
            parse_address(tag.address, tag=tag.name).node_id, await client.get_namespace_array()
        )
        return await write_node(client, client.get_node(node_id), value, tag.name, self.endpoint)


async def write_node(client: Client, node: Any, value: float | int | bool, what: str, endpoint: str) -> Any:
    """Write with the node's own data type, then read back until it holds the value."""
    from app.io.writes import WriteError

    try:
        variant_type = await node.read_data_type_as_variant_type()
        if variant_type == ua.VariantType.Boolean:
            value = bool(value)
        elif variant_type in (ua.VariantType.Int16, ua.VariantType.Int32, ua.VariantType.Int64,
                              ua.VariantType.UInt16, ua.VariantType.UInt32, ua.VariantType.UInt64,
                              ua.VariantType.Byte, ua.VariantType.SByte):
            value = int(value)
        else:
            value = float(value)
        await node.write_value(ua.DataValue(ua.Variant(value, variant_type)))
    except ua.UaStatusCodeError as exc:
        raise WriteError(f"{what}: the server refused the write ({exc})") from None
    except (TimeoutError, ConnectionError, OSError) as exc:
        raise WriteError(f"{what}: the write did not reach {endpoint} ({exc})") from None
    # Read back until the server holds the new value (it may apply writes on its next cycle);
    # the write path bounds the whole with its read-back timeout.
    read_back = None
    for _ in range(50):
        read_back = await node.read_value()
        if read_back == value:
            break
        await asyncio.sleep(0.1)
    return read_back


async def make_client(
    endpoint: str,
    timeout_s: float,
    options: dict[str, Any],
    connection: str,
    secret: Callable[[str], str | None] | None = None,
    certificate_check: CertificateCheck | None = None,
) -> Client:
    """An asyncua client with the user, secure channel and trust list the options ask for."""
    client = Client(endpoint, timeout=timeout_s, watchdog_intervall=1.0)
    if options.get("application_uri"):  # must match the URI in the client certificate
        client.application_uri = str(options["application_uri"])
    username = options.get("username")
    security = options.get("security")
    if username or (isinstance(security, dict) and security.get("private_key_encrypted")):
        if secret is None:
            from app.core.secrets import get_secret as secret
    if username:
        assert secret is not None
        password = secret(f"opcua/{connection}/password")
        if password is None:
            raise OpcUaConfigError(
                f"connection {connection!r}: no password stored for user {username!r}; "
                f"store it in the keyring as 'opcua/{connection}/password'"
            )
        client.set_user(str(username))
        client.set_password(password)
    if security:
        if not isinstance(security, dict):
            raise OpcUaConfigError(f"connection {connection!r}: 'security' must be a mapping")
        await _apply_security(client, security, connection, secret, certificate_check, endpoint)
    return client


async def _apply_security(
    client: Client,
    security: dict[str, Any],
    connection: str,
    secret: Callable[[str], str | None] | None,
    certificate_check: CertificateCheck | None = None,
    endpoint: str = "",
) -> None:
    from asyncua.crypto import security_policies
    from asyncua.crypto.truststore import TrustStore
    from asyncua.crypto.validator import CertificateValidator, CertificateValidatorOptions

    policy_name = SECURITY_POLICIES.get(str(security.get("policy", "Basic256Sha256")))
    if policy_name is None:
        raise OpcUaConfigError(
            f"connection {connection!r}: security policy {security.get('policy')!r} is not allowed "
            f"(use {', '.join(sorted(set(SECURITY_POLICIES.values())))})"
        )
    mode = str(security.get("mode", "SignAndEncrypt"))
    if mode not in SECURITY_MODES:
        raise OpcUaConfigError(f"connection {connection!r}: security mode {mode!r} is not Sign or SignAndEncrypt")
    paths = {}
    for key in ("certificate", "private_key"):
        if not security.get(key):
            raise OpcUaConfigError(f"connection {connection!r}: security needs {key!r} (a file path)")
        paths[key] = Path(str(security[key])).expanduser()
        if not paths[key].is_file():
            raise OpcUaConfigError(f"connection {connection!r}: {key} file {paths[key]} does not exist")
    passphrase = None
    if security.get("private_key_encrypted"):
        assert secret is not None
        passphrase = secret(f"opcua/{connection}/key-passphrase")
        if passphrase is None:
            raise OpcUaConfigError(
                f"connection {connection!r}: the private key is encrypted but no passphrase is stored "
                f"as 'opcua/{connection}/key-passphrase'"
            )
    trust = security.get("trust_list")
    folder_validator: CertificateValidator | None = None
    if trust:
        folder = Path(str(trust)).expanduser()
        if not folder.is_dir():
            raise OpcUaConfigError(f"connection {connection!r}: trust_list folder {folder} does not exist")
        store = TrustStore([folder], [])
        await store.load()
        folder_validator = CertificateValidator(
            CertificateValidatorOptions.TRUSTED_VALIDATION | CertificateValidatorOptions.PEER_SERVER, store
        )
    if certificate_check is not None:
        client.certificate_validator = _trust_validator(certificate_check, folder_validator, endpoint)  # type: ignore[assignment]
    elif folder_validator is not None:
        client.certificate_validator = folder_validator  # type: ignore[assignment]
    else:  # deny by default: no trust list and no plant trust list means no server is trusted
        client.certificate_validator = _deny_all(connection)  # type: ignore[assignment]
    server_cert = security.get("server_certificate")
    await client.set_security(
        getattr(security_policies, f"SecurityPolicy{policy_name}"),
        str(paths["certificate"]),
        str(paths["private_key"]),
        passphrase,
        str(Path(str(server_cert)).expanduser()) if server_cert else None,
        getattr(ua.MessageSecurityMode, mode),
    )


def _deny_all(connection: str) -> Callable[[x509.Certificate, Any], Awaitable[None]]:
    """A validator that refuses every server certificate, naming its thumbprint."""

    async def validate(certificate: x509.Certificate, description: Any) -> None:
        import hashlib

        digest = hashlib.sha256(certificate.public_bytes(serialization.Encoding.DER)).hexdigest().upper()
        shown = ":".join(digest[i:i + 2] for i in range(0, len(digest), 2))
        raise OpcUaConfigError(
            f"connection {connection!r}: server certificate SHA-256 {shown} is not trusted: "
            "the connection is secured but has no trust_list; add the server's certificate to a trust_list "
            "folder, or trust it in the plant trust list (crucible certs trust)"
        )

    return validate


def _trust_validator(
    check: CertificateCheck, folder: Any, endpoint: str
) -> Callable[[x509.Certificate, Any], Awaitable[None]]:
    """The plant trust list first (trusted: yes; rejected: no), then the folder for the rest."""

    async def validate(certificate: x509.Certificate, description: Any) -> None:
        der = certificate.public_bytes(serialization.Encoding.DER)
        try:
            check(der, endpoint)
            return
        except Exception as exc:  # noqa: BLE001 - the hook says why in its message
            refusal = OpcUaConfigError(str(exc))
            if folder is None or getattr(exc, "status", "") == "rejected":
                raise refusal from None
        try:
            await folder(certificate, description)
        except Exception:  # noqa: BLE001 - not in the folder either: the trust list's words are clearer
            raise refusal from None

    return validate


def _bad(reason: str) -> TagValue:
    now = datetime.now(UTC)
    return TagValue(None, Quality.BAD, now, now, reason)


def node_id_of(text: str, ns_array: list[str]) -> ua.NodeId:
    """A node id from its text; ``nsu=`` URIs are resolved against the server's namespaces."""
    if text.startswith("nsu="):
        uri, _, rest = text[4:].partition(";")
        if uri not in ns_array:
            raise ValueError(f"the server has no namespace {uri!r}")
        text = f"ns={ns_array.index(uri)};{rest}"
    return ua.NodeId.from_string(text)


def _node_id(tag: TagDef, ns_array: list[str]) -> ua.NodeId:
    return node_id_of(parse_address(tag.address, tag=tag.name).node_id, ns_array)


def describe_error(exc: BaseException, endpoint: str) -> str:
    """A one-line reason for a failed session, for the health panel and the log."""
    if isinstance(exc, ConnectionRefusedError | OSError) and not isinstance(exc, TimeoutError):
        return f"cannot reach {endpoint}: {exc.strerror or exc}"
    if isinstance(exc, TimeoutError | asyncio.TimeoutError):
        return f"{endpoint} did not answer in time"
    if isinstance(exc, ua.UaStatusCodeError):
        return f"{endpoint}: {exc}"
    text = str(exc) or type(exc).__name__
    return f"{endpoint}: {text}"


_describe = describe_error
