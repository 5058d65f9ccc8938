"""OAuth 2 endpoints (filled in by the OAuth work)."""

from __future__ import annotations

from starlette.routing import BaseRoute

from config import Settings


def oauth_routes(settings: Settings) -> list[BaseRoute]:
    return []


async def startup(settings: Settings) -> None:
    return None
