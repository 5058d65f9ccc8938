"""`serve`: the API (HTTP and WebSocket) with uvicorn, after migrating; prints how to sign in."""

from __future__ import annotations

import argparse
import asyncio
import os

import db
from cli._run import Commands, fail
from config import ROOT, Settings, load_settings
from web.logs import log_config


def register(commands: Commands) -> None:
    serve = commands.add_parser("serve", help="Serve the API (HTTP and WebSocket) with uvicorn.")
    serve.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    serve.add_argument(
        "--workers", type=int, default=1, help="Worker processes (more than one: PostgreSQL and REDIS_URL)."
    )
    serve.add_argument(
        "--ws-deflate",
        action="store_true",
        help="Compress WebSocket messages (permessage-deflate): ~40 KiB more per live connection.",
    )
    serve.set_defaults(handler=_serve)


SHUTDOWN_GRACE_SECONDS = 10
LEAN_WS = "web.ws_server:LeanWebSocketProtocol"


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from cli.welcome import seeded_demo_accounts, welcome  # reads web/, which imports cli.seed

    settings = load_settings()
    refusal = _workers_refusal(settings, args.workers)
    if refusal:
        return fail(refusal)
    asyncio.run(db.migrate(settings.database_url))
    accounts = asyncio.run(seeded_demo_accounts(settings.database_url))
    print(welcome(settings, args.host, args.port, accounts), flush=True)
    uvicorn.run(
        "server:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        proxy_headers=True,
        # uvicorn's websockets-sansio protocol, keeping less per idle connection (web/ws_server.py).
        ws=LEAN_WS,
        # Off unless asked for: compression state was the largest part of an idle subscriber's
        # memory (bench/README.md), and live events are small.
        ws_per_message_deflate=args.ws_deflate,
        # An open Server-Sent Events stream never ends by itself (web/sse.py): on shutdown, wait
        # this long for requests to finish, then cancel the rest; SSE clients resume with `after`.
        timeout_graceful_shutdown=SHUTDOWN_GRACE_SECONDS,
        log_config=log_config(os.environ.get("PEOPLEGRAPH_LOG_FORMAT", "text")),
        app_dir=str(ROOT),
    )
    return 0


def _workers_refusal(settings: Settings, workers: int) -> str | None:
    """Why `workers` processes cannot serve this deployment as one, or None when they can.

    Each worker holds its own subscribers and runs a webhook dispatcher: events must reach every
    worker (Redis) and dispatchers must share deliveries by row locks (PostgreSQL).
    """
    if workers < 1:
        return "--workers must be at least 1"
    if workers == 1:
        return None
    if not settings.database_url.startswith(("postgres://", "postgresql://")):
        return f"--workers {workers} needs PostgreSQL (DATABASE_URL=postgres://...); SQLite serves one worker"
    if not settings.redis_url:
        return f"--workers {workers} needs REDIS_URL, so that every worker's subscribers hear every commit"
    return None
