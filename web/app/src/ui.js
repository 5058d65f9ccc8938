// Small shared pieces: the data hook that reloads on live events, error lists, dates.
import { html } from "htm/preact";
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { request } from "./api.js";
import { RESYNC, onEvent } from "./live.js";

// Run a query now and again whenever a live event makes `isRelevant(event)` true, so the open
// page stays current without a reload. Variables null: skip. Returns { data, error, loading, reload }.
export function useQuery(document, operationName, variables, isRelevant) {
  const [state, setState] = useState({ data: null, error: null, loading: true });
  const key = JSON.stringify(variables ?? {});
  const relevant = useRef(isRelevant);
  relevant.current = isRelevant;
  const generation = useRef(0);
  // Resolves to the new data (null on error); an answer overtaken by a later reload is dropped.
  const reload = useCallback(async () => {
    const mine = ++generation.current;
    if (variables === null) return null; // skipped: nothing to ask yet
    setState((s) => ({ ...s, loading: true }));
    try {
      const data = await request(document, operationName, variables ?? {});
      if (mine === generation.current) setState({ data, error: null, loading: false });
      return data;
    } catch (error) {
      if (mine === generation.current) setState((s) => ({ ...s, error: error.message, loading: false }));
      return null;
    }
  }, [document, operationName, key]);
  useEffect(() => {
    reload();
  }, [reload]);
  useEffect(() => onEvent((event) => (event === RESYNC || relevant.current?.(event)) && reload()), [reload]);
  return { ...state, reload };
}

export function Errors({ errors }) {
  if (!errors?.length) return null;
  return html`<ul class="errors" role="alert">
    ${errors.map((e) => html`<li>${typeof e === "string" ? e : e.message}</li>`)}
  </ul>`;
}

export function Loading({ state }) {
  if (state.error) return html`<${Errors} errors=${[state.error]} />`;
  if (!state.data) return html`<p class="muted" role="status">Loading…</p>`;
  return null;
}

// Run a mutation from a button or form: { busy, errors, run(fn) } where fn returns UserErrors.
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState([]);
  const run = async (fn) => {
    setBusy(true);
    setErrors([]);
    try {
      const found = (await fn()) ?? [];
      setErrors(found);
      return found.length === 0;
    } catch (error) {
      setErrors([error.message]);
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, errors, run, clear: () => setErrors([]) };
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

export function formatDate(value) {
  if (!value) return "";
  // A Date (YYYY-MM-DD) is a calendar day: read it at noon so no time zone moves it.
  return dateFormat.format(new Date(value.length === 10 ? `${value}T12:00:00` : value));
}

export function formatDateTime(value) {
  return value ? dateTimeFormat.format(new Date(value)) : "";
}

export function words(value) {
  return value.toLowerCase().replace(/_/g, " ");
}

export function Badge({ value }) {
  return html`<span class=${`badge badge-${value.toLowerCase()}`}>${words(value)}</span>`;
}
