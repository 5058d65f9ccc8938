"""SSRF safety: which URLs a webhook may target, checked at creation and before every send.

The host is resolved and every address must be public (unless the operator allows private
targets). The dispatcher then connects to the address that was checked (see `pin_url`), so a
DNS answer that changes between the check and the connect (rebinding) cannot reach inside.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

MAX_URL_LENGTH = 2048


class TargetError(Exception):
    """A URL that must not be called; `private` tells a refused address from a malformed URL."""

    def __init__(self, message: str, *, private: bool = False) -> None:
        super().__init__(message)
        self.private = private


@dataclass(frozen=True)
class Target:
    url: str  # what to connect to (the host replaced by the checked address when pinned)
    host: str  # the original host name, for TLS SNI and certificate verification
    host_header: str  # the original `host[:port]`, sent as the Host header
    pinned: bool


def parse_url(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of a well-formed http(s) URL, or TargetError."""
    if len(url) > MAX_URL_LENGTH:
        raise TargetError(f"URL is longer than {MAX_URL_LENGTH} characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise TargetError(f"invalid URL: {exc}") from None
    if parts.scheme not in ("http", "https"):
        raise TargetError("URL must start with http:// or https://")
    if not parts.hostname:
        raise TargetError("URL must have a host")
    if parts.username or parts.password:
        raise TargetError("URL must not carry credentials")
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80)


Address = ipaddress.IPv4Address | ipaddress.IPv6Address

NAT64_WELL_KNOWN = ipaddress.ip_network("64:ff9b::/96")  # RFC 6052: the IPv4 address is the last 32 bits
NAT64_LOCAL_USE = ipaddress.ip_network("64:ff9b:1::/48")  # RFC 8215: operator-defined layout
IPV4_COMPATIBLE = ipaddress.ip_network("::/96")  # deprecated ::a.b.c.d (:: and ::1 are in it too)


def embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address] | None:
    """The IPv4 addresses that traffic to `address` ends up at, or None for a plain IPv6 one.

    Transition mechanisms carry an IPv4 address inside an IPv6 one; a gateway or relay on
    the way then reaches that IPv4 address, so it is what must be public.
    """
    if address.ipv4_mapped is not None:
        return [address.ipv4_mapped]
    if address.sixtofour is not None:
        return [address.sixtofour]
    if address.teredo is not None:
        server, client = address.teredo  # the client is stored XOR-ed; ipaddress undoes it
        return [server, client]
    if address in NAT64_WELL_KNOWN or address in IPV4_COMPATIBLE:
        return [ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)]
    return None


def _is_public_itself(address: Address) -> bool:
    return not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or (isinstance(address, ipaddress.IPv6Address) and address.is_site_local)
        or not address.is_global
    )


def is_public(address: Address) -> bool:
    """True only when the address, and every IPv4 address it carries, is public."""
    if isinstance(address, ipaddress.IPv6Address):
        if address in NAT64_LOCAL_USE:  # where it leads depends on the operator: never public
            return False
        embedded = embedded_ipv4(address)
        if embedded is not None:
            # Decided on what it carries: Python's tables mark some of these prefixes non-global
            # (and would refuse a public target) or global (and would let 10.0.0.1 through).
            return all(_is_public_itself(inner) for inner in embedded)
    return _is_public_itself(address)


async def resolve(host: str, port: int) -> list[Address]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise TargetError(f"cannot resolve {host}: {exc.strerror}") from None
    # Scope ids ("fe80::1%eth0") are dropped before parsing; such addresses are refused anyway.
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]


async def check_target(url: str, *, allow_private: bool) -> Target:
    """Validate `url` and return where to connect; TargetError if it must not be called."""
    scheme, host, port = parse_url(url)
    if allow_private:
        return Target(url=url, host=host, host_header=urlsplit(url).netloc, pinned=False)
    addresses = await resolve(host, port)
    if not addresses:
        raise TargetError(f"{host} has no address")
    refused = [a for a in addresses if not is_public(a)]
    if refused:
        raise TargetError(f"{host} resolves to a non-public address ({refused[0]})", private=True)
    pinned = pin_url(url, addresses[0])
    return Target(url=pinned, host=host, host_header=urlsplit(url).netloc, pinned=True)


def pin_url(url: str, address: Address) -> str:
    parts = urlsplit(url)
    literal = f"[{address}]" if address.version == 6 else str(address)
    netloc = literal if parts.port is None else f"{literal}:{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
