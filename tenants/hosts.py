"""Host names as the Domain table stores them: lower case, no port, no trailing dot, punycode."""

import re

import idna

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_PORT = re.compile(r":\d{1,5}$")


def canonical_host(raw: str | None) -> str | None:
    """Return the canonical form of a host name, or None if it cannot be a host name.

    `Пример.РФ`, `xn--e1afmkfd.xn--p1ai.` and `XN--E1AFMKFD.xn--p1ai:8000` all give
    `xn--e1afmkfd.xn--p1ai`. IPv6 literals and characters no domain can hold give None.
    """
    if not raw:
        return None
    host = _PORT.sub("", raw.strip())
    host = host.removesuffix(".")
    if not host or len(host) > 253:
        return None
    try:
        ascii_host = host.encode("ascii").decode().lower()
    except UnicodeEncodeError:
        try:
            ascii_host = idna.encode(host, uts46=True).decode("ascii")
        except idna.IDNAError:
            return None
    labels = ascii_host.split(".")
    if not all(_LABEL.match(label) for label in labels):
        return None
    if ascii_host.startswith("xn--") or ".xn--" in ascii_host:
        try:
            idna.decode(ascii_host)
        except idna.IDNAError:
            return None
    return ascii_host


def display_host(host: str) -> str:
    """The Unicode form of a stored host, for people to read."""
    try:
        return idna.decode(host)
    except idna.IDNAError:
        return host


def is_public_domain_name(host: str) -> bool:
    """A name a provider's portal can live on: at least two labels, and not an IPv4 address."""
    labels = host.split(".")
    return len(labels) >= 2 and not labels[-1].isdigit()
