// Runs graphql-http's server audits (the GraphQL-over-HTTP spec's checks) against a URL and
// prints one JSON array: [{id, name, status, reason}] with status ok | notice | warn | error.
// Usage: node tests/support/graphql_http_audit.mjs http://127.0.0.1:PORT/graphql
import { serverAudits } from 'graphql-http';

const url = process.argv[2];
const results = [];
for (const audit of serverAudits({ url, fetchFn: fetch })) {
  const result = await audit.fn();
  results.push({ id: result.id, name: result.name, status: result.status, reason: result.reason ?? null });
}
process.stdout.write(JSON.stringify(results));
