// One sentence per live event, for the aria-live region.
const VERBS = {
  TASK_CREATED: "created a task",
  TASK_UPDATED: "changed a task",
  TASK_STATUS_CHANGED: "changed a task's status",
  TASK_DELETED: "deleted a task",
  TRAINING_ENROLLED: "took a seat",
  TRAINING_WAITLISTED: "joined a waitlist",
  TRAINING_PROMOTED: "got a seat from the waitlist",
  TRAINING_ENROLLMENT_CANCELLED: "cancelled an enrollment",
  MENTORSHIP_REQUESTED: "asked for a mentorship",
  MENTORSHIP_ACCEPTED: "accepted a mentorship",
  MENTORSHIP_DECLINED: "declined a mentorship",
  MENTORSHIP_CHECKED_IN: "logged a check-in",
  KUDOS_GIVEN: "gave kudos",
};

function subject(event) {
  if (event.task) return ` “${event.task.title}”`;
  if (event.session) return ` in ${event.session.course.title} (${event.session.seatsLeft} seats left)`;
  return "";
}

export function describe(event) {
  if (event.type === "RESYNC") return "Back online: this page was reloaded.";
  const who = event.actor?.displayName ?? "Someone";
  const what = VERBS[event.type] ?? event.type.toLowerCase().replace(/_/g, " ");
  return `${who} ${what}${subject(event)}.`;
}
