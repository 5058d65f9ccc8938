// Mentoring: suggestions for the skills I want to grow, requests I sent and received (accept or
// decline), my active mentorships and their check-ins.
import { html } from "htm/preact";
import { useState } from "preact/hooks";
import LOG_CHECK_IN from "../../operations/log_check_in.graphql";
import SUGGESTIONS from "../../operations/mentor_suggestions.graphql";
import MENTORING from "../../operations/mentoring.graphql";
import REQUEST_MENTORSHIP from "../../operations/request_mentorship.graphql";
import RESPOND from "../../operations/respond_to_mentorship.graphql";
import { mutate } from "../api.js";
import { Badge, Errors, Loading, formatDate, useAction, useQuery } from "../ui.js";

function isMentorshipEvent(event) {
  return event.__typename === "MentorshipEvent";
}

function CheckInForm({ mentorship, onDone }) {
  const [notes, setNotes] = useState("");
  const action = useAction();
  const id = `check-in-${mentorship.id}`;
  const submit = (event) => {
    event.preventDefault();
    action.run(async () => {
      const { errors } = await mutate(LOG_CHECK_IN, "LogCheckIn", { mentorshipId: mentorship.id, notes });
      if (!errors.length) {
        setNotes("");
        onDone();
      }
      return errors;
    });
  };
  return html`<form onSubmit=${submit} class="inline-form">
    <label for=${id}>Check-in notes</label>
    <textarea id=${id} rows="2" value=${notes} onInput=${(e) => setNotes(e.currentTarget.value)}></textarea>
    <${Errors} errors=${action.errors} />
    <button type="submit" disabled=${action.busy}>Log check-in</button>
  </form>`;
}

function MentorshipCard({ mentorship, viewerId, onChanged }) {
  const action = useAction();
  const other = mentorship.mentor?.id === viewerId ? mentorship.mentee : mentorship.mentor;
  const role = mentorship.mentor?.id === viewerId ? "Mentoring" : "Mentored by";
  const respond = (decision) =>
    action.run(async () => {
      const { errors } = await mutate(RESPOND, "RespondToMentorship", { id: mentorship.id, decision });
      onChanged();
      return errors;
    });
  const who = other?.displayName ?? "someone";
  return html`<li class="mentorship">
    <div class="task-main">
      <span class="task-title">${role} ${who}</span>
      <span class="task-meta"><${Badge} value=${mentorship.status} />
        ${mentorship.focusSkills.length > 0 && html`<span>${mentorship.focusSkills.join(", ")}</span>`}
        <span class="muted">since ${formatDate(mentorship.createdAt)}</span></span>
      ${mentorship.goals && html`<p>${mentorship.goals}</p>`}
    </div>
    ${mentorship.viewerCanRespond &&
    html`<div class="task-actions">
      <button type="button" disabled=${action.busy} onClick=${() => respond("ACCEPT")} aria-label=${`Accept ${who}'s request`}>Accept</button>
      <button type="button" class="secondary" disabled=${action.busy} onClick=${() => respond("DECLINE")} aria-label=${`Decline ${who}'s request`}>Decline</button>
    </div>`}
    <${Errors} errors=${action.errors} />
    ${mentorship.checkIns.totalCount > 0 &&
    html`<details><summary>${mentorship.checkIns.totalCount} check-in${mentorship.checkIns.totalCount === 1 ? "" : "s"}</summary>
      <ul class="plain">${mentorship.checkIns.nodes.map(
        (c) => html`<li><strong>${formatDate(c.happenedAt)}</strong> ${c.author && html`(${c.author.displayName})`}: ${c.notes}</li>`)}</ul>
    </details>`}
    ${mentorship.viewerCanLogCheckIn && html`<${CheckInForm} mentorship=${mentorship} onDone=${onChanged} />`}
  </li>`;
}

