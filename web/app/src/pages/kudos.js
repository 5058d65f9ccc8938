// Kudos: what colleagues recognized in me, and giving kudos to a colleague.
import { html } from "htm/preact";
import { useState } from "preact/hooks";
import FIND_COLLEAGUES from "../../operations/find_colleagues.graphql";
import GIVE_KUDOS from "../../operations/give_kudos.graphql";
import KUDOS from "../../operations/kudos.graphql";
import { mutate, request } from "../api.js";
import { Errors, Loading, formatDate, useAction, useQuery } from "../ui.js";

function isKudosEvent(event) {
  return event.__typename === "KudosEvent";
}

function GiveKudos() {
  const [search, setSearch] = useState("");
  const [found, setFound] = useState([]);
  const [toId, setToId] = useState("");
  const [message, setMessage] = useState("");
  const [skills, setSkills] = useState("");
  const [sent, setSent] = useState(null);
  const action = useAction();
  const find = async (event) => {
    event.preventDefault();
    const data = await request(FIND_COLLEAGUES, "FindColleagues", { search }).catch(() => null);
    const people = data?.employees?.nodes ?? [];
    setFound(people);
    setToId(people[0]?.id ?? "");
  };
  const give = (event) => {
    event.preventDefault();
    action.run(async () => {
      const input = { toId, message, skills: skills.split(",").map((s) => s.trim()).filter(Boolean) };
      const { errors } = await mutate(GIVE_KUDOS, "GiveKudos", input);
      if (!errors.length) {
        setSent(found.find((p) => p.id === toId)?.displayName ?? "your colleague");
        setMessage("");
        setSkills("");
      }
      return errors;
    });
  };
  return html`<section class="card" aria-labelledby="give-heading">
    <h2 id="give-heading">Give kudos</h2>
    <form class="row" onSubmit=${find}>
      <div class="field grow"><label for="kudos-search">Find a colleague</label>
        <input id="kudos-search" type="search" value=${search} onInput=${(e) => setSearch(e.currentTarget.value)} /></div>
      <button type="submit" class="secondary">Find</button>
    </form>
    ${found.length > 0 &&
    html`<form onSubmit=${give}>
      <div class="field"><label for="kudos-to">To</label>
        <select id="kudos-to" value=${toId} onChange=${(e) => setToId(e.currentTarget.value)}>
          ${found.map((p) => html`<option value=${p.id}>${p.displayName}, ${p.jobTitle}</option>`)}</select></div>
      <div class="field"><label for="kudos-message">Message</label>
        <textarea id="kudos-message" rows="3" required value=${message} onInput=${(e) => setMessage(e.currentTarget.value)}></textarea></div>
      <div class="field"><label for="kudos-skills">Skills shown (comma-separated)</label>
        <input id="kudos-skills" value=${skills} onInput=${(e) => setSkills(e.currentTarget.value)} /></div>
      <${Errors} errors=${action.errors} />
      <div class="actions"><button type="submit" disabled=${action.busy}>Send kudos</button></div>
    </form>`}
    ${sent && html`<p role="status" class="ok">Kudos sent to ${sent}.</p>`}
  </section>`;
}

export function KudosPage() {
  const state = useQuery(KUDOS, "Kudos", {}, isKudosEvent);
  const viewer = state.data?.viewer;
  if (!viewer) return html`<${Loading} state=${state} />`;
  const kudos = viewer.kudosReceived?.nodes ?? [];
  return html`<div class="grid">
    <section class="card" aria-labelledby="recognized-heading">
      <h2 id="recognized-heading">Skills colleagues recognized</h2>
      ${viewer.recognizedSkills.length === 0 ? html`<p class="muted">None yet.</p>`
        : html`<ul class="chips">${viewer.recognizedSkills.map((s) => html`<li>${s.skill} <span class="count">${s.count}</span></li>`)}</ul>`}
    </section>
    <${GiveKudos} />
    <section class="card wide" aria-labelledby="received-heading">
      <h2 id="received-heading">Kudos to me (${viewer.kudosReceived?.totalCount ?? 0})</h2>
      <ul class="tasks">${kudos.map((k) => html`<li class="task"><div class="task-main">
        <span class="task-title">${k.message}</span>
        <span class="task-meta"><span>from ${k.giver?.displayName ?? "a colleague"}</span><span>${formatDate(k.createdAt)}</span>
        ${k.skills.length > 0 && html`<span>${k.skills.join(", ")}</span>`}</span></div></li>`)}</ul>
    </section>
  </div>`;
}
