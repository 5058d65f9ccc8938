// Me: my profile (my own fields, saved with expectedVersion so a stale form is a conflict),
// my manager and my teams.
import { html } from "htm/preact";
import { useState } from "preact/hooks";
import ME from "../../operations/me.graphql";
import UPDATE_MY_PROFILE from "../../operations/update_my_profile.graphql";
import { mutate } from "../api.js";
import { Errors, Loading, useAction, useQuery, words } from "../ui.js";

const FIELDS = [
  ["pronouns", "Pronouns", "text"],
  ["location", "Location", "text"],
  ["timezone", "Time zone (such as Europe/Berlin)", "text"],
  ["phone", "Phone", "tel"],
  ["emergencyContact", "Emergency contact", "text"],
  ["skills", "Skills (comma-separated)", "text"],
  ["bio", "About me", "textarea"],
];

function formValues(viewer) {
  return Object.fromEntries(
    FIELDS.map(([name]) => [name, name === "skills" ? viewer.skills.join(", ") : (viewer[name] ?? "")]),
  );
}

// The form keeps the version it was filled from, even when a live event reloads `viewer`: a save
// over someone else's change is then a CONFLICT the employee sees, never a silent overwrite.
function ProfileForm({ viewer, reload }) {
  const [values, setValues] = useState(() => formValues(viewer));
  const [version, setVersion] = useState(viewer.version);
  const [saved, setSaved] = useState(false);
  const action = useAction();
  const conflict = action.errors.some((e) => e.code === "CONFLICT");
  const takeCurrent = async () => {
    const latest = (await reload()) ?? viewer;
    setValues(formValues(latest));
    setVersion(latest.version);
    action.clear();
  };

  const save = (event) => {
    event.preventDefault();
    setSaved(false);
    const input = { ...values, skills: values.skills.split(",").map((s) => s.trim()).filter(Boolean) };
    action.run(async () => {
      const { payload, errors } = await mutate(UPDATE_MY_PROFILE, "UpdateMyProfile", { ...input, expectedVersion: version });
      if (!errors.length) {
        setVersion(payload.employee.version);
        setSaved(true);
      }
      return errors;
    });
  };

  return html`<form class="card" onSubmit=${save} aria-labelledby="profile-heading">
    <h2 id="profile-heading">My profile</h2>
    ${FIELDS.map(
      ([name, label, type]) => html`<div class="field">
        <label for=${`profile-${name}`}>${label}</label>
        ${type === "textarea"
          ? html`<textarea id=${`profile-${name}`} rows="3" value=${values[name]}
              onInput=${(e) => setValues({ ...values, [name]: e.currentTarget.value })}></textarea>`
          : html`<input id=${`profile-${name}`} type=${type} value=${values[name]}
              onInput=${(e) => setValues({ ...values, [name]: e.currentTarget.value })} />`}
      </div>`,
    )}
    <${Errors} errors=${action.errors} />
    ${conflict &&
    html`<p class="notice">Someone changed your profile since you opened this page.
      <button type="button" class="link" onClick=${takeCurrent}>Load the current version</button>
      (your edits here are replaced by it).</p>`}
    <div class="actions">
      <button type="submit" disabled=${action.busy}>Save profile</button>
      ${saved && html`<span role="status" class="ok">Saved.</span>`}
    </div>
  </form>`;
}

export function MePage() {
  const state = useQuery(ME, "Me", {}, (event) => event.__typename === "EmployeeEvent" || event.__typename === "TeamEvent");
  const viewer = state.data?.viewer;
  if (!viewer) return html`<${Loading} state=${state} />`;
  return html`<div class="grid">
    <section class="card" aria-labelledby="who-heading">
      <h2 id="who-heading">${viewer.displayName}</h2>
      <p>${viewer.jobTitle}${viewer.pronouns && html` · ${viewer.pronouns}`}</p>
      <p class="muted">${viewer.email}</p>
      <h3>Manager</h3>
      ${viewer.manager
        ? html`<p>${viewer.manager.displayName}, ${viewer.manager.jobTitle}</p>`
        : html`<p class="muted">No manager: you are at the top of the org chart.</p>`}
      <h3>Teams</h3>
      ${viewer.teams.edges.length
        ? html`<ul class="plain">
            ${viewer.teams.edges.map(
              (edge) => html`<li><strong>${edge.node.name}</strong> (${words(edge.role)})
                ${edge.node.lead && html`<span class="muted"> · led by ${edge.node.lead.displayName}</span>`}</li>`,
            )}
          </ul>`
        : html`<p class="muted">You are in no team yet.</p>`}
    </section>
    <${ProfileForm} viewer=${viewer} reload=${async () => (await state.reload())?.viewer} />
  </div>`;
}