function Suggestions({ initialSkills, onRequested }) {
  const [skills, setSkills] = useState(initialSkills.slice(0, 3).join(", "));
  const [asked, setAsked] = useState(initialSkills.slice(0, 3));
  const state = useQuery(SUGGESTIONS, "MentorSuggestions", asked.length ? { skills: asked } : null);
  const action = useAction();
  const [sent, setSent] = useState(null);
  const search = (event) => {
    event.preventDefault();
    setAsked(skills.split(",").map((s) => s.trim()).filter(Boolean));
  };
  const request = (suggestion) =>
    action.run(async () => {
      const { errors } = await mutate(REQUEST_MENTORSHIP, "RequestMentorship", {
        mentorId: suggestion.employee.id,
        focusSkills: suggestion.matchingSkills,
      });
      if (!errors.length) {
        setSent(suggestion.employee.displayName);
        onRequested();
      }
      return errors;
    });
  return html`<section class="card" aria-labelledby="suggestions-heading">
    <h2 id="suggestions-heading">Find a mentor</h2>
    <form onSubmit=${search} class="row">
      <div class="field grow"><label for="mentor-skills">Skills to grow (comma-separated)</label>
        <input id="mentor-skills" value=${skills} onInput=${(e) => setSkills(e.currentTarget.value)} /></div>
      <button type="submit">Suggest</button>
    </form>
    <${Errors} errors=${action.errors} />
    ${sent && html`<p role="status" class="ok">Request sent to ${sent}.</p>`}
    ${asked.length === 0 ? html`<p class="muted">Name a skill to see suggestions.</p>`
      : !state.data ? html`<${Loading} state=${state} />`
      : html`<ul class="tasks">${(state.data.mentorSuggestions ?? []).slice(0, 6).map(
          (s) => html`<li class="task"><div class="task-main"><span class="task-title">${s.employee.displayName}</span>
            <span class="task-meta"><span>${s.employee.jobTitle}</span><span>${s.matchingSkills.join(", ")}</span></span></div>
            <div class="task-actions">${s.mentorCapacity.hasRoom
              ? html`<button type="button" disabled=${action.busy} onClick=${() => request(s)} aria-label=${`Ask ${s.employee.displayName} to mentor me`}>Ask</button>`
              : html`<span class="muted">no room now</span>`}</div></li>`)}</ul>`}
  </section>`;
}

export function MentoringPage() {
  const state = useQuery(MENTORING, "Mentoring", {}, isMentorshipEvent);
  const viewer = state.data?.viewer;
  if (!viewer) return html`<${Loading} state=${state} />`;
  const all = [...(viewer.mentorshipsAsMentor?.nodes ?? []), ...(viewer.mentorshipsAsMentee?.nodes ?? [])];
  const incoming = all.filter((m) => m.status === "PROPOSED" && m.mentor?.id === viewer.id);
  const outgoing = all.filter((m) => m.status === "PROPOSED" && m.mentee?.id === viewer.id);
  const active = all.filter((m) => m.status === "ACTIVE");
  const past = all.filter((m) => !["PROPOSED", "ACTIVE"].includes(m.status));
  const list = (items, empty) =>
    items.length === 0 ? html`<p class="muted">${empty}</p>`
      : html`<ul class="tasks">${items.map((m) => html`<${MentorshipCard} key=${m.id} mentorship=${m} viewerId=${viewer.id} onChanged=${state.reload} />`)}</ul>`;
  return html`<div class="grid">
    <section class="card" aria-labelledby="incoming-heading"><h2 id="incoming-heading">Requests to me</h2>${list(incoming, "No request is waiting for you.")}</section>
    <section class="card" aria-labelledby="outgoing-heading"><h2 id="outgoing-heading">My requests</h2>${list(outgoing, "You have no open request.")}</section>
    <section class="card wide" aria-labelledby="active-heading"><h2 id="active-heading">Active mentorships</h2>${list(active, "None active.")}</section>
    <${Suggestions} initialSkills=${viewer.skills} onRequested=${state.reload} />
    <section class="card" aria-labelledby="past-heading"><h2 id="past-heading">Earlier</h2>${list(past, "Nothing yet.")}</section>
  </div>`;
}
