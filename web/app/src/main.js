// peoplegraph's self-service web app: the shell (sign-in, navigation, live status) and the router.
// Bundled by esbuild at set-up (web/app/build.mjs) and served at / by the server itself.
import { html } from "htm/preact";
import { render } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import "./app.css";
import { completeSignIn, onAuthChange, signIn, signOut, signedIn } from "./auth.js";
import { describe } from "./events.js";
import { onEvent, onLiveStatus, liveStatus, startLive, stopLive } from "./live.js";
import { KudosPage } from "./pages/kudos.js";
import { MePage } from "./pages/me.js";
import { MentoringPage } from "./pages/mentoring.js";
import { TasksPage } from "./pages/tasks.js";
import { TimeOffPage } from "./pages/time_off.js";
import { TrainingPage } from "./pages/training.js";

const PAGES = [
  ["me", "Me", MePage],
  ["tasks", "Tasks", TasksPage],
  ["training", "Training", TrainingPage],
  ["mentoring", "Mentoring", MentoringPage],
  ["time-off", "Time off", TimeOffPage],
  ["kudos", "Kudos", KudosPage],
];

function currentPage() {
  const name = location.hash.replace(/^#\/?/, "");
  return PAGES.find(([key]) => key === name) ?? PAGES[0];
}

function usePage() {
  const [page, setPage] = useState(currentPage);
  useEffect(() => {
    const changed = () => setPage(currentPage());
    addEventListener("hashchange", changed);
    return () => removeEventListener("hashchange", changed);
  }, []);
  return page;
}

const LIVE_TEXT = {
  live: "Live",
  reconnecting: "Reconnecting…",
  offline: "Offline",
  refused: "Live updates refused",
};

function LiveRegion() {
  // aria-live: a screen reader hears what changed while the page updates itself.
  const [said, setSaid] = useState("");
  const [status, setStatus] = useState(liveStatus);
  const [count, setCount] = useState(0);
  useEffect(() => onLiveStatus(setStatus), []);
  useEffect(
    () =>
      onEvent((event) => {
        setSaid(describe(event));
        setCount((n) => n + 1);
      }),
    [],
  );
  return html`<div class="live">
    <span class=${`live-dot live-${status}`} id="live-status" data-events=${count}>${LIVE_TEXT[status]}</span>
    <p id="live-news" class="live-news" aria-live="polite" aria-atomic="true">${said}</p>
  </div>`;
}

function SignedIn() {
  const [key, label, Page] = usePage();
  const heading = useRef(null);
  const first = useRef(true);
  useEffect(() => {
    startLive();
    return stopLive;
  }, []);
  useEffect(() => {
    document.title = `${label} · peoplegraph`;
    // Move focus to the new page's heading, so keyboard and screen-reader users start there.
    if (!first.current) heading.current?.focus();
    first.current = false;
  }, [key]);
  return html`<a class="skip" href="#main">Skip to content</a>
    <header class="top">
      <span class="brand">peoplegraph</span>
      <nav aria-label="Pages">
        <ul>${PAGES.map(
          ([name, text]) => html`<li><a href=${`#/${name}`} aria-current=${name === key ? "page" : undefined}>${text}</a></li>`,
        )}</ul>
      </nav>
      <${LiveRegion} />
      <button type="button" class="secondary" id="sign-out" onClick=${() => signOut()}>Sign out</button>
    </header>
    <main id="main">
      <h1 tabindex="-1" ref=${heading}>${label}</h1>
      <${Page} key=${key} />
    </main>`;
}

function SignedOut({ message }) {
  const [error, setError] = useState(message);
  const start = () => signIn().catch((e) => setError(e.message));
  return html`<main id="main" class="welcome">
    <h1>peoplegraph</h1>
    <p>Your profile, tasks, training, mentoring, time off and kudos in one place.</p>
    ${error && html`<p class="errors" role="alert">${error}</p>`}
    <button type="button" id="sign-in" onClick=${start}>Sign in</button>
    <p class="muted">Analysts: the API explorer is at <a href="/graphql">/graphql</a>.</p>
  </main>`;
}

function App({ message }) {
  const [isSignedIn, setSignedIn] = useState(signedIn);
  useEffect(() => onAuthChange(setSignedIn), []);
  return isSignedIn ? html`<${SignedIn} />` : html`<${SignedOut} message=${message} />`;
}

completeSignIn().then((message) => render(html`<${App} message=${message} />`, document.getElementById("app")));
