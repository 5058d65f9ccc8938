"""graphql-http's server audits (the GraphQL-over-HTTP spec's checks) against a real server:
uvicorn on a free port, audited by the npm package's own `serverAudits` in node."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

import pytest
from starlette.applications import Starlette

from tests.support.ws_client import live_server

ROOT = Path(__file__).resolve().parents[3]
NODE = shutil.which("node")
AUDIT = ROOT / "tests" / "support" / "graphql_http_audit.mjs"
WAIT = 120.0  # an upper bound for a hung audit, never reached by a working one

pytestmark = pytest.mark.skipif(NODE is None, reason="needs node (graphql-http is an npm package)")


async def audit(url: str) -> list[dict[str, str]]:
    assert NODE is not None
    process = await asyncio.create_subprocess_exec(
        NODE, str(AUDIT), url, cwd=ROOT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await asyncio.wait_for(process.communicate(), WAIT)
    assert process.returncode == 0, err.decode()
    return json.loads(out)  # type: ignore[no-any-return]  # JSON


async def test_every_must_and_should_of_graphql_over_http_passes(app: Starlette) -> None:
    async with live_server(app) as base:
        results = await audit(f"{base}/graphql")

    failed = [r for r in results if r["name"].startswith(("MUST", "SHOULD")) and r["status"] != "ok"]
    assert len(results) > 40
    assert failed == []
