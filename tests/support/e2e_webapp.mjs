// End-to-end run of the web app at / in headless Chromium (playwright-core with the system
// chromium), started by tests/api/http/test_webapp_e2e.py against a real server with demo data:
//
//   node tests/support/e2e_webapp.mjs   (settings in the environment, see below)
//
// Signs in as a demo employee (authorization code + PKCE), marks a task done, enrolls in a
// session, sees a task another client creates appear without a reload, loses the WebSocket and
// gets the task created meanwhile once it is back (resume with `after`), and signs out (the
// refresh token is revoked). Takes a screenshot of every page at desktop and phone size when
// E2E_SHOTS is set. Fails on any console error, uncaught exception, CSP violation or request to
// another origin. Prints one line per step; the last line is a JSON summary.
import { chromium } from "playwright-core";

const env = process.env;
const BASE = env.E2E_BASE_URL; // the server, also its issuer
const EMAIL = env.E2E_EMAIL;
const PASSWORD = env.E2E_PASSWORD;
const OTHER_TOKEN = env.E2E_OTHER_TOKEN; // another employee's access token: "another client"
const OWN_TOKEN = env.E2E_OWN_TOKEN; // the same employee in another client (another tab, a phone)
const VIEWER_ID = env.E2E_VIEWER_ID; // the signed-in employee's global ID
const SHOTS = env.E2E_SHOTS || null;
const CHROMIUM = env.E2E_CHROMIUM || "/usr/bin/chromium";
const WAIT = Number(env.E2E_WAIT_MS || 15000);
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
const PAGES = ["me", "tasks", "training", "mentoring", "time-off", "kudos"];

const origin = new URL(BASE).origin;
const problems = [];
const eventIds = []; // ids of viewerEvents the server sent, as seen on the wire
const summary = { steps: [] };

function step(name) {
  summary.steps.push(name);
  process.stdout.write(`step: ${name}\n`);
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

async function elsewhere(token, query, input) {
  const response = await fetch(`${BASE}/graphql`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables: { input } }),
  });
  const body = await response.json();
  const payload = Object.values(body.data ?? {})[0];
  check(payload && payload.errors.length === 0, `the other client's mutation failed: ${JSON.stringify(body)}`);
}

async function createTaskElsewhere(title) {
  const query = "mutation ($input: CreateTaskInput!) { createTask(input: $input) { task { id } errors { code } } }";
  await elsewhere(OTHER_TOKEN, query, { title, assigneeId: VIEWER_ID, priority: "HIGH" });
}

function nextMonday() {
  const day = new Date(Date.now() + 35 * 86400000);
  while (day.getUTCDay() !== 1) day.setUTCDate(day.getUTCDate() + 1);
  return day.toISOString().slice(0, 10);
}

async function shoot(page, name) {
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/${name}.png` });
}

async function visit(page, name) {
  await page.evaluate((hash) => (location.hash = hash), `#/${name}`);
  await page.locator("main h1").first().waitFor();
  // Each page says "Loading…" until its query answered.
  await page.waitForFunction(() => !document.querySelector("main [role=status]")?.textContent.includes("Loading"), null, {
    timeout: WAIT,
  });
}

