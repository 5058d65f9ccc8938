// Training: upcoming sessions with their seats (kept live by the subscription), enroll or join
// the waitlist, cancel; my enrollments, compliance and certificates.
import { html } from "htm/preact";
import { useState } from "preact/hooks";
import CANCEL_ENROLLMENT from "../../operations/cancel_enrollment.graphql";
import ENROLL from "../../operations/enroll.graphql";
import TRAINING from "../../operations/training.graphql";
import { mutate } from "../api.js";
import { Badge, Errors, Loading, formatDate, formatDateTime, useAction, useQuery } from "../ui.js";

function isTrainingEvent(event) {
  return event.__typename === "TrainingEvent" || event.__typename.startsWith("TrainingCompliance");
}

function cancelEnrollment(action, enrollment, onChanged) {
  return action.run(async () => {
    const { errors } = await mutate(CANCEL_ENROLLMENT, "CancelEnrollment", { enrollmentId: enrollment.id });
    onChanged();
    return errors;
  });
}

function SessionRow({ session, mine, onChanged }) {
  const action = useAction();
  const [said, setSaid] = useState(null);
  const enroll = () =>
    action.run(async () => {
      const { payload, errors } = await mutate(ENROLL, "Enroll", { sessionId: session.id });
      if (!errors.length) setSaid(payload.enrollment.status === "WAITLISTED" ? "You are on the waitlist." : "You have a seat.");
      onChanged();
      return errors;
    });
  const full = session.seatsLeft === 0;
  const label = `${session.course.title}, ${formatDateTime(session.startsAt)}`;
  return html`<li class="session">
    <div class="task-main">
      <span class="task-title">${session.course.title} <span class="muted">${session.course.code}</span>
        ${session.course.mandatory && html` <${Badge} value="MANDATORY" />`}</span>
      <span class="task-meta">
        <span>${formatDateTime(session.startsAt)}</span><span>${session.location}</span>
        <span class="seats" aria-label=${`${session.seatsLeft} of ${session.capacity} seats left`}>
          ${full ? "full" : `${session.seatsLeft} of ${session.capacity} seats left`}
          ${session.waitlistCount > 0 && ` · ${session.waitlistCount} waiting`}</span>
        ${mine && html`<${Badge} value=${mine.status} />`}
      </span>
    </div>
    <div class="task-actions">
      ${session.viewerCanEnroll && !mine &&
      html`<button type="button" disabled=${action.busy} onClick=${enroll} aria-label=${`${full ? "Join the waitlist of" : "Enroll in"} ${label}`}>
        ${full ? "Join waitlist" : "Enroll"}</button>`}
      ${mine?.viewerCanCancel &&
      html`<button type="button" class="secondary" disabled=${action.busy} onClick=${() => cancelEnrollment(action, mine, onChanged)}
        aria-label=${`Cancel my ${mine.status === "WAITLISTED" ? "waitlist place" : "seat"} in ${label}`}>Cancel</button>`}
      ${said && html`<span role="status" class="ok">${said}</span>`}
    </div>
    <${Errors} errors=${action.errors} />
  </li>`;
}

function EnrollmentRow({ enrollment, onChanged }) {
  const action = useAction();
  const cancel = () => cancelEnrollment(action, enrollment, onChanged);
  const course = enrollment.session.course;
  return html`<li class="session">
    <div class="task-main">
      <span class="task-title">${course.title}</span>
      <span class="task-meta"><${Badge} value=${enrollment.status} />
        <span>${formatDateTime(enrollment.session.startsAt)}</span>
        ${enrollment.certificateExpiresAt && html`<span>certificate until ${formatDate(enrollment.certificateExpiresAt)}</span>`}
      </span>
    </div>
    ${enrollment.viewerCanCancel &&
    html`<div class="task-actions"><button type="button" class="secondary" disabled=${action.busy} onClick=${cancel}
      aria-label=${`Cancel my enrollment in ${course.title}`}>Cancel</button></div>`}
    <${Errors} errors=${action.errors} />
  </li>`;
}

export function TrainingPage() {
  const [from] = useState(() => new Date().toISOString());
  const state = useQuery(TRAINING, "Training", { from }, isTrainingEvent);
  if (!state.data) return html`<${Loading} state=${state} />`;
  const { trainingSessions, viewer } = state.data;
  const enrollments = viewer.enrollments?.nodes ?? [];
  const bySession = new Map(enrollments.filter((e) => e.status !== "COMPLETED").map((e) => [e.session.id, e]));
  const compliance = viewer.trainingCompliance;
  const completed = enrollments.filter((e) => e.status === "COMPLETED");
  return html`<div class="grid">
    <section class="card wide" aria-labelledby="sessions-heading">
      <h2 id="sessions-heading">Upcoming sessions</h2>
      <ul class="tasks" id="session-list">
        ${(trainingSessions?.nodes ?? []).map(
          (s) => html`<${SessionRow} key=${s.id} session=${s} mine=${bySession.get(s.id)} onChanged=${state.reload} />`,
        )}
      </ul>
    </section>
    <section class="card" aria-labelledby="enrollments-heading">
      <h2 id="enrollments-heading">My enrollments</h2>
      ${bySession.size === 0 ? html`<p class="muted">None open.</p>`
        : html`<ul class="tasks">${[...bySession.values()].map(
            (e) => html`<${EnrollmentRow} key=${e.id} enrollment=${e} onChanged=${state.reload} />`)}</ul>`}
    </section>
    <section class="card" aria-labelledby="compliance-heading">
      <h2 id="compliance-heading">My compliance</h2>
      ${compliance && html`<p>${compliance.compliant ? "You are up to date with required training." : "Some required training is missing or expiring."}</p>
        ${compliance.missingCourses.length > 0 && html`<h3>Missing</h3>
          <ul class="plain">${compliance.missingCourses.map((c) => html`<li>${c.title} (${c.code})</li>`)}</ul>`}
        ${compliance.expiringCertificates.length > 0 && html`<h3>Expiring within 60 days</h3>
          <ul class="plain">${compliance.expiringCertificates.map(
            (e) => html`<li>${e.session.course.title}: ${formatDate(e.certificateExpiresAt)}</li>`)}</ul>`}`}
      <h3>Certificates and completed training</h3>
      ${completed.length === 0 ? html`<p class="muted">None yet.</p>`
        : html`<ul class="plain">${completed.map((e) => html`<li>${e.session.course.title}
            ${e.certificateExpiresAt ? html` <span class="muted">valid until ${formatDate(e.certificateExpiresAt)}</span>` : html` <span class="muted">completed ${formatDate(e.completedAt)}</span>`}</li>`)}</ul>`}
    </section>
  </div>`;
}
