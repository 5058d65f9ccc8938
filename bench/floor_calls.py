"""Python function calls per request of the floor and of a cached trivial plan, on the real
server (uvicorn, as `peoplegraph serve` runs it, access log on), by cProfile (issue 12, the
floor). Times on a shared machine are noise; call counts are not.

    .venv/bin/python bench/floor_calls.py                       # SQLite and PostgreSQL
    .venv/bin/python bench/floor_calls.py --redis redis://127.0.0.1:6379/6 --rate-limits
    cd /work/main && .venv/bin/python /path/to/bench/floor_calls.py --root .   # another checkout

It seeds `seed --scale 1` into a fresh SQLite file and a fresh PostgreSQL database
(`--postgres`, name starting with bench_), mints the HR token of `make bench`, starts the server
with `--root`'s code under a profiler that is off, sends each request 50 times to warm up, turns
the profiler on (SIGUSR1), sends it `--requests` times over one keep-alive connection, turns
it off and writes the profile (SIGUSR2), and prints calls per request (the main thread's only:
aiosqlite's own thread is not profiled) and the costliest functions by calls with `--top`.
"""

from __future__ import annotations

import argparse
import os
import pstats
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from peer_servers import PEOPLEGRAPH_ENV  # noqa: E402
from reads_queries import FLOOR, TRIVIAL  # noqa: E402

HR_EMAIL = "e50@scale.example.com"
SCOPES = "employees:read tasks:read training:read mentorships:read"


def _serve(root: str, profile_path: str, port: int) -> None:
    """The child: uvicorn as cli/serve.py runs it, with a profiler switched by signals."""
    import cProfile

    sys.path.insert(0, root)
    os.chdir(root)
    import uvicorn

    from web.logs import log_config

    profiler = cProfile.Profile()
    signal.signal(signal.SIGUSR1, lambda *_: profiler.enable())

    def dump(*_: object) -> None:
        profiler.disable()
        profiler.dump_stats(profile_path)

    signal.signal(signal.SIGUSR2, dump)
    uvicorn.run(
        "server:create_app",
        factory=True,
        host="127.0.0.1",
        port=port,
        proxy_headers=True,
        log_config=log_config("text"),
        app_dir=root,
    )


def _env(root: Path, database_url: str, data_dir: Path, redis: str | None, limits: bool) -> dict[str, str]:
    env = {
        **os.environ,
        **PEOPLEGRAPH_ENV,
        "DATABASE_URL": database_url,
        "PEOPLEGRAPH_DATA_DIR": str(data_dir),
        "PEOPLEGRAPH_READ_PATH": "compiled",
    }
    env.pop("REDIS_URL", None)
    if limits:  # as `peoplegraph serve` runs by default
        env.pop("PEOPLEGRAPH_RATE_LIMIT_MAXIMUM", None)
    if redis:
        env["REDIS_URL"] = redis
    return env


