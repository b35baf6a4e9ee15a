"""The one HTTP client for calls to tenant-supplied URLs.

Every request resolves the host, refuses internal addresses (unless CONNECTOR_ALLOWED_NETWORKS
lets them through), then connects to the address it checked, so a DNS answer that changes between
check and use gains nothing. Redirects are followed by hand, each hop checked the same way.
Bounded retries with backoff on network errors and 502/503/504, for GETs and for writes that
carry an Idempotency-Key.
"""

import ipaddress
import json
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import SplitResult, urlencode, urljoin, urlsplit

import urllib3
from django.conf import settings
from urllib3.util import Retry, Timeout

from connectors.errors import BadResponse, OutboundAddressRefused, Unavailable

MAX_REDIRECTS = 3
# IPv6 prefixes that carry an IPv4 address inside (NAT64, 6to4): never treated as public.
_EMBEDDING_IPV4 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("2002::/16"))
RETRY_STATUSES = frozenset({502, 503, 504})


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError as error:
            raise BadResponse(f"expected JSON, got {self.body[:80]!r}") from error


def _described(error: urllib3.exceptions.HTTPError) -> str:
    """What went wrong on the network, in words a provider's staff can act on."""
    cause = getattr(error, "reason", None) or error
    # NewConnectionError derives from the timeout errors in urllib3: test it first.
    if isinstance(cause, urllib3.exceptions.NewConnectionError):
        return "connection refused or unreachable"
    if isinstance(cause, urllib3.exceptions.TimeoutError):
        return "no answer in time"
    if isinstance(cause, urllib3.exceptions.SSLError):
        return "TLS handshake failed (certificate?)"
    if isinstance(cause, urllib3.exceptions.ProtocolError):
        return "the connection broke off"
    return type(cause).__name__


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    try:
        return parts.scheme, parts.hostname or "", parts.port
    except ValueError as error:
        raise OutboundAddressRefused(f"not a valid URL: {error}") from None


def _allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [
        ipaddress.ip_network(item, strict=False) for item in settings.CONNECTOR_ALLOWED_NETWORKS
    ]


def checked_address(host: str, port: int) -> str:
    """Resolve `host` and return an address it is safe to connect to, or refuse."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise Unavailable(f"cannot resolve {host}") from error
    addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
    allowed = _allowed_networks()
    for address in addresses:
        if any(address in network for network in allowed):
            continue
        embeds_ipv4 = address.version == 6 and any(address in net for net in _EMBEDDING_IPV4)
        if not address.is_global or address.is_multicast or embeds_ipv4:
            raise OutboundAddressRefused(
                f"{host} resolves to {address}, an internal address; connectors may only reach "
                "public addresses"
            )
    return str(addresses[0])


def _parsed(url: str) -> tuple[SplitResult, int]:
    try:
        parts = urlsplit(url)
        explicit_port = parts.port
    except ValueError as error:
        raise OutboundAddressRefused(f"not a valid URL: {error}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise OutboundAddressRefused(f"not an http(s) URL: {parts.scheme}://{parts.hostname}")
    return parts, explicit_port or (443 if parts.scheme == "https" else 80)


class HttpClient:
    def __init__(
        self,
        base_url: str,
        *,
        headers: dict[str, str] | None = None,
        timeout: float = 10.0,
        retries: int = 2,
    ) -> None:
        self.base_url = base_url.rstrip("/") + "/"
        self.headers = headers or {}
        self.timeout = Timeout(connect=min(timeout, 5.0), read=timeout)
        self.retries = retries

    def _pool(
        self, parts: SplitResult, port: int, address: str, repeatable: bool
    ) -> urllib3.HTTPConnectionPool:
        """A one-off pool bound to the checked address; TLS still checks the host's name."""
        retry = Retry(
            total=self.retries if repeatable else 0,
            connect=self.retries,
            read=self.retries if repeatable else 0,
            status_forcelist=RETRY_STATUSES if repeatable else (),
            allowed_methods=None,
            backoff_factor=0.2,
            redirect=False,
            raise_on_status=False,
        )
        options: dict[str, Any] = {"timeout": self.timeout, "retries": retry, "maxsize": 1}
        if parts.scheme == "https":
            return urllib3.HTTPSConnectionPool(
                address,
                port,
                server_hostname=parts.hostname,
                assert_hostname=parts.hostname,
                cert_reqs="CERT_REQUIRED",
                **options,
            )
        return urllib3.HTTPConnectionPool(address, port, **options)

    def get(self, path: str, params: dict[str, Any] | None = None) -> Response:
        return self.request("GET", path, params=params)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json_body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        try:
            url = urljoin(self.base_url, path.lstrip("/"))
        except ValueError as error:
            raise OutboundAddressRefused(f"not a valid URL: {error}") from None
        if params:
            url += "?" + urlencode(
                {key: value for key, value in params.items() if value is not None}
            )
        body = None if json_body is None else json.dumps(json_body).encode()
        all_headers = {"Accept": "application/json", **self.headers, **(headers or {})}
        if body is not None:
            all_headers["Content-Type"] = "application/json"
        repeatable = method == "GET" or "Idempotency-Key" in all_headers
        for _hop in range(MAX_REDIRECTS + 1):
            response = self._send(method, url, body, all_headers, repeatable)
            location = response.headers.get("location")
            if response.status not in (301, 302, 303, 307, 308) or not location:
                return response
            if method != "GET":
                raise BadResponse(f"{method} {url} was redirected; not following a write")
            target = urljoin(url, location)
            scheme, host, port = _origin(target)
            if (scheme, host, port) != _origin(url):
                # Say so if the hop is internal; either way the credentials stay with their origin.
                checked_address(host, port or (443 if scheme == "https" else 80))
                raise BadResponse("redirected to another origin; not following")
            url = target
        raise BadResponse(f"more than {MAX_REDIRECTS} redirects from {self.base_url}")

    def _send(
        self, method: str, url: str, body: bytes | None, headers: dict[str, str], repeatable: bool
    ) -> Response:
        parts, port = _parsed(url)
        pool = self._pool(parts, port, checked_address(parts.hostname or "", port), repeatable)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        host_header = f"{parts.hostname}" + (f":{parts.port}" if parts.port else "")
        try:
            raw = pool.urlopen(
                method,
                target,
                body=body,
                headers={**headers, "Host": host_header},
                redirect=False,
                preload_content=True,
            )
        except urllib3.exceptions.HTTPError as error:
            raise Unavailable(f"{method} {host_header}: {_described(error)}") from error
        finally:
            pool.close()
        response = Response(raw.status, {k.lower(): v for k, v in raw.headers.items()}, raw.data)
        if response.status >= 500:
            raise Unavailable(f"{method} {parts.path} answered {response.status}")
        return response
