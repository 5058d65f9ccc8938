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


def is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    # IPv4-mapped IPv6 (::ffff:10.0.0.1) would otherwise slip past the IPv6 checks.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


async def resolve(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
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


def pin_url(url: str, address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    parts = urlsplit(url)
    literal = f"[{address}]" if address.version == 6 else str(address)
    netloc = literal if parts.port is None else f"{literal}:{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
