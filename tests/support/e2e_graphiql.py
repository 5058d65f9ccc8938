"""End-to-end check of GraphiQL in a real browser against a running server (not a pytest module).

    .venv/bin/python tests/support/e2e_graphiql.py http://127.0.0.1:8765 [--shots /tmp] [--chromium PATH]

Drives headless Chromium through the DevTools protocol (only `websockets` and `httpx` from the
project venv, plus the system chromium): opens /graphql, checks what a newcomer sees before
signing in (GraphiQL renders, the docs load the schema anonymously, no error), signs in with the
authorization code + PKCE flow (a wrong password first, then the right one, at phone width too),
runs `{ viewer { displayName email } }` and checks the result and the cost shown in the bar, then Back, a token refresh, Sign out
and signing in as someone else. Prints each step, saves a
screenshot per step as <shots>/e2e-*.png, exits 1 on the first failure.

The server must have the demo data (`peoplegraph seed --demo`) and its issuer must be the URL
given here (the GraphiQL client's redirect URI is `{issuer}/graphql`).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import itertools
import json
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import websockets

EMAIL = "ada.lovelace@example.com"
NAME = "Ada Lovelace"
HR_EMAIL = "hr@example.com"
AUTH_KEY = "peoplegraph.graphiql.auth"  # static/graphiql.js keeps the tokens there
PASSWORD = "peoplegraph-demo"
QUERY = "{ viewer { displayName email } }"
DESKTOP = (1280, 900)
PHONE = (390, 844)
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--remote-debugging-port=0",
)


class StepFailed(Exception):
    pass


class Browser:
    """Just enough of the DevTools protocol: one page, flat sessions, events kept in a log."""

    def __init__(self, chromium: str) -> None:
        self.chromium = chromium
        self.profile = tempfile.mkdtemp(prefix="pg-e2e-chromium-")
        self.process: asyncio.subprocess.Process | None = None
        self.ws: Any = None
        self.session: str | None = None
        self.ids = itertools.count(1)
        self.pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self.problems: list[str] = []  # console errors, exceptions, CSP violations, failed loads
        self.reader: asyncio.Task[None] | None = None
        self.drain: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            self.chromium,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={self.profile}",
            "about:blank",
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        url = await asyncio.wait_for(self._devtools_url(), 30)
        self.ws = await websockets.connect(url, max_size=64 * 1024 * 1024)
        self.reader = asyncio.create_task(self._read())
        target = await self.send("Target.createTarget", {"url": "about:blank"}, browser=True)
        attached = await self.send(
            "Target.attachToTarget", {"targetId": target["targetId"], "flatten": True}, browser=True
        )
        self.session = attached["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            await self.send(f"{domain}.enable")

    async def _devtools_url(self) -> str:
        assert self.process is not None and self.process.stderr is not None
        async for raw in self.process.stderr:
            line = raw.decode(errors="replace")
            if match := re.search(r"DevTools listening on (ws://\S+)", line):
                # Keep draining chromium's chatter so a full pipe never blocks it.
                self.drain = asyncio.create_task(self._drain())
                return match.group(1)
        raise StepFailed("chromium exited before opening the DevTools port")

    async def _drain(self) -> None:
        assert self.process is not None and self.process.stderr is not None
        async for _line in self.process.stderr:
            pass

    async def _read(self) -> None:
        async for raw in self.ws:
            message = json.loads(raw)
            if "id" in message and message["id"] in self.pending:
                self.pending.pop(message["id"]).set_result(message)
            elif "method" in message:
                self._event(message["method"], message.get("params", {}))

    def _event(self, method: str, params: dict[str, Any]) -> None:
        if method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text")
            self.problems.append(f"exception: {text}")
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            args = " ".join(str(a.get("value", a.get("description", ""))) for a in params["args"])
            self.problems.append(f"console.error: {args}")
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
            entry = params["entry"]
            self.problems.append(f"{entry['source']}: {entry['text']} {entry.get('url', '')}".strip())
        elif method == "Network.loadingFailed" and not params.get("canceled"):
            self.problems.append(f"load failed: {params.get('errorText')} ({params.get('blockedReason')})")

    async def send(self, method: str, params: dict[str, Any] | None = None, *, browser: bool = False) -> Any:
        message: dict[str, Any] = {"id": next(self.ids), "method": method, "params": params or {}}
        if not browser:
            message["sessionId"] = self.session
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.pending[message["id"]] = future
        await self.ws.send(json.dumps(message))
        reply = await asyncio.wait_for(future, 30)
        if "error" in reply:
            raise StepFailed(f"{method}: {reply['error'].get('message')}")
        return reply.get("result", {})

    async def eval(self, expression: str) -> Any:
        result = await self.send(
            "Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True}
        )
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            raise StepFailed(f"{expression[:60]}…: {details.get('exception', {}).get('description')}")
        return result["result"].get("value")

    async def wait_for(self, expression: str, what: str, seconds: float = 15) -> Any:
        deadline = time.monotonic() + seconds
        while True:
            with contextlib.suppress(StepFailed):  # e.g. the context is gone mid-navigation
                value = await self.eval(expression)
                if value:
                    return value
            if time.monotonic() > deadline:
                raise StepFailed(f"timed out after {seconds:.0f}s waiting for {what}")
            await asyncio.sleep(0.2)

    async def viewport(self, width: int, height: int, mobile: bool = False) -> None:
        await self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
        )

    async def goto(self, url: str) -> None:
        await self.send("Page.navigate", {"url": url})
        await self.wait_for("document.readyState === 'complete' && location.href !== 'about:blank'", url)

    async def click(self, selector: str) -> None:
        """A real mouse click in the middle of the (visible) element."""
        box = await self.wait_for(
            f"""(() => {{
                const el = document.querySelector({json.dumps(selector)});
                if (!el || el.hidden || el.offsetParent === null) return null;
                el.scrollIntoView({{block: 'center'}});
                const r = el.getBoundingClientRect();
                return r.width && r.height ? {{x: r.x + r.width / 2, y: r.y + r.height / 2}} : null;
            }})()""",
            f"{selector} to be visible",
        )
        for kind in ("mousePressed", "mouseReleased"):
            await self.send(
                "Input.dispatchMouseEvent",
                {"type": kind, "x": box["x"], "y": box["y"], "button": "left", "clickCount": 1},
            )

    async def type_into(self, selector: str, text: str) -> None:
        await self.eval(f"document.querySelector({json.dumps(selector)}).focus()")
        await self.eval(f"document.querySelector({json.dumps(selector)}).select()")
        await self.send("Input.insertText", {"text": text})

    async def screenshot(self, path: Path) -> None:
        shot = await self.send("Page.captureScreenshot", {"format": "png"})
        await asyncio.to_thread(path.write_bytes, base64.b64decode(shot["data"]))

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.send("Browser.close", browser=True)
        if self.ws is not None:
            await self.ws.close()
        if self.reader is not None:
            self.reader.cancel()
        if self.process is not None:
            try:
                await asyncio.wait_for(self.process.wait(), 10)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        if self.drain is not None:
            self.drain.cancel()
        shutil.rmtree(self.profile, ignore_errors=True)


# ---- page helpers ------------------------------------------------------------------------

GRAPHIQL_READY = "!!document.querySelector('.graphiql-container .graphiql-query-editor .CodeMirror')"
STATUS = "document.getElementById('pg-auth-status').textContent"
RESPONSE = (
    "(() => { const cm = document.querySelector('.graphiql-response .CodeMirror');"
    " return cm ? cm.CodeMirror.getValue() : ''; })()"
)


async def set_query(browser: Browser, query: str) -> None:
    # GraphiQL 3 edits with CodeMirror 5, which hangs its API on the wrapper element.
    await browser.eval(
        "document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror"
        f".setValue({json.dumps(query)})"
    )


async def run_query(browser: Browser, query: str) -> dict[str, Any]:
    await set_query(browser, query)
    await browser.eval(
        "(() => { const cm = document.querySelector('.graphiql-response .CodeMirror');"
        " if (cm) cm.CodeMirror.setValue(''); })()"
    )
    # GraphiQL re-parses the editor after a short debounce; until then the button still thinks
    # the old text (the default query has two operations) needs a "which operation?" menu.
    await browser.wait_for(
        "!document.querySelector('.graphiql-execute-button').hasAttribute('aria-haspopup')",
        "GraphiQL to see a single operation",
    )
    await browser.click(".graphiql-execute-button")
    text = await browser.wait_for(
        f"(() => {{ const t = {RESPONSE}; return t.trim() ? t : null; }})()", "a result"
    )
    try:
        result: dict[str, Any] = json.loads(text)
        return result
    except json.JSONDecodeError as exc:
        raise StepFailed(f"the result pane does not hold JSON: {text[:300]}") from exc


async def open_docs(browser: Browser) -> str:
    """Open the documentation explorer; return its text once the schema has loaded."""
    await browser.click("button[aria-label='Show Documentation Explorer']")
    return str(
        await browser.wait_for(
            "(() => { const d = document.querySelector('.graphiql-doc-explorer');"
            " return d && /Query/.test(d.textContent) ? d.textContent : null; })()",
            "the docs explorer to show the root types",
        )
    )


async def visible_errors(browser: Browser) -> str:
    """Text GraphiQL shows when something went wrong (e.g. the schema fetch failed)."""
    return str(
        await browser.eval(
            "Array.from(document.querySelectorAll('.graphiql-doc-explorer-error, .graphiql-dialog .error,"
            " [class*=\"error\"]')).filter(e => e.offsetParent !== null && e.id !== 'pg-auth-status')"
            ".map(e => e.textContent.trim()).filter(Boolean).join(' | ')"
        )
    )


# ---- the scenario -------------------------------------------------------------------------


async def scenario(browser: Browser, base: str, shots: Path, step: Callable[[str], Awaitable[None]]) -> None:
    graphql = f"{base}/graphql"
    shot = 0

    async def snap(name: str) -> None:
        nonlocal shot
        shot += 1
        path = shots / f"e2e-{shot:02d}-{name}.png"
        await browser.screenshot(path)
        print(f"      screenshot {path}")

    def no_problems(where: str) -> None:
        if browser.problems:
            found = "\n        ".join(browser.problems)
            browser.problems.clear()
            raise StepFailed(f"{where}: the browser reported\n        {found}")

    await browser.viewport(*DESKTOP)

    await step("open /graphql: GraphiQL renders, not signed in, no errors")
    await browser.goto(graphql)
    await browser.wait_for(GRAPHIQL_READY, "GraphiQL's query editor")
    await browser.wait_for("!document.getElementById('pg-sign-in').hidden", "the Sign in button")
    status = await browser.eval(STATUS)
    if "Not signed in" not in status:
        raise StepFailed(f"status bar says {status!r} before signing in")
    await asyncio.sleep(1)  # let the schema fetch finish
    await snap("graphiql-anonymous")
    if errors := await visible_errors(browser):
        raise StepFailed(f"a newcomer sees an error before signing in: {errors}")
    no_problems("the anonymous page")

    await step("docs explorer loads the schema without a token (anonymous introspection)")
    docs = await open_docs(browser)
    if "Mutation" not in docs:
        raise StepFailed(f"the docs explorer does not list Mutation: {docs[:200]}")
    await snap("docs-anonymous")
    await browser.click("button[aria-label='Hide Documentation Explorer']")
    no_problems("the docs explorer (anonymous)")

    await step("a query before signing in explains that a sign-in is needed")
    result = await run_query(browser, QUERY)
    codes = [e.get("extensions", {}).get("code") for e in result.get("errors", [])]
    if "UNAUTHENTICATED" not in codes:
        raise StepFailed(f"expected an UNAUTHENTICATED error, got {result}")
    await snap("query-anonymous")
    browser.problems.clear()  # the 401 of that request is logged as a failed resource: expected

    await step("click Sign in: the server's sign-in page shows")
    await browser.click("#pg-sign-in")
    await browser.wait_for(
        "location.pathname === '/oauth/authorize' && !!document.querySelector('input[name=password]')",
        "the sign-in form",
    )
    heading = await browser.eval("document.querySelector('h1').textContent")
    if "Sign in" not in heading:
        raise StepFailed(f"the sign-in page's heading is {heading!r}")
    await snap("sign-in-page")
    no_problems("the sign-in page")

    await step("the sign-in page fits a phone (390x844)")
    await browser.viewport(*PHONE, mobile=True)
    await asyncio.sleep(0.3)
    overflow = await browser.eval(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    if overflow > 0:
        raise StepFailed(f"the sign-in page scrolls sideways by {overflow}px at 390px wide")
    widths = await browser.eval(
        "['#email', '#password', 'button[type=submit]'].map(s => {"
        " const r = document.querySelector(s).getBoundingClientRect(); return [s, r.left, r.right]; })"
    )
    for selector, left, right in widths:
        if left < 0 or right > PHONE[0]:
            raise StepFailed(f"{selector} sticks out of the phone screen ({left}..{right})")
    await snap("sign-in-phone")

    await step("a wrong password shows a clear message (phone width)")
    await browser.type_into("#email", EMAIL)
    await browser.type_into("#password", "not-the-password")
    await browser.click("button[type=submit]")
    message = await browser.wait_for(
        "(() => { const e = document.querySelector('[role=alert]'); return e && e.textContent; })()",
        "an error message",
    )
    if "Incorrect e-mail or password" not in message:
        raise StepFailed(f"the wrong-password message is {message!r}")
    kept = await browser.eval("document.querySelector('#email').value")
    if kept != EMAIL:
        raise StepFailed(f"the e-mail field was not kept after a failed sign-in: {kept!r}")
    await snap("wrong-password-phone")
    browser.problems.clear()  # the 400 of the failed sign-in is logged: expected

    await step("sign in as Ada: back on /graphql, signed in (consent skipped for GraphiQL)")
    await browser.viewport(*DESKTOP)
    await browser.type_into("#password", PASSWORD)
    await browser.click("button[type=submit]")
    await browser.wait_for(
        "location.pathname === '/graphql' && document.readyState === 'complete'", "the redirect to /graphql"
    )
    status = await browser.wait_for(
        f"(() => {{ const s = {STATUS}; return /Signed in|failed/i.test(s) ? s : null; }})()",
        "the status bar to settle",
    )
    if not status.startswith("Signed in"):
        await snap("sign-in-failed")
        raise StepFailed(f"status bar says {status!r}")
    if "code=" in await browser.eval("location.href"):
        raise StepFailed("the one-time code is still in the address bar")
    await browser.wait_for(GRAPHIQL_READY, "GraphiQL's query editor")
    await asyncio.sleep(1)
    await snap("signed-in")
    no_problems("the page after signing in")

    await step(f"run {QUERY}: the result shows Ada")
    result = await run_query(browser, QUERY)
    viewer = (result.get("data") or {}).get("viewer") or {}
    if viewer.get("displayName") != NAME or viewer.get("email") != EMAIL or result.get("errors"):
        raise StepFailed(f"unexpected result: {result}")
    await snap("query-signed-in")
    no_problems("running a query signed in")

    await step("the bar shows the query's cost and what is left of the rate limit")
    bucket = result["extensions"]["cost"]["throttleStatus"]
    shown = await browser.wait_for(
        "(() => { const e = document.getElementById('pg-cost'); return e && !e.hidden && e.textContent; })()",
        "the cost in the bar",
    )
    if not str(shown).startswith("Cost 1 · ") or f"{bucket['maximumAvailable']:,} left" not in str(shown):
        raise StepFailed(f"the bar shows {shown!r} for {result['extensions']['cost']}")

    await step("Back to the sign-in request replays it: the tab stays signed in, no error")
    # The first /oauth/authorize entry is the GET that showed the form (a plain Back lands on the
    # failed sign-in's POST first, for which the browser asks to resubmit the form).
    history = await browser.send("Page.getNavigationHistory")
    entry = next(e for e in history["entries"] if "/oauth/authorize" in e["url"])
    await browser.send("Page.navigateToHistoryEntry", {"entryId": entry["id"]})
    await browser.wait_for(
        "location.pathname === '/graphql' && location.search === '' && document.readyState === 'complete'"
        f" && /Signed in|failed|not started/i.test({STATUS})",
        "the page to come back to /graphql",
    )
    await browser.wait_for(GRAPHIQL_READY, "GraphiQL's query editor")
    status = await browser.eval(STATUS)
    if not status.startswith("Signed in"):
        raise StepFailed(f"after Back the status bar says {status!r}")
    no_problems("Back after signing in")

    await step("an expired access token is refreshed before the next request")
    before = await browser.eval(f"JSON.parse(sessionStorage.getItem({json.dumps(AUTH_KEY)}))")
    await browser.eval(
        f"(() => {{ const a = JSON.parse(sessionStorage.getItem({json.dumps(AUTH_KEY)}));"
        f" a.expires_at = Date.now() - 1000; sessionStorage.setItem({json.dumps(AUTH_KEY)}, JSON.stringify(a)); }})()"
    )
    result = await run_query(browser, QUERY)
    after = await browser.eval(f"JSON.parse(sessionStorage.getItem({json.dumps(AUTH_KEY)}))")
    if ((result.get("data") or {}).get("viewer") or {}).get("email") != EMAIL:
        raise StepFailed(f"the query after the refresh failed: {result}")
    if after["access_token"] == before["access_token"] or after["expires_at"] <= time.time() * 1000:
        raise StepFailed("the access token was not refreshed")
    no_problems("refreshing the token")

    await step("docs explorer loads the schema signed in")
    await browser.goto(graphql)  # a fresh page load, so the schema is fetched with the token
    await browser.wait_for(GRAPHIQL_READY, "GraphiQL's query editor")
    status = await browser.eval(STATUS)
    if not status.startswith("Signed in"):
        raise StepFailed(f"a reload lost the sign-in: status bar says {status!r}")
    await open_docs(browser)
    await snap("docs-signed-in")
    no_problems("the docs explorer (signed in)")

    await step("sign out: the status bar and buttons follow, queries are anonymous again")
    await browser.click("#pg-sign-out")
    await browser.wait_for("!document.getElementById('pg-sign-in').hidden", "the Sign in button")
    result = await run_query(browser, QUERY)
    if (result.get("data") or {}).get("viewer"):
        raise StepFailed(f"still signed in after signing out: {result}")
    await snap("signed-out")
    browser.problems.clear()

    await step("Sign in after Sign out asks for the password again (prompt=login): switch to HR")
    await browser.click("#pg-sign-in")
    await browser.wait_for(
        "location.pathname === '/oauth/authorize' && !!document.querySelector('input[name=password]')",
        "the sign-in form (the server's sign-in session must not skip it after Sign out)",
    )
    await browser.type_into("#email", HR_EMAIL)
    await browser.type_into("#password", PASSWORD)
    await browser.click("button[type=submit]")
    await browser.wait_for(f"/^Signed in/.test({STATUS})", "the status bar to say Signed in")
    await browser.wait_for(GRAPHIQL_READY, "GraphiQL's query editor")
    result = await run_query(browser, QUERY)
    if ((result.get("data") or {}).get("viewer") or {}).get("email") != HR_EMAIL:
        raise StepFailed(f"expected to be signed in as {HR_EMAIL}: {result}")
    await snap("signed-in-as-hr")
    no_problems("signing in as someone else")


async def main_async(base: str, shots: Path, chromium: str) -> int:
    base = base.rstrip("/")
    try:
        async with httpx.AsyncClient(timeout=5) as client:
            health = await client.get(f"{base}/graphql", headers={"Accept": "text/html"})
    except httpx.HTTPError as exc:
        print(f"FAIL: no server at {base}: {exc}")
        return 1
    if health.status_code != 200:
        print(f"FAIL: GET {base}/graphql answered {health.status_code}")
        return 1

    number = 0

    async def step(text: str) -> None:
        nonlocal number
        number += 1
        print(f"[{number:2d}] {text}", flush=True)

    browser = Browser(chromium)
    try:
        await browser.start()
        await scenario(browser, base, shots, step)
    except (StepFailed, TimeoutError) as exc:
        print(f"FAIL: {exc or type(exc).__name__}")
        with contextlib.suppress(Exception):
            path = shots / "e2e-failure.png"
            await browser.screenshot(path)
            print(f"      screenshot {path}")
        return 1
    finally:
        await browser.close()
    print(f"OK: {number} steps passed")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("base_url", nargs="?", default="http://127.0.0.1:8765")
    parser.add_argument("--shots", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = parser.parse_args()
    args.shots.mkdir(parents=True, exist_ok=True)
    return asyncio.run(main_async(args.base_url, args.shots, args.chromium))


if __name__ == "__main__":
    sys.exit(main())
