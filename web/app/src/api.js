// GraphQL over HTTP with the signed-in employee's token. Documents come from ../operations/*.graphql
// (checked against schema.graphql by the test suite); a file may hold several operations.
import { accessToken, refreshNow } from "./auth.js";

export class ApiError extends Error {}

async function post(document, operationName, variables, token) {
  return fetch("/graphql", {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      Accept: "application/graphql-response+json, application/json",
      Authorization: `Bearer ${token}`,
    },
    body: JSON.stringify({ query: document, operationName, variables }),
  });
}

export async function request(document, operationName, variables = {}) {
  let token = await accessToken();
  if (!token) throw new ApiError("You are signed out.");
  let response = await post(document, operationName, variables, token);
  if (response.status === 401) {
    // Revoked or expired early (a clock step, a key rotation): one refresh, then one retry.
    token = await refreshNow().catch(() => null);
    if (!token) throw new ApiError("Your session ended. Please sign in again.");
    response = await post(document, operationName, variables, token);
  }
  const body = await response.json().catch(() => null);
  if (!body) throw new ApiError(`The server answered ${response.status}.`);
  if (body.errors?.length && !body.data) throw new ApiError(body.errors.map((e) => e.message).join(" "));
  return body.data;
}

// A mutation's payload: `{ payload, errors }`, where errors are the payload's UserErrors.
export async function mutate(document, operationName, input) {
  const data = await request(document, operationName, { input });
  const payload = Object.values(data)[0];
  return { payload, errors: payload?.errors ?? [] };
}
