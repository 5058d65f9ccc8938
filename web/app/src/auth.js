// Sign-in for the web app: OAuth 2 authorization code + PKCE (RFC 7636) as the built-in public
// client `peoplegraph-web`, silent refresh with the rotating refresh token, sign out by revoking
// it (RFC 7009). Tokens are kept in sessionStorage: see the README's Security section for why.

const config = document.getElementById("app").dataset;
export const issuer = config.issuer.replace(/\/+$/, "");
const clientId = config.clientId;
const scopes = config.scopes;
// The registered redirect URI: the app's own page on the issuer.
const redirectUri = `${issuer}/`;

const TOKENS = "peoplegraph.web.tokens";
const PENDING = "peoplegraph.web.pkce";
// Set by "Sign out" (localStorage: every tab). The sign-in page keeps a short session cookie, so
// without `prompt=login` the next sign-in would silently be the same person again.
const SIGNED_OUT = "peoplegraph.web.signed-out";
const REFRESH_EARLY_MS = 60 * 1000;

const listeners = new Set();
let refreshTimer = null;
let refreshing = null;

function read(key) {
  try {
    return JSON.parse(sessionStorage.getItem(key));
  } catch {
    return null;
  }
}

export function onAuthChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function announce(state) {
  for (const listener of listeners) listener(state);
}

export function signedIn() {
  return read(TOKENS) !== null;
}

function base64url(bytes) {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function random(length) {
  return base64url(crypto.getRandomValues(new Uint8Array(length)));
}

export async function signIn() {
  if (!window.isSecureContext) {
    throw new Error("Sign-in needs https, or http on 127.0.0.1 or localhost.");
  }
  if (location.origin !== new URL(issuer).origin) {
    location.assign(redirectUri); // the verifier must be stored on the origin the server returns to
    return;
  }
  const verifier = random(48);
  const state = random(16);
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state }));
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  const query = new URLSearchParams({
    response_type: "code",
    client_id: clientId,
    redirect_uri: redirectUri,
    scope: scopes,
    state,
    code_challenge: base64url(new Uint8Array(digest)),
    code_challenge_method: "S256",
  });
  if (localStorage.getItem(SIGNED_OUT)) query.set("prompt", "login");
  location.assign(`${issuer}/oauth/authorize?${query}`);
}

async function tokenEndpoint(form) {
  const response = await fetch(`${issuer}/oauth/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
    body: new URLSearchParams({ client_id: clientId, ...form }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok || !body.access_token) {
    throw new Error(body.error_description || body.error || `the token endpoint answered ${response.status}`);
  }
  return body;
}

function keep(body, previous) {
  const tokens = {
    access: body.access_token,
    refresh: body.refresh_token || previous?.refresh || null,
    expiresAt: Date.now() + Number(body.expires_in || 900) * 1000,
  };
  sessionStorage.setItem(TOKENS, JSON.stringify(tokens));
  scheduleRefresh(tokens);
  return tokens;
}

function scheduleRefresh(tokens) {
  clearTimeout(refreshTimer);
  if (!tokens.refresh) return;
  const wait = Math.max(tokens.expiresAt - Date.now() - REFRESH_EARLY_MS, 1000);
  refreshTimer = setTimeout(() => refreshNow().catch(() => {}), wait);
}

// The answer of the authorization server when it sent the browser back with ?code=&state=.
// Returns an error message to show, or null.
export async function completeSignIn() {
  const params = new URLSearchParams(location.search);
  const existing = read(TOKENS);
  if (existing) scheduleRefresh(existing);
  if (!params.has("code") && !params.has("error")) return null;
  const pending = read(PENDING);
  sessionStorage.removeItem(PENDING);
  history.replaceState(null, "", location.pathname + location.hash); // a reload must not replay the code
  if (!pending || pending.state !== params.get("state")) {
    return existing ? null : "That sign-in was not started from this tab. Please sign in again.";
  }
  if (params.has("error")) return `Sign-in failed: ${params.get("error_description") || params.get("error")}`;
  try {
    keep(
      await tokenEndpoint({
        grant_type: "authorization_code",
        code: params.get("code"),
        redirect_uri: redirectUri,
        code_verifier: pending.verifier,
      }),
      null,
    );
  } catch (error) {
    return `Sign-in failed: ${error.message}`;
  }
  localStorage.removeItem(SIGNED_OUT);
  announce(true);
  return null;
}

// One refresh at a time: refresh tokens rotate, and presenting a used one again ends the sign-in.
export function refreshNow() {
  const tokens = read(TOKENS);
  if (!tokens?.refresh) return Promise.resolve(null);
  refreshing ??= tokenEndpoint({ grant_type: "refresh_token", refresh_token: tokens.refresh })
    .then((body) => keep(body, tokens).access)
    .catch((error) => {
      forget();
      announce(false);
      throw error;
    })
    .finally(() => (refreshing = null));
  return refreshing;
}

export async function accessToken() {
  const tokens = read(TOKENS);
  if (!tokens) return null;
  if (Date.now() < tokens.expiresAt - 5000) return tokens.access;
  return refreshNow();
}

function forget() {
  clearTimeout(refreshTimer);
  sessionStorage.removeItem(TOKENS);
}

export async function signOut() {
  const tokens = read(TOKENS);
  forget();
  localStorage.setItem(SIGNED_OUT, "1");
  if (tokens?.refresh) {
    // Revoking the refresh token ends the whole sign-in, its access tokens included.
    await fetch(`${issuer}/oauth/revoke`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: tokens.refresh, token_type_hint: "refresh_token", client_id: clientId }),
    }).catch(() => {});
  }
  announce(false);
}
