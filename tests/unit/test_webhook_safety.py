"""SSRF refusal, input validation and the signature format."""

from __future__ import annotations

import ipaddress
from dataclasses import replace

import pytest
from standardwebhooks.webhooks import Webhook as StandardWebhook

from config import Settings
from events.webhooks import WebhookDispatcher
from events.webhooks.delivery import next_delay, parse_retry_after
from events.webhooks.signing import generate_secret, secret_key, signature_headers, verify
from events.webhooks.targets import TargetError, check_target, is_public, pin_url
from models.webhooks import WebhookDelivery, WebhookDeliveryAttempt
from resolvers.core.errors import ErrorCode, UserErrors
from resolvers.webhooks import reads
from resolvers.webhooks import workflows as api
from tests.support.webhook_actors import actor_for, manage
from tests.support.webhook_receiver import Receiver, emit


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "::1", "fe80::1", "fc00::1",
     "224.0.0.1", "0.0.0.0", "::", "240.0.0.1", "100.64.0.1", "::ffff:127.0.0.1", "::ffff:10.0.0.1"],
)  # fmt: skip
def test_non_public_addresses_are_refused(address: str) -> None:
    assert not is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111"])
def test_public_addresses_pass(address: str) -> None:
    assert is_public(ipaddress.ip_address(address))


async def test_target_checks() -> None:
    with pytest.raises(TargetError) as refused:
        await check_target("http://localhost:8080/x", allow_private=False)
    assert refused.value.private
    for bad in ("ftp://example.com/", "http:///nohost", "https://user:pw@example.com/", "not a url"):
        with pytest.raises(TargetError) as malformed:
            await check_target(bad, allow_private=False)
        assert not malformed.value.private
    pinned = await check_target("https://8.8.8.8:8443/hook?a=1", allow_private=False)
    assert (
        pinned.pinned
        and pinned.url == "https://8.8.8.8:8443/hook?a=1"
        and pinned.host_header == "8.8.8.8:8443"
    )
    assert pin_url("https://example.com/h", ipaddress.ip_address("2001:db8::1")) == "https://[2001:db8::1]/h"


async def test_create_refuses_private_and_bad_input(settings: Settings) -> None:
    with pytest.raises(UserErrors) as caught:
        await manage(
            "c", api.create_webhook, settings, url="http://127.0.0.1:9/hook", event_types=["task.created"]
        )
    [error] = caught.value.errors
    assert error.code == ErrorCode.PRIVATE_ADDRESS and error.field == ("input", "url")

    with pytest.raises(UserErrors) as caught:
        await manage(
            "c",
            api.create_webhook,
            settings,
            url="gopher://x",
            event_types=["task.created", "nope.nope"],
            description="d" * 501,
        )
    assert {(e.code, e.field) for e in caught.value.errors} == {
        (ErrorCode.INVALID_FORMAT, ("input", "url")),
        (ErrorCode.INVALID, ("input", "eventTypes")),
        (ErrorCode.TOO_LONG, ("input", "description")),
    }


async def test_private_target_is_refused_at_delivery(settings: Settings) -> None:
    allowed = replace(settings, webhook_allow_private=True, webhook_retry_schedule=(0, 0))
    receiver = await Receiver().start()
    dispatcher = WebhookDispatcher(replace(allowed, webhook_allow_private=False))
    try:
        # Registered while private targets were allowed (or DNS changed since): still refused.
        created = await manage(
            "c", api.create_webhook, allowed, url=receiver.url, event_types=["task.created"]
        )
        await emit()
        await dispatcher.run_once()
    finally:
        await dispatcher.stop()
        await receiver.close()
    assert receiver.received == []
    delivery = await WebhookDelivery.get(webhook_id=created.webhook.id)
    [attempt] = await WebhookDeliveryAttempt.filter(delivery_id=delivery.id)
    assert attempt.status_code is None and (attempt.error or "").startswith("refused:")
    assert delivery.status == "pending"  # retried: the address may become acceptable


async def test_update_rotate_delete_and_ownership(settings: Settings) -> None:
    allowed = replace(settings, webhook_allow_private=True)
    created = await manage(
        "owner", api.create_webhook, allowed, url="http://127.0.0.1:1/", event_types=["task.created"]
    )
    hook = created.webhook
    with pytest.raises(UserErrors) as caught:
        await manage("someone-else", api.update_webhook, allowed, hook.id, enabled=False)
    assert caught.value.errors[0].code == ErrorCode.NOT_FOUND
    assert await reads.webhooks_queryset(actor_for("someone-else").policy).count() == 0
    assert await reads.webhooks_queryset(actor_for(None).policy).count() == 1
    updated = await manage(
        "owner", api.update_webhook, allowed, hook.id, enabled=False, event_types=["task.deleted"]
    )
    assert not updated.enabled and updated.event_types == ["task.deleted"]
    with pytest.raises(UserErrors) as caught:
        await manage("owner", api.test_webhook, hook.id)
    assert caught.value.errors[0].code == ErrorCode.CLOSED
    with pytest.raises(UserErrors):
        await manage("owner", api.rotate_webhook_secret, hook.id, overlap_seconds=-1)
    assert await manage("owner", api.delete_webhook, hook.id) == hook.id
    assert await reads.webhooks_queryset(actor_for(None).policy).count() == 0


def test_signature_matches_the_standard_webhooks_library() -> None:
    secret = generate_secret()
    assert secret.startswith("whsec_") and len(secret_key(secret)) == 32
    body = b'{"type":"task.created"}'
    headers = signature_headers([secret], "msg_1_2", body)
    StandardWebhook(secret).verify(body, headers)  # raises if wrong
    assert verify(secret, headers, body) and not verify(generate_secret(), headers, body)
    assert not verify(secret, headers, body + b" ")


def test_retry_policy() -> None:
    assert next_delay((0, 5, 300), 1, None) == 5
    assert next_delay((0, 5, 300), 1, 60) == 60
    assert next_delay((0, 5, 300), 2, 60) == 300
    assert next_delay((0, 5, 300), 3, None) is None
    assert next_delay((0, 5), 1, 10**9) == 86400
    assert parse_retry_after("30") == 30
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0
    assert 59 <= parse_retry_after("Thu, 01 Jan 2099 00:00:00 GMT", now=4070908740) <= 61  # type: ignore[operator]  # an HTTP date always parses
    assert parse_retry_after("soon") is None
