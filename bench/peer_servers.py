"""The servers `make bench` compares, each started alone on one pinned core and stopped after.

A `System` knows how to start its server and how to ask each query of issue 12 (and the two floors,
`{ __typename }` and a cached trivial plan, or their equivalents) as a plain HTTP request that wrk can repeat.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from reads_queries import FLOOR, PEOPLEGRAPH, POSTGRAPHILE, TRIVIAL, TRIVIAL_POSTGRAPHILE
from wrk_runner import Request

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PEERS = ROOT / "bench" / "peers"
POSTGRAPHILE_BIN = PEERS / "node_modules" / ".bin" / "postgraphile"


# The issuer is fixed so that tokens minted by the CLI are accepted by a server on any port.
# Rate limits are off: one token asking hundreds of times a second is the load the benchmark
# makes on purpose, and its default bucket (50,000 cost a second) would answer most of it with
# 429 THROTTLED, which is fast and not a read. PostGraphile has no such limit either.
PEOPLEGRAPH_ENV = {
    "PEOPLEGRAPH_ISSUER": "http://127.0.0.1:8000",
    "PEOPLEGRAPH_ACCESS_TOKEN_TTL": "3600",
    "PEOPLEGRAPH_NO_DISPATCHER": "1",
    "PEOPLEGRAPH_RATE_LIMIT_MAXIMUM": "0",
}


@dataclass(frozen=True)
class Probes:
    employee: int  # Q1: has a manager, teams, open tasks, enrollments and a mentor
    team: int  # Q2: the team with the most members


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _graphql(query: str, variables: dict[str, object] | None, token: str | None) -> Request:
    headers = [("Content-Type", "application/json")]
    if token:
        headers.append(("Authorization", f"Bearer {token}"))
    body = json.dumps({"query": query, "variables": variables or {}}, separators=(",", ":"))
    return Request("/graphql", "POST", body, tuple(headers))


@dataclass
class System:
    name: str
    command: list[str]
    env: dict[str, str]
    requests: dict[str, Request]
    ready_path: str
    port: int
    log: Path = field(default=Path(os.devnull))

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def ask(self, client: httpx.Client, query: str) -> dict:
        """One answer as a user of this system would read it (the JSON body)."""
        response = self._send(client, query)
        try:
            return dict(response.json())
        except ValueError:
            return {"errors": [{"message": f"HTTP {response.status_code}: {response.text[:200]}"}]}

    def _send(self, client: httpx.Client, query: str) -> httpx.Response:
        request = self.requests[query]
        return client.request(
            request.method,
            self.base_url + request.path,
            content=request.body or None,
            headers=dict(request.headers),
        )

    @contextmanager
    def running(self, core: str | None) -> Iterator[None]:
        """Start the server (pinned to `core`), wait until it answers, stop it whatever happens."""
        command = ["taskset", "-c", core, *self.command] if core is not None else self.command
        with self.log.open("ab") as log:
            process = subprocess.Popen(
                command, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        try:
            self._wait_ready(process)
            yield
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def _wait_ready(self, process: subprocess.Popen[bytes]) -> None:
        deadline = time.monotonic() + 120
        with httpx.Client(timeout=5) as client:
            while time.monotonic() < deadline:
                if process.poll() is not None:
                    raise RuntimeError(f"{self.name} exited with {process.returncode}; see {self.log}")
                try:
                    response = self._send(client, self.ready_path)
                    if response.status_code == 200:
                        return
                    if 400 <= response.status_code < 500:  # it is up, and refuses what the bench sends
                        raise RuntimeError(
                            f"{self.name} answered {response.status_code}: {response.text[:300]}"
                        )
                except httpx.TransportError:
                    pass
                time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not answer within 120 s; see {self.log}")


def peoplegraph(
    name: str,
    database_url: str,
    data_dir: Path,
    token: str,
    probes: Probes,
    log: Path,
    read_path: str = "resolvers",
) -> System:
    from ids import to_global_id

    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "PEOPLEGRAPH_DATA_DIR": str(data_dir),
        "PORT": str(port),
        **PEOPLEGRAPH_ENV,
        "PEOPLEGRAPH_READ_PATH": read_path,
    }
    variables = {
        "Q1": {"id": to_global_id("Employee", probes.employee)},
        "Q2": {"id": to_global_id("Team", probes.team)},
        "Q3": {},
    }
    requests = {
        "floor": _graphql(FLOOR, None, token),
        "trivial": _graphql(TRIVIAL, variables["Q1"], token),
    }
    requests |= {q: _graphql(PEOPLEGRAPH[q], variables[q], token) for q in PEOPLEGRAPH}
    command = [str(BIN / "peoplegraph"), "serve", "--host", "127.0.0.1", "--port", str(port)]
    return System(name, command, env, requests, "floor", port, log)


def postgraphile(database_url: str, probes: Probes, log: Path) -> System:
    port = free_port()
    variables = {"Q1": {"id": probes.employee}, "Q2": {"id": probes.team}, "Q3": {}}
    requests = {
        "floor": _graphql(FLOOR, None, None),
        "trivial": _graphql(TRIVIAL_POSTGRAPHILE, variables["Q1"], None),
    }
    requests |= {q: _graphql(POSTGRAPHILE[q], variables[q], None) for q in POSTGRAPHILE}
    command = [
        str(POSTGRAPHILE_BIN),
        *("--connection", database_url, "--schema", "public", "--host", "127.0.0.1", "--port", str(port)),
        *("--disable-default-mutations", "--dynamic-json", "--simple-collections", "omit"),
        *("--legacy-relations", "omit", "--append-plugins", "postgraphile-plugin-connection-filter"),
        *("--disable-query-log", "--disable-graphiql"),
    ]
    env = {**os.environ, "NODE_ENV": "production"}
    return System("PostGraphile 4.14", command, env, requests, "floor", port, log)


def raw_endpoint(database_url: str, probes: Probes, log: Path) -> System:
    port = free_port()
    requests = {
        "floor": Request("/floor"),
        "trivial": Request(f"/trivial?id={probes.employee}"),
        "Q1": Request(f"/q1?id={probes.employee}"),
        "Q2": Request(f"/q2?id={probes.team}"),
        "Q3": Request("/q3"),
    }
    command = [
        str(BIN / "uvicorn"),
        *("--app-dir", str(PEERS), "raw_endpoint:app", "--host", "127.0.0.1", "--port", str(port)),
        *("--no-access-log", "--log-level", "warning"),
    ]
    env = {**os.environ, "BENCH_DATABASE_URL": database_url}
    return System("raw Starlette + SQL + orjson", command, env, requests, "floor", port, log)