def _cli(root: Path, env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [str(root / ".venv" / "bin" / "peoplegraph"), *args],
        env=env,
        capture_output=True,
        text=True,
        cwd=root,
    )
    if done.returncode != 0:
        raise SystemExit(f"peoplegraph {args[0]} failed:\n{done.stderr}")
    return done.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def measure(root: Path, env: dict[str, str], token: str, requests: int, top: int, label: str) -> None:
    port = _free_port()
    workdir = Path(env["PEOPLEGRAPH_DATA_DIR"])
    log = (workdir / f"{label}.log").open("w")
    bodies = {
        "floor": {"query": FLOOR},
        "trivial": {"query": TRIVIAL, "variables": {"id": _employee_id(root, 801)}},
    }
    headers = {"authorization": f"Bearer {token}", "content-type": "application/json"}
    for name, body in bodies.items():
        profile = workdir / f"{label}-{name}.prof"
        child = subprocess.Popen(
            [str(root / ".venv" / "bin" / "python"), __file__, "_serve", str(root), str(profile), str(port)],
            env=env,
            stdout=log,
            stderr=log,
            cwd=root,
        )
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
                _wait(client)
                for _ in range(50):
                    answer = client.post("/graphql", json=body, headers=headers)
                    answer.raise_for_status()
                    if "errors" in answer.json():
                        raise SystemExit(f"{label} {name}: {answer.text}")
                child.send_signal(signal.SIGUSR1)
                time.sleep(0.5)
                for _ in range(requests):
                    client.post("/graphql", json=body, headers=headers)
                child.send_signal(signal.SIGUSR2)
                while not profile.exists():
                    time.sleep(0.1)
                time.sleep(0.5)
        finally:
            child.send_signal(signal.SIGINT)
            child.wait(30)
        stats = pstats.Stats(str(profile))
        per = stats.total_calls / requests  # type: ignore[attr-defined]
        print(f"{label:<28} {name:<8} {per:8.0f} calls per request")
        if top:
            by_file: dict[str, int] = {}
            for (file, _, _), (_, calls, *_rest) in stats.stats.items():  # type: ignore[attr-defined]
                key = _where(file)
                by_file[key] = by_file.get(key, 0) + calls
            for key, calls in sorted(by_file.items(), key=lambda item: -item[1])[:top]:
                print(f"    {calls / requests:7.1f}  {key}")
            rows = sorted(stats.stats.items(), key=lambda item: -item[1][1])[:top]  # type: ignore[attr-defined]
            for (file, line, function), (_, calls, *_rest) in rows:
                print(f"    {calls / requests:7.1f}  {Path(file).name}:{line} {function}")


def _where(file: str) -> str:
    """A function's file, shortened: the package under site-packages, or the project path."""
    if "site-packages/" in file:
        return file.split("site-packages/", 1)[1]
    if file.startswith("~") or file.startswith("<"):
        return file
    parts = Path(file).parts
    return "/".join(parts[-2:])


def _employee_id(root: Path, number: int) -> str:
    sys.path.insert(0, str(root))
    from ids import to_global_id

    return str(to_global_id("Employee", number))


def _wait(client: httpx.Client) -> None:
    for _ in range(300):
        try:
            client.get("/healthz")
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit("the server did not start")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_serve":
        _serve(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", default=str(HERE.parent), help="the checkout whose server is measured")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/bench_floor_calls")
    parser.add_argument("--redis", default=None, help="REDIS_URL for the server (default: none)")
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--top", type=int, default=0, help="also print the N most-called functions")
    parser.add_argument("--rate-limits", action="store_true", help="rate limits on (off as in make bench)")
    parser.add_argument("--keep", action="store_true", help="keep the profiles (and print where)")
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args()
    root = Path(args.root).resolve()
    base, _, name = args.postgres.rpartition("/")
    if not name.startswith("bench_"):
        raise SystemExit("the PostgreSQL database's name must start with bench_ (it is dropped)")
    tmp = tempfile.mkdtemp(prefix="floor-calls-")
    try:
        workdir = Path(tmp)
        urls = {"sqlite": f"sqlite:///{workdir}/floor.db", "postgres": args.postgres}
        backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
        for backend in backends:
            url = urls[backend]
            if backend == "postgres":
                for sql in (f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"'):
                    subprocess.run(["psql", f"{base}/postgres", "-qc", sql], check=True)
            env = _env(root, url, workdir, args.redis, args.rate_limits)
            _cli(root, env, "migrate")
            _cli(root, env, "seed", "--scale", "1")
            token = _cli(root, env, "token", "--employee", HR_EMAIL, "--scopes", SCOPES).strip()
            label = f"{backend}{', redis' if args.redis else ''}{', rate limits' if args.rate_limits else ''}"
            measure(root, env, token, args.requests, args.top, label)

    finally:
        if args.keep:
            print(f"profiles in {tmp}")
        else:
            shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
