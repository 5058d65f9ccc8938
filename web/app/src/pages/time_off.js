// Time off: my balances and requests (ask, cancel) and who of one of my teams is out soon.
import { html } from "htm/preact";
import { useState } from "preact/hooks";
import CANCEL_TIME_OFF from "../../operations/cancel_time_off.graphql";
import REQUEST_TIME_OFF from "../../operations/request_time_off.graphql";
import TIME_OFF from "../../operations/time_off.graphql";
import { mutate } from "../api.js";
import { Badge, Errors, Loading, formatDate, useAction, useQuery, words } from "../ui.js";

const KINDS = ["VACATION", "SICK", "PERSONAL", "PARENTAL", "OTHER"];

function isTimeOffEvent(event) {
  return event.__typename === "TimeOffEvent";
}

function isoDay(date) {
  return date.toISOString().slice(0, 10);
}

function RequestForm({ onDone }) {
  const [values, setValues] = useState({ kind: "VACATION", startsOn: "", endsOn: "", halfDay: false, note: "" });
  const action = useAction();
  const [sent, setSent] = useState(null);
  const set = (name) => (e) =>
    setValues({ ...values, [name]: e.currentTarget.type === "checkbox" ? e.currentTarget.checked : e.currentTarget.value });
  const submit = (event) => {
    event.preventDefault();
    action.run(async () => {
      const { payload, errors } = await mutate(REQUEST_TIME_OFF, "RequestTimeOff", { ...values, endsOn: values.endsOn || values.startsOn });
      if (!errors.length) {
        setSent(`Requested: ${payload.timeOffRequest.workingDays} working days, ${words(payload.timeOffRequest.status)}.`);
        onDone();
      }
      return errors;
    });
  };
  return html`<form class="card" onSubmit=${submit} aria-labelledby="time-off-form-heading">
    <h2 id="time-off-form-heading">Ask for time off</h2>
    <div class="row">
      <div class="field"><label for="to-kind">Kind</label>
        <select id="to-kind" value=${values.kind} onChange=${set("kind")}>${KINDS.map((k) => html`<option value=${k}>${words(k)}</option>`)}</select></div>
      <div class="field"><label for="to-start">From</label><input id="to-start" type="date" required value=${values.startsOn} onInput=${set("startsOn")} /></div>
      <div class="field"><label for="to-end">To</label><input id="to-end" type="date" value=${values.endsOn} onInput=${set("endsOn")} /></div>
    </div>
    <div class="field check"><input id="to-half" type="checkbox" checked=${values.halfDay} onChange=${set("halfDay")} /><label for="to-half">Half a day</label></div>
    <div class="field"><label for="to-note">Note</label><input id="to-note" value=${values.note} onInput=${set("note")} /></div>
    <${Errors} errors=${action.errors} />
    <div class="actions"><button type="submit" disabled=${action.busy}>Send request</button>${sent && html`<span role="status" class="ok">${sent}</span>`}</div>
  </form>`;
}

function RequestRow({ request, onChanged }) {
  const action = useAction();
  const cancel = () =>
    action.run(async () => {
      const { errors } = await mutate(CANCEL_TIME_OFF, "CancelTimeOff", { id: request.id });
      onChanged();
      return errors;
    });
  const when = request.startsOn === request.endsOn ? formatDate(request.startsOn) : `${formatDate(request.startsOn)} – ${formatDate(request.endsOn)}`;
  return html`<li class="task"><div class="task-main"><span class="task-title">${words(request.kind)}: ${when}</span>
    <span class="task-meta"><${Badge} value=${request.status} /><span>${request.workingDays} working day${request.workingDays === 1 ? "" : "s"}</span>
    ${request.note && html`<span class="muted">${request.note}</span>`}</span></div>
    ${request.viewerCanCancel && html`<div class="task-actions"><button type="button" class="secondary" disabled=${action.busy} onClick=${cancel}
      aria-label=${`Cancel ${words(request.kind)} ${when}`}>Cancel</button></div>`}
    <${Errors} errors=${action.errors} /></li>`;
}

function TeamCalendar({ teams }) {
  const [teamId, setTeamId] = useState(teams[0]?.id ?? null);
  const [range] = useState(() => {
    const today = new Date();
    return { from: isoDay(today), to: isoDay(new Date(today.getTime() + 30 * 86400000)) };
  });
  const state = useQuery(TIME_OFF, "TeamCalendar", teamId ? { teamId, ...range } : null, isTimeOffEvent);
  if (!teams.length) return null;
  const entries = state.data?.teamCalendar ?? [];
  return html`<section class="card" aria-labelledby="calendar-heading">
    <h2 id="calendar-heading">Who is out in the next 30 days</h2>
    <div class="field"><label for="calendar-team">Team</label>
      <select id="calendar-team" value=${teamId} onChange=${(e) => setTeamId(e.currentTarget.value)}>
        ${teams.map((t) => html`<option value=${t.id}>${t.name}</option>`)}</select></div>
    ${!state.data ? html`<${Loading} state=${state} />` : entries.length === 0 ? html`<p class="muted">Everyone is in.</p>`
      : html`<ul class="plain">${entries.map((e) => html`<li><strong>${e.employee?.displayName ?? "Someone"}</strong>${": "}${formatDate(e.startsOn)}${e.endsOn !== e.startsOn && ` – ${formatDate(e.endsOn)}`}
          ${e.kind && html` <span class="muted">${words(e.kind)}</span>`} <${Badge} value=${e.status} /></li>`)}</ul>`}
  </section>`;
}

export function TimeOffPage() {
  const state = useQuery(TIME_OFF, "TimeOff", {}, isTimeOffEvent);
  const viewer = state.data?.viewer;
  if (!viewer) return html`<${Loading} state=${state} />`;
  const balances = viewer.timeOffBalances ?? [];
  const requests = viewer.timeOff?.nodes ?? [];
  return html`<div class="grid">
    <section class="card wide" aria-labelledby="balances-heading">
      <h2 id="balances-heading">This year</h2>
      <div class="table-wrap"><table><caption class="visually-hidden">Working days of time off this year</caption>
        <thead><tr><th scope="col">Kind</th><th scope="col">Allowance</th><th scope="col">Taken</th><th scope="col">Planned</th><th scope="col">Left</th></tr></thead>
        <tbody>${balances.map((b) => html`<tr><th scope="row">${words(b.kind)}</th><td>${b.allowanceDays ?? "–"}</td><td>${b.takenDays}</td>
          <td>${b.plannedDays + b.pendingDays}</td><td>${b.remainingDays ?? "–"}</td></tr>`)}</tbody></table></div>
    </section>
    <${RequestForm} onDone=${state.reload} />
    <section class="card" aria-labelledby="requests-heading"><h2 id="requests-heading">My requests</h2>
      ${requests.length === 0 ? html`<p class="muted">None yet.</p>`
        : html`<ul class="tasks">${requests.map((r) => html`<${RequestRow} key=${r.id} request=${r} onChanged=${state.reload} />`)}</ul>`}
    </section>
    <${TeamCalendar} teams=${viewer.teams.edges.map((e) => e.node)} />
  </div>`;
}