async function run() {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox"] });
  try {
    const context = await browser.newContext({ viewport: DESKTOP, colorScheme: "light" });
    context.setDefaultTimeout(WAIT);
    const page = await context.newPage();
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(`console: ${message.text()}`);
    });
    page.on("pageerror", (error) => problems.push(`exception: ${error.message}`));
    page.on("request", (request) => {
      const url = new URL(request.url());
      if (!["data:", "blob:"].includes(url.protocol) && url.origin !== origin) problems.push(`left the origin: ${url}`);
    });

    // The live WebSocket goes through this route so the test can cut it, keep it cut, and
    // watch what the server sends.
    let cut = false;
    let current = null;
    await page.routeWebSocket(/\/graphql$/, (ws) => {
      if (cut) {
        ws.close({ code: 1006, reason: "network down (test)" });
        return;
      }
      const server = ws.connectToServer();
      current = { ws, server };
      server.onMessage((message) => {
        const parsed = JSON.parse(String(message));
        const event = parsed.type === "next" ? parsed.payload?.data?.viewerEvents : null;
        if (event) eventIds.push(event.id);
        ws.send(message);
      });
    });

    step("a newcomer opens / and sees the sign-in button");
    await page.goto(`${BASE}/`);
    await page.locator("#sign-in").waitFor();
    await shoot(page, "signed-out-desktop");

    step("signs in with the authorization code flow + PKCE");
    await page.click("#sign-in");
    await page.waitForURL(/\/oauth\/authorize/);
    await page.fill("#email", EMAIL);
    await page.fill("#password", PASSWORD);
    await Promise.all([page.waitForURL(`${BASE}/`), page.click("button[type=submit]")]);
    await page.locator("#who-heading").waitFor();
    const name = await page.locator("#who-heading").textContent();
    check(!page.url().includes("code="), "the one-time code stayed in the address bar");
    summary.signedInAs = name;
    await page.locator("#live-status", { hasText: "Live" }).waitFor();

    for (const name of PAGES) {
      await visit(page, name);
      await shoot(page, `${name}-desktop`);
    }

    step("marks a task done");
    await visit(page, "tasks");
    const done = page.getByRole("button", { name: /^Mark “.*” done$/ }).first();
    const label = await done.getAttribute("aria-label");
    const title = label.slice("Mark “".length, -"” done".length);
    await page.evaluate(() => (window.__sameDocument = true)); // gone if the page reloads
    await done.click();
    // Open tasks are listed: the done one leaves the list once the server said so.
    await page.locator("#task-list .task-title", { hasText: title }).first().waitFor({ state: "detached" });
    await page.selectOption("#task-show", "done");
    await page.locator("#task-list .task-title", { hasText: title }).first().waitFor();
    await page.selectOption("#task-show", "open");
    // Its own change comes back on the subscription: the subscription is in place.
    await page.waitForFunction(() => Number(document.querySelector("#live-status").dataset.events) >= 1);
    summary.markedDone = title;

    step("enrolls in a training session");
    await visit(page, "training");
    const enroll = page.getByRole("button", { name: /^(Enroll in|Join the waitlist of) / }).first();
    const course = await enroll.getAttribute("aria-label");
    await enroll.click();
    const said = await page.locator(".session [role=status]").first().textContent();
    check(/seat|waitlist/.test(said), `enrolling said ${said}`);
    await page.locator("#enrollments-heading + ul .badge").first().waitFor();
    summary.enrolled = { course, said };

    step("sees a task another client assigns, without reloading");
    await visit(page, "tasks");
    const liveTitle = `Live from another client ${Date.now()}`;
    await createTaskElsewhere(liveTitle);
    await page.locator("#task-list .task-title", { hasText: liveTitle }).waitFor();
    await page.locator("#live-news", { hasText: liveTitle }).waitFor();
    check(await page.evaluate(() => window.__sameDocument === true), "the page was reloaded");

    step("loses the connection, misses nothing once it is back");
    cut = true;
    current.ws.close({ code: 1006, reason: "network down (test)" });
    current.server.close();
    await page.locator("#live-status", { hasText: "Reconnecting" }).waitFor();
    const missedTitle = `Created while offline ${Date.now()}`;
    await createTaskElsewhere(missedTitle);
    cut = false;
    await page.locator("#live-status", { hasText: "Live" }).waitFor();
    await page.locator("#task-list .task-title", { hasText: missedTitle }).waitFor();
    check(await page.evaluate(() => window.__sameDocument === true), "the page was reloaded");
    check(new Set(eventIds).size === eventIds.length, `an event arrived twice: ${eventIds}`);
    summary.events = eventIds.length;

    step("a stale profile form is a conflict, shown; the current version loads");
    await visit(page, "me");
    const query = "mutation ($input: UpdateMyProfileInput!) { updateMyProfile(input: $input) { errors { code } } }";
    await elsewhere(OWN_TOKEN, query, { location: "Changed in another tab" });
    await page.fill("#profile-bio", "Written in a stale form");
    await page.getByRole("button", { name: "Save profile" }).click();
    await page.locator("[role=alert]", { hasText: /changed|version/i }).waitFor();
    await page.click("text=Load the current version");
    await page.waitForFunction(() => document.querySelector("#profile-location").value === "Changed in another tab");
    await page.fill("#profile-bio", "Written on the current version");
    await page.getByRole("button", { name: "Save profile" }).click();
    await page.locator("text=Saved.").waitFor();

    step("accepts a mentorship request and logs a check-in");
    await visit(page, "mentoring");
    const accept = page.getByRole("button", { name: /^Accept .*'s request$/ }).first();
    const mentee = (await accept.getAttribute("aria-label")).slice("Accept ".length, -"'s request".length);
    await accept.click();
    await page.locator("#active-heading + ul .task-title", { hasText: `Mentoring ${mentee}` }).waitFor();
    const notes = page.locator("#active-heading + ul li", { hasText: `Mentoring ${mentee}` }).locator("textarea");
    await notes.fill("First meeting: goals agreed");
    await page.locator("#active-heading + ul li", { hasText: `Mentoring ${mentee}` }).getByRole("button", { name: "Log check-in" }).click();
    await page.locator("#active-heading + ul li", { hasText: `Mentoring ${mentee}` }).locator("summary").waitFor();

    step("asks for a day off and gives kudos");
    await visit(page, "time-off");
    const monday = nextMonday();
    await page.fill("#to-start", monday);
    await page.getByRole("button", { name: "Send request" }).click();
    await page.locator("text=/Requested: 1 working day/").waitFor();
    await visit(page, "kudos");
    await page.fill("#kudos-search", "Grace");
    await page.getByRole("button", { name: "Find", exact: true }).click();
    await page.locator("#kudos-to").waitFor();
    await page.fill("#kudos-message", "Thanks for the review!");
    await page.getByRole("button", { name: "Send kudos" }).click();
    await page.locator("text=/Kudos sent to/").waitFor();

    step("every page at phone width");
    await page.setViewportSize(PHONE);
    for (const name of PAGES) {
      await visit(page, name);
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      check(wide <= PHONE.width, `#/${name} scrolls sideways at ${PHONE.width} px (${wide} px wide)`);
      await shoot(page, `${name}-phone`);
    }
    await page.setViewportSize(DESKTOP);
    if (SHOTS) {
      await page.emulateMedia({ colorScheme: "dark" });
      await visit(page, "training");
      await shoot(page, "training-dark");
      await page.emulateMedia({ colorScheme: "light" });
    }

    step("signs out: the refresh token is revoked");
    const refresh = await page.evaluate(() => JSON.parse(sessionStorage.getItem("peoplegraph.web.tokens")).refresh);
    await page.click("#sign-out");
    await page.locator("#sign-in").waitFor();
    const afterSignOut = await fetch(`${BASE}/oauth/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: refresh, client_id: "peoplegraph-web" }),
    });
    check(afterSignOut.status === 400, `the refresh token still works after sign out (${afterSignOut.status})`);
    check(await page.evaluate(() => sessionStorage.getItem("peoplegraph.web.tokens") === null), "tokens stayed in storage");

    check(problems.length === 0, `the browser reported: ${problems.join("; ")}`);
  } finally {
    await browser.close();
  }
}

run().then(
  () => {
    process.stdout.write(`${JSON.stringify({ ok: true, ...summary })}\n`);
  },
  (error) => {
    process.stdout.write(`${JSON.stringify({ ok: false, error: String(error.stack || error), problems, ...summary })}\n`);
    process.exitCode = 1;
  },
);
