// peoplegraph's GraphiQL page: mounts GraphiQL from the vendored UMD globals (React, ReactDOM,
// GraphiQL, GraphiQLPluginExplorer) and adds "Sign in" with the OAuth 2 authorization code flow
// + PKCE (RFC 7636) for the server's public client. Plain ES2020, no build step: this file is
// served as is from /static, like the vendored files (nothing comes from a CDN).
(function () {
  "use strict";

  const root = document.getElementById("graphiql");
  const statusEl = document.getElementById("pg-auth-status");
  const signInButton = document.getElementById("pg-sign-in");
  const signOutButton = document.getElementById("pg-sign-out");
  const scopesEl = document.getElementById("pg-scopes");
  const costEl = document.getElementById("pg-cost");
  const switchLabel = document.getElementById("pg-switch-label");
  const switchSelect = document.getElementById("pg-switch");

  // Configuration comes from data-* attributes rendered by web/graphiql.py (the page has no
  // inline script so its Content-Security-Policy can forbid them).
  const issuer = (root.dataset.issuer || window.location.origin).replace(/\/+$/, "");
  const clientId = root.dataset.clientId;
  const scopes = root.dataset.scopes || "";
  const graphqlPath = root.dataset.graphqlPath || "/graphql";
  // Registered redirect URI of the public client: this very page on the issuer.
  const redirectUri = issuer + graphqlPath;

  // sessionStorage, not localStorage: tokens die with the tab and are not shared across tabs.
  const AUTH_KEY = "peoplegraph.graphiql.auth";
  const PKCE_KEY = "peoplegraph.graphiql.pkce";
  // localStorage (all tabs, no secret in it): someone pressed "Sign out" here. The server's
  // short sign-in session (a cookie on /oauth) outlives our tokens, so without `prompt=login`
  // the next "Sign in" would silently sign the same employee back in: no way to switch
  // accounts, and on a shared computer the next person would be someone else.
  const SIGNED_OUT_KEY = "peoplegraph.graphiql.signed-out";
  // Refresh a little before expiry so a request never leaves with a token about to lapse.
  const REFRESH_MARGIN_MS = 30 * 1000;

  const DEFAULT_QUERY = `# Welcome to peoplegraph's GraphiQL.
#
# Sign in: press "Sign in" (top right) to sign in
# as an employee (authorization code + PKCE);
# requests then carry your access token. Or put
#   {"Authorization": "Bearer <token>"}
# in the Headers tab below. An operator mints one:
#   peoplegraph token --employee EMAIL \\
#     --scopes "employees:read tasks:read"
#
# Explore: the book icon (left) opens the docs of
# every type and field; the Explorer builds a
# query as you tick fields. Ctrl-Enter (or the
# play button) runs the operation at the cursor.
#
# Try the operations below; for live events:
#   subscription {
#     viewerEvents { id type occurredAt }
#   }

query Me {
  viewer {
    id
    displayName
    jobTitle
    manager {
      displayName
    }
  }
}

query FirstEmployees {
  employees(first: 5, orderBy: {field: FAMILY_NAME, direction: ASC}) {
    totalCount
    edges {
      node {
        id
        displayName
        jobTitle
        manager {
          displayName
        }
      }
    }
  }
}
`;

  // ---- storage -------------------------------------------------------------------------

  function load(key) {
    try {
      return JSON.parse(window.sessionStorage.getItem(key));
    } catch (_error) {
      return null; // corrupt or unavailable storage means "nothing stored"
    }
  }

  function save(key, value) {
    window.sessionStorage.setItem(key, JSON.stringify(value));
  }

  function forget(key) {
    window.sessionStorage.removeItem(key);
  }

  // ---- status bar ----------------------------------------------------------------------

  function setStatus(text, isError) {
    statusEl.textContent = text;
    statusEl.classList.toggle("pg-error", Boolean(isError));
  }

  // The token's own claims (we only read our own token; the server verifies it).
  function tokenClaims(accessToken) {
    try {
      const part = accessToken.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      return JSON.parse(window.atob(part));
    } catch (_error) {
      return {};
    }
  }

  function showSignedIn(auth) {
    if (!auth) {
      signInButton.hidden = false;
      signOutButton.hidden = true;
      scopesEl.hidden = true;
      scopesEl.textContent = "";
      return;
    }
    // Who, and with which scopes: the scopes are those the token really carries (HR-only
    // scopes are dropped for other employees), not those GraphiQL asked for.
    const granted = (tokenClaims(auth.access_token).scope || auth.scope || "").split(" ").filter(Boolean);
    scopesEl.textContent = `Scopes: ${granted.join(" ")}`;
    scopesEl.title = granted.join("\n");
    scopesEl.hidden = false;
    let text = auth.who ? `Signed in as ${auth.who}` : "Signed in";
    if (auth.expires_at) {
      const when = new Date(auth.expires_at).toLocaleTimeString([], {
        hour: "2-digit",
        minute: "2-digit",
      });
      text += Date.now() < auth.expires_at ? ` (expires ${when})` : ` (expired ${when}; refreshes on the next request)`;
    }
    setStatus(text, false);
    signInButton.hidden = true;
    signOutButton.hidden = false;
  }

  function signedOutHere() {
    try {
      return window.localStorage.getItem(SIGNED_OUT_KEY) === "1";
    } catch (_error) {
      return false;
    }
  }

  function rememberSignedOut(value) {
    try {
      if (value) window.localStorage.setItem(SIGNED_OUT_KEY, "1");
      else window.localStorage.removeItem(SIGNED_OUT_KEY);
    } catch (_error) {
      // storage unavailable: the next sign-in may reuse the server's session, nothing worse
    }
  }

  // ---- PKCE helpers --------------------------------------------------------------------

  function base64url(bytes) {
    let binary = "";
    for (const byte of bytes) binary += String.fromCharCode(byte);
    return window.btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function randomToken(byteLength) {
    const bytes = new Uint8Array(byteLength);
    window.crypto.getRandomValues(bytes);
    return base64url(bytes);
  }

  async function s256Challenge(verifier) {
    const digest = await window.crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
    return base64url(new Uint8Array(digest));
  }

  // ---- OAuth ---------------------------------------------------------------------------

  // loginHint: switch to that account (the sign-in form comes with the e-mail filled in).
  async function signIn(loginHint) {
    // crypto.subtle only exists in secure contexts (https, or http on localhost/127.0.0.1).
    if (!window.isSecureContext || !window.crypto || !window.crypto.subtle) {
      setStatus("Sign-in needs https (or http://127.0.0.1 / localhost): the browser hides crypto.subtle here", true);
      return;
    }
    // The verifier lives in this origin's sessionStorage and the server sends the browser back
    // to the issuer's /graphql: start from there, or the verifier would be out of reach.
    if (window.location.origin !== new URL(issuer).origin) {
      setStatus(`Sign-in works from ${redirectUri}: opening it…`, false);
      window.location.assign(redirectUri);
      return;
    }
    const verifier = randomToken(32); // 43 base64url characters, the minimum RFC 7636 allows
    const state = randomToken(16); // ties the redirect back to this tab's request (CSRF)
    save(PKCE_KEY, { verifier, state });
    const params = new URLSearchParams({
      response_type: "code",
      client_id: clientId,
      redirect_uri: redirectUri,
      scope: scopes,
      state,
      code_challenge: await s256Challenge(verifier),
      code_challenge_method: "S256",
    });
    if (signedOutHere() || loginHint) params.set("prompt", "login");
    if (loginHint) params.set("login_hint", loginHint);
    window.location.assign(`${issuer}/oauth/authorize?${params}`);
  }

  async function tokenRequest(fields) {
    const response = await fetch(`${issuer}/oauth/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
      body: new URLSearchParams(fields),
    });
    let body = {};
    try {
      body = await response.json();
    } catch (_error) {
      // not JSON: report the HTTP status below
    }
    if (!response.ok || !body.access_token) {
      throw new Error(body.error_description || body.error || `HTTP ${response.status}`);
    }
    return body;
  }

  // "Ada Lovelace <ada.lovelace@example.com>", asked of the API once per sign-in.
  async function describeViewer(auth) {
    try {
      const response = await fetch(graphqlPath, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${auth.access_token}` },
        body: JSON.stringify({ query: "{ viewer { displayName email } }" }),
      });
      const viewer = ((await response.json()).data || {}).viewer;
      if (viewer) auth.who = `${viewer.displayName} <${viewer.email}>`;
    } catch (_error) {
      // the bar then says "Signed in" without a name: nothing else depends on it
    }
    save(AUTH_KEY, auth);
    showSignedIn(auth);
    return auth;
  }

  function storeTokens(body, previous) {
    const auth = {
      access_token: body.access_token,
      // A refresh response may omit the refresh token when it is not rotated: keep the old one.
      refresh_token: body.refresh_token || (previous && previous.refresh_token) || null,
      expires_at: body.expires_in ? Date.now() + Number(body.expires_in) * 1000 : null,
      scope: body.scope || (previous && previous.scope) || scopes,
      who: (previous && previous.who) || null,
    };
    save(AUTH_KEY, auth);
    showSignedIn(auth);
    return auth;
  }

  // Finish a sign-in when the authorization server sent the browser back here with
  // ?code=&state= (or ?error=). Runs before GraphiQL mounts so the schema is fetched signed in.
  async function completeSignIn() {
    const params = new URLSearchParams(window.location.search);
    if (!params.has("code") && !params.has("error")) return;
    const pending = load(PKCE_KEY);
    forget(PKCE_KEY);
    // Drop the one-time code from the address bar and history: a reload must not replay it.
    window.history.replaceState(null, "", window.location.pathname + window.location.hash);
    if (!pending || params.get("state") !== pending.state) {
      // Not an answer to a sign-in started here: never exchange that code. The usual cause is
      // the Back button after signing in, which replays /oauth/authorize; the server, still
      // remembering the sign-in, sends a fresh code straight back. A signed-in tab stays so.
      if (load(AUTH_KEY)) return;
      setStatus("Sign-in was not started from this tab or already finished: press Sign in", true);
      return;
    }
    if (params.has("error")) {
      setStatus(`Sign-in failed: ${params.get("error_description") || params.get("error")}`, true);
      return;
    }
    setStatus("Signing in…", false);
    try {
      const body = await tokenRequest({
        grant_type: "authorization_code",
        code: params.get("code"),
        redirect_uri: redirectUri,
        client_id: clientId,
        code_verifier: pending.verifier,
      });
      await describeViewer(storeTokens(body, null));
      rememberSignedOut(false);
    } catch (error) {
      setStatus(`Sign-in failed: ${error.message}`, true);
    }
  }

  // One refresh at a time: with rotating refresh tokens two parallel refreshes would make the
  // second one fail (and could get the whole token family revoked).
  let refreshing = null;

  async function refresh(auth) {
    try {
      const body = await tokenRequest({
        grant_type: "refresh_token",
        refresh_token: auth.refresh_token,
        client_id: clientId,
      });
      return storeTokens(body, auth).access_token;
    } catch (error) {
      forget(AUTH_KEY);
      showSignedIn(null);
      setStatus(`Session ended (${error.message}): sign in again`, true);
      return null;
    }
  }

  // The access token to send now, refreshed first if it is (about to be) expired.
  async function currentAccessToken() {
    const auth = load(AUTH_KEY);
    if (!auth) return null;
    if (!auth.expires_at || Date.now() < auth.expires_at - REFRESH_MARGIN_MS) return auth.access_token;
    if (!auth.refresh_token) {
      forget(AUTH_KEY);
      showSignedIn(null);
      setStatus("Session expired: sign in again", true);
      return null;
    }
    if (!refreshing) refreshing = refresh(auth).finally(() => (refreshing = null));
    return refreshing;
  }

  async function signOut() {
    const auth = load(AUTH_KEY);
    forget(AUTH_KEY);
    rememberSignedOut(true);
    showSignedIn(null);
    setStatus("Signed out", false);
    if (!auth) return;
    // Best effort (RFC 7009): revoking the refresh token ends the session server-side too.
    for (const [token, hint] of [
      [auth.refresh_token, "refresh_token"],
      [auth.access_token, "access_token"],
    ]) {
      if (!token) continue;
      fetch(`${issuer}/oauth/revoke`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ token, token_type_hint: hint, client_id: clientId }),
      }).catch(() => {});
    }
  }

  // ---- GraphiQL ------------------------------------------------------------------------

  // The GraphiQL 3.9 UMD bundle exposes graphiql-toolkit's createGraphiQLFetcher as
  // `GraphiQL.createFetcher`, with graphql-ws bundled: `subscriptionUrl` is enough for
  // subscriptions over the graphql-transport-ws protocol.
  const wsScheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  const baseFetcher = GraphiQL.createFetcher({
    url: graphqlPath,
    subscriptionUrl: `${wsScheme}//${window.location.host}${graphqlPath}`,
  });

  // ---- query cost ------------------------------------------------------------------------

  // After each response: its estimated cost and what is left in the caller's rate-limit bucket
  // (`extensions.cost`, and `extensions.retryAfter` of a THROTTLED error).
  function showCost(result) {
    const cost = result && result.extensions && result.extensions.cost;
    const throttled = ((result && result.errors) || []).find(
      (error) => error.extensions && error.extensions.code === "THROTTLED",
    );
    if (!cost && !throttled) return;
    const parts = [];
    if (cost) parts.push(`Cost ${cost.estimated.toLocaleString()}`);
    const bucket = cost && cost.throttleStatus;
    if (bucket) {
      parts.push(
        `${bucket.currentlyAvailable.toLocaleString()} of ${bucket.maximumAvailable.toLocaleString()} left` +
          ` (+${bucket.restoreRate.toLocaleString()}/s)`,
      );
    }
    if (throttled) parts.push(`throttled: retry in ${throttled.extensions.retryAfter} s`);
    costEl.textContent = parts.join(" · ");
    costEl.classList.toggle("pg-error", Boolean(throttled));
    costEl.hidden = false;
  }

  // Adds the bearer token to every operation. Headers typed in the Headers tab win, so an
  // explicit Authorization header (e.g. a service token) overrides the sign-in. For
  // subscriptions the toolkit sends these headers as the connection_init payload.
  async function fetcher(graphQLParams, options) {
    const token = await currentAccessToken();
    const headers = Object.assign(
      {},
      token ? { Authorization: `Bearer ${token}` } : {},
      options && options.headers,
    );
    const result = await baseFetcher(graphQLParams, Object.assign({}, options, { headers }));
    // The toolkit answers with a result, or with a stream of them (its multipart fetcher, which
    // it uses for queries too, and subscriptions): show the cost of each as it arrives.
    if (!result || typeof result[Symbol.asyncIterator] !== "function") {
      showCost(result);
      return result;
    }
    return (async function* costed() {
      for await (const part of result) {
        showCost(part);
        yield part;
      }
    })();
  }

  function mountGraphiQL() {
    // The explorer is optional: the page still works if its file is absent.
    const plugins = window.GraphiQLPluginExplorer ? [window.GraphiQLPluginExplorer.explorerPlugin()] : [];
    const element = React.createElement(GraphiQL, {
      fetcher,
      defaultQuery: DEFAULT_QUERY,
      plugins,
      isHeadersEditorEnabled: true,
      // Headers may hold a bearer token: keep them out of localStorage.
      shouldPersistHeaders: false,
      defaultEditorToolsVisibility: "headers",
    });
    ReactDOM.createRoot(root).render(element);
  }

  signInButton.addEventListener("click", () => {
    signIn(null).catch((error) => setStatus(`Sign-in failed: ${error.message}`, true));
  });
  signOutButton.addEventListener("click", () => {
    signOut();
  });

  // Demo accounts, listed by the server only when the demo data is seeded: switching signs out
  // (revoking this sign-in) and signs in as the chosen account, e-mail filled in.
  async function offerDemoAccounts() {
    let accounts = [];
    try {
      const response = await fetch(`${issuer}/oauth/demo-accounts`, { headers: { Accept: "application/json" } });
      accounts = (await response.json()).accounts || [];
    } catch (_error) {
      return; // no list: the switch stays hidden
    }
    for (const account of accounts) {
      const option = document.createElement("option");
      option.value = account.email;
      option.textContent = `${account.name} (${account.role})`;
      switchSelect.appendChild(option);
    }
    switchLabel.hidden = accounts.length === 0;
  }

  switchSelect.addEventListener("change", () => {
    const email = switchSelect.value;
    if (!email) return;
    signOut();
    signIn(email).catch((error) => setStatus(`Sign-in failed: ${error.message}`, true));
  });
  offerDemoAccounts();
  // Keep "expires …" truthful while the page stays open.
  window.setInterval(() => {
    const auth = load(AUTH_KEY);
    if (auth) showSignedIn(auth);
  }, 30 * 1000);

  showSignedIn(load(AUTH_KEY));
  completeSignIn()
    .catch((error) => setStatus(`Sign-in failed: ${error.message}`, true))
    .finally(mountGraphiQL);
})();
