// The README's Server-Sent Events pattern (section "Server-Sent Events"), run by
// tests/api/live/test_subscriptions_sse_client.py with the real graphql-sse client. Prints one JSON
// line per event received, {"id", "type", "title"}, and one per refusal, {"errors": [codes]}.
// Node has no localStorage: a variable stands in for it, and it resubscribes after 100 ms
// instead of 1 s to keep the test short. Exits once the server refused the operation for good.
import { createClient } from "graphql-sse";

const { PEOPLEGRAPH_URL: url, PEOPLEGRAPH_TOKEN: token } = process.env;
const RESUMABLE = new Set(["SUBSCRIBER_TOO_SLOW", "UNAUTHENTICATED"]);
let lastEventId = null;
let refused = false;

const client = createClient({
  url,
  headers: async () => ({ Authorization: `Bearer ${token}` }),
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
        if (errors) {
          const codes = errors.map((e) => e.extensions?.code);
          refused = codes.some((code) => !RESUMABLE.has(code));
          return process.stdout.write(JSON.stringify({ errors: codes }) + "\n");
        }
        const event = data.taskEvents;
        lastEventId = event.id;
        process.stdout.write(JSON.stringify({ id: event.id, type: event.type, title: event.task?.title }) + "\n");
      },
      error: () => setTimeout(follow, 100),
      complete: () => (refused ? process.exit(0) : setTimeout(follow, 100)),
    },
  );
}
follow();
process.on("SIGTERM", () => {
  client.dispose();
  process.exit(0);
});
