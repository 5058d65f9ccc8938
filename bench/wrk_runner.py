"""Drive one HTTP request with wrk and read its figures (requests/s, p50, p99, failures)."""

from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass(frozen=True)
class Request:
    """What wrk sends, over and over: a method, a path, headers and a body."""

    path: str
    method: str = "GET"
    body: str = ""
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Figures:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    failures: int  # socket errors and non-2xx answers


def _lua(request: Request) -> str:
    # Long brackets need no escaping; the level is chosen so the body cannot close them.
    level = "=" * 4
    lines = [f"wrk.method = [{level}[{request.method}]{level}]"]
    if request.body:
        lines.append(f"wrk.body = [{level}[{request.body}]{level}]")
    lines += [f'wrk.headers["{name}"] = [{level}[{value}]{level}]' for name, value in request.headers]
    return "\n".join(lines) + "\n"


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(value) * _UNITS[unit]


def parse(output: str) -> Figures:
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.M)
    if not (rate and p50 and p99):
        raise RuntimeError(f"unreadable wrk output:\n{output}")
    failures = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    failures += int(non_2xx.group(1)) if non_2xx else 0
    return Figures(float(rate.group(1)), _ms(p50.group(1)), _ms(p99.group(1)), failures)


def run_wrk(
    base_url: str, request: Request, *, seconds: float, connections: int, core: str | None
) -> Figures:
    """One wrk thread at `connections` connections for `seconds`, pinned to `core` if given."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_lua(request))
    try:
        # A slow answer is a latency, not a socket timeout: wrk's default gives up after 2 s.
        command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "60s", "--latency"]
        command += ["-s", script.name]
        if core is not None:
            command = ["taskset", "-c", core, *command]
        done = subprocess.run([*command, base_url + request.path], capture_output=True, text=True, check=True)
        return parse(done.stdout)
    finally:
        Path(script.name).unlink()
