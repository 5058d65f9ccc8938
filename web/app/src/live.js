// The one live subscription, `viewerEvents`, over graphql-transport-ws on this origin. graphql-ws
// must not retry by itself: it would resend the first `after`. Instead a dropped connection ends
// the subscription and `follow()` subscribes again with the id of the last event seen, so the
// server replays what was missed and nothing is lost or seen twice.
import { createClient } from "graphql-ws";
import VIEWER_EVENTS from "../operations/viewer_events.graphql";
import { accessToken } from "./auth.js";

// What listeners get instead of an event when the log cannot replay the gap: reload everything.
export const RESYNC = { __typename: "Resync", type: "RESYNC", id: null, actor: null };

const listeners = new Set();
const statusListeners = new Set();
let client = null;
let unsubscribe = null;
let retry = null;
let lastEventId = null;
let status = "offline";

function setStatus(next) {
  status = next;
  for (const listener of statusListeners) listener(next);
}

export function liveStatus() {
  return status;
}

export function onLiveStatus(listener) {
  statusListeners.add(listener);
  return () => statusListeners.delete(listener);
}

export function onEvent(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function again() {
  setStatus("reconnecting");
  clearTimeout(retry);
  retry = setTimeout(follow, 1000);
}

function follow() {
  if (!client) return;
  unsubscribe = client.subscribe(
    { query: VIEWER_EVENTS.text, operationName: "ViewerEvents", variables: { after: lastEventId } },
    {
      next: ({ data, errors }) => {
        if (errors?.some((e) => e.extensions?.code === "RESUME_TOO_OLD")) {
          // Too much was missed to replay: start afresh and let every open view reload itself.
          lastEventId = null;
          for (const listener of listeners) listener(RESYNC);
          return;
        }
        if (errors || !data) return; // e.g. SUBSCRIBER_TOO_SLOW: the stream completes next, then resumes
        const event = data.viewerEvents;
        lastEventId = event.id;
        for (const listener of listeners) listener(event);
      },
      // An array is the server refusing the operation itself: retrying would not help.
      error: (error) => (Array.isArray(error) ? setStatus("refused") : again()),
      complete: again,
    },
  );
}

export function startLive() {
  if (client) return;
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  client = createClient({
    url: `${scheme}//${location.host}/graphql`,
    retryAttempts: 0,
    // Asked at every (re)connect, so an expired token is replaced by a refreshed one.
    connectionParams: async () => ({ Authorization: `Bearer ${await accessToken()}` }),
    on: { connected: () => setStatus("live"), closed: () => status === "live" && setStatus("reconnecting") },
  });
  follow();
}

export function stopLive() {
  clearTimeout(retry);
  unsubscribe?.();
  client?.dispose();
  client = null;
  unsubscribe = null;
  lastEventId = null;
  setStatus("offline");
}
