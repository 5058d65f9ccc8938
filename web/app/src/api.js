// GraphQL over HTTP with the signed-in employee's token. Operations come from ../operations/*.graphql
// (checked against schema.graphql by the test suite; a file may hold several operations) and are
// sent by their trusted-document id: the web app's client runs only those.
import { accessToken, refreshNow } from "./auth.js";

export class ApiError extends Error {}

async function post(operation, operationName, variables, token) {
  return fetch("/graphql", {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      Accept: "application/graphql-response+json, application/json",
      Authorization: `Bearer ${token}`,
    },
    body: JSON.stringify({ documentId: operation.documentId, operationName, variables }),
  });
}

export async function request(operation, operationName, variables = {}) {
  let token = await accessToken();
  if (!token) throw new ApiError("You are signed out.");
  let response = await post(operation, operationName, variables, token);
  if (response.status === 401) {
    // Revoked or expired early (a clock step, a key rotation): one refresh, then one retry.
    token = await refreshNow().catch(() => null);
    if (!token) throw new ApiError("Your session ended. Please sign in again.");
    response = await post(operation, operationName, variables, token);
  }
  const body = await response.json().catch(() => null);
  if (!body) throw new ApiError(`The server answered ${response.status}.`);
  if (body.errors?.length && !body.data) throw new ApiError(body.errors.map((e) => e.message).join(" "));
  return body.data;
}

// A mutation's payload: `{ payload, errors }`, where errors are the payload's UserErrors.
export async function mutate(operation, operationName, input) {
  const data = await request(operation, operationName, { input });
  const payload = Object.values(data)[0];
  return { payload, errors: payload?.errors ?? [] };
}
