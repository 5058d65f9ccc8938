// The README's resume pattern (section "Resume without gaps"), run by tests/api/live/test_subscriptions_live_resume.py
// with the real graphql-ws client. Prints one JSON line per event received: {"id", "type", "title"}.
// Node has no browser WebSocket or localStorage: `ws` and a variable stand in for them, and it
// resubscribes after 100 ms instead of 1 s to keep the test short.
import { createClient } from "graphql-ws";
import WebSocket from "ws";

const { PEOPLEGRAPH_WS_URL: url, PEOPLEGRAPH_TOKEN: token } = process.env;
let lastEventId = null;

const client = createClient({
  url,
  webSocketImpl: WebSocket,
  connectionParams: async () => ({ Authorization: `Bearer ${token}` }),
  retryAttempts: 0,
});

function follow() {
  client.subscribe(
    {
      query: `subscription ($after: ID) {
        taskEvents(after: $after) { id type taskId task { title } }
      }`,
      variables: { after: lastEventId },
    },
    {
      next: ({ data, errors }) => {
        if (errors) return console.error(JSON.stringify(errors));
        const event = data.taskEvents;
        lastEventId = event.id;
        process.stdout.write(JSON.stringify({ id: event.id, type: event.type, title: event.task?.title }) + "\n");
      },
      error: (err) => (Array.isArray(err) ? console.error(JSON.stringify(err)) : setTimeout(follow, 100)),
      complete: () => setTimeout(follow, 100),
    },
  );
}
follow();
process.on("SIGTERM", () => client.dispose().then(() => process.exit(0)));
