"""Probes for the orchestrator: /healthz (the process answers) and /readyz (so does the database)."""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import JSONResponse
from tortoise import connections

logger = logging.getLogger("peoplegraph.server")


async def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    try:
        conn = connections.get("default")
        await conn.execute_query("SELECT 1")
    except Exception:  # any failure means "not ready"; the reason goes to the log, not to anyone
        logger.exception("readiness check: the database does not answer")
        return JSONResponse(
            {"status": "unavailable", "error": "the database does not answer"}, status_code=503
        )
    return JSONResponse({"status": "ok"})
