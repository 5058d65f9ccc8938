// Tasks: mine, or a team's; filter by status, sort; change status, assign and create where the
// API says I may (`viewerCanUpdate` drives the controls; the server decides either way).
import { html } from "htm/preact";
import { useState } from "preact/hooks";
import ASSIGN_TASK from "../../operations/assign_task.graphql";
import CREATE_TASK from "../../operations/create_task.graphql";
import SET_TASK_STATUS from "../../operations/set_task_status.graphql";
import TASKS from "../../operations/tasks.graphql";
import { mutate } from "../api.js";
import { Badge, Errors, Loading, formatDate, useAction, useQuery, words } from "../ui.js";

const STATUSES = ["TODO", "IN_PROGRESS", "BLOCKED", "DONE", "CANCELLED"];
const PRIORITIES = ["LOW", "MEDIUM", "HIGH", "URGENT"];
const SHOW = {
  open: ["TODO", "IN_PROGRESS", "BLOCKED"],
  done: ["DONE"],
  all: null,
};
const SORTS = {
  due: { field: "DUE_DATE", direction: "ASC" },
  updated: { field: "UPDATED_AT", direction: "DESC" },
  created: { field: "CREATED_AT", direction: "DESC" },
  title: { field: "TITLE", direction: "ASC" },
};

function isTaskEvent(event) {
  return event.__typename === "TaskEvent" || event.__typename === "TeamEvent";
}

function TaskRow({ task, members, onChanged }) {
  const action = useAction();
  const setStatus = (status) =>
    action.run(async () => {
      const { errors } = await mutate(SET_TASK_STATUS, "SetTaskStatus", { id: task.id, status, expectedVersion: task.version });
      onChanged(); // on a CONFLICT too: show what the task is now
      return errors;
    });
  const assign = (assigneeId) =>
    action.run(async () => {
      const { errors } = await mutate(ASSIGN_TASK, "AssignTask", { id: task.id, assigneeId, expectedVersion: task.version });
      onChanged();
      return errors;
    });
  const done = task.status === "DONE";
  return html`<li class="task" aria-busy=${action.busy}>
    <div class="task-main">
      <span class="task-title">${task.title}</span>
      <span class="task-meta">
        <${Badge} value=${task.status} /> <${Badge} value=${task.priority} />
        ${task.dueDate && html`<span>due ${formatDate(task.dueDate)}</span>`}
        <span>${task.assignee ? task.assignee.displayName : "unassigned"}</span>
        ${task.team && html`<span class="muted">${task.team.name}</span>`}
      </span>
    </div>
    ${task.viewerCanUpdate &&
    html`<div class="task-actions">
      ${!done && html`<button type="button" onClick=${() => setStatus("DONE")} disabled=${action.busy}
          aria-label=${`Mark “${task.title}” done`}>Mark done</button>`}
      <label class="compact">
        <span class="visually-hidden">Status of “${task.title}”</span>
        <select value=${task.status} disabled=${action.busy} onChange=${(e) => setStatus(e.currentTarget.value)}>
          ${STATUSES.map((s) => html`<option value=${s}>${words(s)}</option>`)}
        </select>
      </label>
      ${members &&
      html`<label class="compact">
        <span class="visually-hidden">Assignee of “${task.title}”</span>
        <select value=${task.assignee?.id ?? ""} disabled=${action.busy} onChange=${(e) => assign(e.currentTarget.value || null)}>
          <option value="">unassigned</option>
          ${members.map((m) => html`<option value=${m.id}>${m.displayName}</option>`)}
        </select>
      </label>`}
    </div>`}
    <${Errors} errors=${action.errors} />
  </li>`;
}

