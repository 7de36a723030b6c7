// Errors in plain words: OAuth error codes (RFC 6749 §5.2) and the admin API's problem types
// (RFC 9457) become a sentence a person can act on; the server's own detail follows when it adds
// something.

import { el } from "./dom.js";

export class Problem extends Error {
  constructor(status, body) {
    super((body && (body.detail || body.title || body.error_description || body.error)) || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
  }
}

/** No answer at all: the network, not the server. */
export function unreachable() {
  return new Problem(0, { title: "Keymint could not be reached", detail: "Check your connection, then try again." });
}

const OAUTH = {
  invalid_client: "This key was not accepted.",
  invalid_scope: "This key does not hold the scopes the console asked for.",
  rate_limited: "This key made too many token requests in the last minute.",
  quota_exceeded: "This key has used up its quota or budget for now.",
  invalid_request: "The sign-in request was refused as malformed.",
  unauthorized_client: "This key may not get tokens.",
  unsupported_grant_type: "This server does not hand out tokens this way.",
  server_error: "Keymint failed to answer. Try again in a moment.",
  temporarily_unavailable: "Keymint is busy or cannot reach its database. Try again in a moment.",
};

const PROBLEM_TYPES = {
  "invalid-request": "Some of what you entered needs fixing.",
  "insufficient-scope": "Your admin key is not allowed to do this.",
  forbidden: "Your admin key is not allowed to do this.",
  "not-found": "This key does not exist (any more), or belongs to another organization.",
  conflict: "This cannot be done in the key's current state.",
  "too-large": "That is more than Keymint accepts in one request.",
  "unsupported-media-type": "The console sent something the server does not read. Reload the page.",
  unavailable: "Keymint cannot reach its database right now. Nothing was changed; try again in a moment.",
  "not-confirmed": "The change is saved, but not every Keymint instance confirmed it yet. Do it again to wait for them.",
  unauthorized: "Your session is no longer accepted. Sign in again.",
};

const BY_STATUS = {
  0: "Keymint could not be reached. Check your connection, then try again.",
  400: "Some of what you entered needs fixing.",
  401: "Your session is no longer accepted. Sign in again.",
  403: "Your admin key is not allowed to do this.",
  404: "This does not exist (any more).",
  409: "This cannot be done in the current state.",
  413: "That is more than Keymint accepts in one request.",
  429: "Too many requests. Wait a moment, then try again.",
  503: "Keymint is unavailable right now. Try again in a moment.",
};

/** { title, detail } in plain words for any failure. */
export function plainWords(error) {
  if (!(error instanceof Problem)) {
    return { title: "Something went wrong in the page", detail: String(error && error.message ? error.message : error) };
  }
  const body = error.body;
  const type = typeof body.type === "string" ? body.type.split("/").pop() : null;
  const title = (body.error && OAUTH[body.error])
    || (type && PROBLEM_TYPES[type])
    || (!body.type && !body.error && body.title)   // the console's own, already in plain words
    || BY_STATUS[error.status]
    || (error.status >= 500 ? "Keymint failed to answer. Try again in a moment." : body.title || `The server said no (HTTP ${error.status}).`);
  let detail = body.error_description || body.detail || null;
  const retry = Number(body.retry_after);
  if (Number.isFinite(retry) && retry > 0) detail = `${detail ? detail + ". " : ""}Try again in ${retry} seconds.`;
  // "The request has 2 invalid field(s)" adds nothing to the list of fields below it.
  if (Array.isArray(body.errors) && body.errors.length) detail = null;
  return { title, detail: detail && detail !== title ? detail : null };
}

export function clearProblem(container) {
  container.replaceChildren();
  const form = container.closest("form");
  if (form) form.querySelectorAll("[aria-invalid]").forEach((field) => field.removeAttribute("aria-invalid"));
}

/** Shows a failure next to what caused it, and marks the form fields a 400 names. */
export function showProblem(container, error) {
  clearProblem(container);
  const { title, detail } = plainWords(error);
  container.append(el("p", { class: "title", text: title }));
  if (detail) container.append(el("p", { text: detail }));
  const body = error instanceof Problem ? error.body : {};
  if (Array.isArray(body.errors) && body.errors.length) {
    const list = el("ul");
    const form = container.closest("form");
    let first = null;
    for (const item of body.errors) {
      const name = String(item.field ?? "").split(/[.[]/)[0];
      const field = form && name ? form.elements.namedItem(name) : null;
      const label = field && field.labels && field.labels[0] ? field.labels[0].textContent : String(item.field ?? "");
      list.append(el("li", {}, el("strong", { text: label }), ": ", String(item.message ?? "")));
      if (field && field.setAttribute) {
        field.setAttribute("aria-invalid", "true");
        first = first || field;
      }
    }
    container.append(list);
    if (first) first.focus();
  }
  if (Array.isArray(body.scopes_not_held) && body.scopes_not_held.length) {
    container.append(el("p", { text: "It would need scopes your key does not hold: " + body.scopes_not_held.join(", ") }));
  }
}
