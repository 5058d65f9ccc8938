"""SSRF: IPv4 addresses carried inside IPv6 ones are judged, at creation and at every delivery."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import replace
from typing import Any

import pytest

from config import Settings
from events.webhooks import WebhookDispatcher
from events.webhooks.targets import check_target, is_public
from models.webhooks import Webhook, WebhookDelivery, WebhookDeliveryAttempt
from resolvers.core.errors import ErrorCode, UserErrors
from resolvers.webhooks import workflows as api
from tests.support.webhook_actors import manage
from tests.support.webhook_receiver import emit

# Each leads to an internal IPv4 address through a transition mechanism, or is non-public itself.
CARRYING_PRIVATE = {
    "6to4 of 10.0.0.1": "2002:a00:1::1",
    "6to4 of 127.0.0.1": "2002:7f00:1::",
    "6to4 of 169.254.169.254": "2002:a9fe:a9fe::",
    "Teredo, client 10.0.0.1 (XOR-ed)": "2001:0:4136:e378:8000:63bf:f5ff:fffe",
    "Teredo, client 127.0.0.1 (XOR-ed)": "2001:0:4136:e378:8000:63bf:80ff:fffe",
    "Teredo, server 10.0.0.1, public client": "2001:0:a00:1:8000:63bf:f7f7:f7f7",
    "NAT64 of 10.0.0.1": "64:ff9b::a00:1",
    "NAT64 of 169.254.169.254": "64:ff9b::a9fe:a9fe",
    "NAT64 local use": "64:ff9b:1::808:808",
    "IPv4-compatible 127.0.0.1": "::7f00:1",
    "IPv4-compatible 10.0.0.1": "::a00:1",
    "IPv4-mapped 192.168.1.1": "::ffff:c0a8:101",
    "site-local": "fec0::1",
}
CARRYING_PUBLIC = {
    "6to4 of 8.8.8.8": "2002:808:808::1",
    "Teredo, client 8.8.8.8 (XOR-ed)": "2001:0:4136:e378:8000:63bf:f7f7:f7f7",
    "NAT64 of 8.8.8.8": "64:ff9b::808:808",
    "IPv4-mapped 8.8.8.8": "::ffff:808:808",
}


@pytest.mark.parametrize("address", CARRYING_PRIVATE.values(), ids=CARRYING_PRIVATE.keys())
def test_an_address_carrying_a_private_ipv4_is_not_public(address: str) -> None:
    assert not is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", CARRYING_PUBLIC.values(), ids=CARRYING_PUBLIC.keys())
def test_an_address_carrying_a_public_ipv4_is_public(address: str) -> None:
    assert is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", CARRYING_PRIVATE.values(), ids=CARRYING_PRIVATE.keys())
async def test_creating_a_webhook_to_such_an_address_is_refused(settings: Settings, address: str) -> None:
    with pytest.raises(UserErrors) as caught:
        await manage(
            "c",
            api.create_webhook,
            settings,
            url=f"http://[{address}]:8080/hook",
            event_types=["task.created"],
        )

    [error] = caught.value.errors
    assert (error.code, error.field) == (ErrorCode.PRIVATE_ADDRESS, ("input", "url"))


@pytest.mark.parametrize("address", CARRYING_PRIVATE.values(), ids=CARRYING_PRIVATE.keys())
async def test_moving_a_webhook_to_such_an_address_is_refused(settings: Settings, address: str) -> None:
    created = await manage(
        "c", api.create_webhook, settings, url="http://8.8.8.8/hook", event_types=["task.created"]
    )

    with pytest.raises(UserErrors) as caught:
        await manage("c", api.update_webhook, settings, created.webhook.id, url=f"http://[{address}]/hook")

    [error] = caught.value.errors
    assert (error.code, error.field) == (ErrorCode.PRIVATE_ADDRESS, ("input", "url"))
    assert (await Webhook.get(id=created.webhook.id)).url == "http://8.8.8.8/hook"


async def attempts_of_one_event(settings: Settings, webhook_id: int) -> list[WebhookDeliveryAttempt]:
    """Emit an event and run one dispatcher pass; the attempts it made for the webhook."""
    dispatcher = WebhookDispatcher(settings)
    try:
        await emit()
        await dispatcher.run_once()
    finally:
        await dispatcher.stop()
    delivery = await WebhookDelivery.get(webhook_id=webhook_id)
    return list(await WebhookDeliveryAttempt.filter(delivery_id=delivery.id))


@pytest.mark.parametrize("address", CARRYING_PRIVATE.values(), ids=CARRYING_PRIVATE.keys())
async def test_a_delivery_to_such_an_address_is_refused_before_connecting(
    settings: Settings, address: str
) -> None:
    allowed = replace(settings, webhook_allow_private=True)  # registered while it was allowed
    created = await manage(
        "c", api.create_webhook, allowed, url=f"http://[{address}]:9/hook", event_types=["task.created"]
    )

    [attempt] = await attempts_of_one_event(settings, created.webhook.id)

    assert attempt.status_code is None
    assert (attempt.error or "").startswith("refused:")


@pytest.fixture
async def dns(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A name server the test controls: `dns["hooks.example.com"] = "10.0.0.1"`."""
    answers: dict[str, str] = {}
    loop = asyncio.get_running_loop()

    async def getaddrinfo(host: str, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        address = answers[host]
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(loop, "getaddrinfo", getaddrinfo)
    return answers


async def test_a_name_that_rebinds_to_a_private_address_after_creation_is_refused_at_delivery(
    settings: Settings, dns: dict[str, str]
) -> None:
    dns["hooks.example.com"] = "8.8.8.8"
    created = await manage(
        "c", api.create_webhook, settings, url="http://hooks.example.com:9/hook", event_types=["task.created"]
    )
    dns["hooks.example.com"] = "2002:a00:1::1"  # 6to4 of 10.0.0.1

    [attempt] = await attempts_of_one_event(settings, created.webhook.id)

    assert attempt.status_code is None
    assert "non-public address (2002:a00:1::1)" in (attempt.error or "")


async def test_a_delivery_connects_to_the_address_it_checked(dns: dict[str, str]) -> None:
    dns["hooks.example.com"] = "2002:808:808::1"

    target = await check_target("https://hooks.example.com/hook", allow_private=False)

    assert target.url == "https://[2002:808:808::1]/hook"
    assert (target.host, target.host_header, target.pinned) == (
        "hooks.example.com",
        "hooks.example.com",
        True,
    )