function CreateTask({ viewerId, teams, members, teamId, onCreated }) {
  const [title, setTitle] = useState("");
  const [priority, setPriority] = useState("MEDIUM");
  const [dueDate, setDueDate] = useState("");
  const [assigneeId, setAssigneeId] = useState(viewerId);
  const [created, setCreated] = useState(null);
  const action = useAction();
  const submit = (event) => {
    event.preventDefault();
    action.run(async () => {
      const input = { title, priority, dueDate: dueDate || null, assigneeId: assigneeId || null, teamId: teamId || null };
      const { payload, errors } = await mutate(CREATE_TASK, "CreateTask", input);
      if (!errors.length) {
        setCreated(payload.task?.title ?? title);
        setTitle("");
        onCreated();
      }
      return errors;
    });
  };
  const people = members ?? [];
  return html`<form class="card" onSubmit=${submit} aria-labelledby="new-task-heading">
    <h2 id="new-task-heading">New task${teamId ? ` for ${teams.find((t) => t.id === teamId)?.name ?? "the team"}` : ""}</h2>
    <div class="field"><label for="task-title">Title</label>
      <input id="task-title" required maxlength="200" value=${title} onInput=${(e) => setTitle(e.currentTarget.value)} /></div>
    <div class="row">
      <div class="field"><label for="task-priority">Priority</label>
        <select id="task-priority" value=${priority} onChange=${(e) => setPriority(e.currentTarget.value)}>
          ${PRIORITIES.map((p) => html`<option value=${p}>${words(p)}</option>`)}
        </select></div>
      <div class="field"><label for="task-due">Due</label>
        <input id="task-due" type="date" value=${dueDate} onInput=${(e) => setDueDate(e.currentTarget.value)} /></div>
      <div class="field"><label for="task-assignee">Assignee</label>
        <select id="task-assignee" value=${assigneeId ?? ""} onChange=${(e) => setAssigneeId(e.currentTarget.value)}>
          <option value=${viewerId}>me</option>
          ${people.filter((m) => m.id !== viewerId).map((m) => html`<option value=${m.id}>${m.displayName}</option>`)}
          <option value="">nobody yet</option>
        </select></div>
    </div>
    <${Errors} errors=${action.errors} />
    <div class="actions"><button type="submit" disabled=${action.busy}>Create task</button>
      ${created && html`<span role="status" class="ok">Created “${created}”.</span>`}</div>
  </form>`;
}

export function TasksPage() {
  const [scope, setScope] = useState("mine");
  const [show, setShow] = useState("open");
  const [sort, setSort] = useState("due");
  const filter = SHOW[show] ? { status: SHOW[show] } : {};
  const orderBy = SORTS[sort];
  const mine = useQuery(TASKS, "MyTasks", { filter, orderBy }, isTaskEvent);
  const viewer = mine.data?.viewer;
  const teams = viewer?.teams.edges.map((e) => e.node) ?? [];
  const teamId = scope === "mine" ? null : scope;
  const team = useQuery(TASKS, "TeamTasks", teamId ? { filter: { ...filter, teamId }, orderBy, teamId } : null, isTaskEvent);
  const shown = teamId ? team.data?.tasks : viewer?.tasks;
  const members = teamId ? team.data?.node?.members.edges.map((e) => e.node) : null;
  const reload = () => {
    mine.reload();
    if (teamId) team.reload();
  };
  if (!viewer) return html`<${Loading} state=${mine} />`;
  return html`<div class="stack">
    <div class="card toolbar" role="group" aria-label="Which tasks">
      <div class="field"><label for="task-scope">Tasks of</label>
        <select id="task-scope" value=${scope} onChange=${(e) => setScope(e.currentTarget.value)}>
          <option value="mine">me</option>
          ${teams.map((t) => html`<option value=${t.id}>team ${t.name}</option>`)}
        </select></div>
      <div class="field"><label for="task-show">Show</label>
        <select id="task-show" value=${show} onChange=${(e) => setShow(e.currentTarget.value)}>
          <option value="open">open (to do, in progress, blocked)</option>
          <option value="done">done</option>
          <option value="all">all</option>
        </select></div>
      <div class="field"><label for="task-sort">Sort by</label>
        <select id="task-sort" value=${sort} onChange=${(e) => setSort(e.currentTarget.value)}>
          <option value="due">due date</option>
          <option value="updated">last change</option>
          <option value="created">newest</option>
          <option value="title">title</option>
        </select></div>
    </div>
    <section class="card" aria-labelledby="task-list-heading">
      <h2 id="task-list-heading">${shown ? `${shown.totalCount} task${shown.totalCount === 1 ? "" : "s"}` : "Tasks"}</h2>
      ${!shown ? html`<${Loading} state=${teamId ? team : mine} />`
        : shown.nodes.length === 0 ? html`<p class="muted">Nothing here.</p>`
        : html`<ul class="tasks" id="task-list">
            ${shown.nodes.map((task) => html`<${TaskRow} key=${task.id} task=${task} members=${members} onChanged=${reload} />`)}
          </ul>`}
    </section>
    <${CreateTask} viewerId=${viewer.id} teams=${teams} members=${members} teamId=${teamId} onCreated=${reload} />
  </div>`;
}
