"""Reaching the portal from a sandbox on the same machine."""

from urllib.parse import urlsplit, urlunsplit


def loopback_target(url: str) -> tuple[str, dict[str, str]]:
    """A `*.localhost` name is this machine (RFC 6761), as browsers treat it, though the system
    resolver may not know it: connect to 127.0.0.1 and send the name as the Host header."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if not host.endswith(".localhost"):
        return url, {}
    port = f":{parts.port}" if parts.port else ""
    return urlunsplit(parts._replace(netloc=f"127.0.0.1{port}")), {"Host": f"{host}{port}"}
