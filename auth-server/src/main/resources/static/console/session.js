// The admin session: an API key is exchanged once for an access token, which lives only in the
// variable `session` (never in storage or cookies). The key itself is forgotten at once.
// Before the token expires a banner offers to sign in again; after it expired, a call to the
// admin API opens the sign-in dialog and continues once signed in, so the page is never lost.

import { $, notice } from "./dom.js";
import { Problem, clearProblem, showProblem, unreachable } from "./problems.js";

const API = "/admin/v1";
/** The banner appears this long before the token expires (or halfway, for very short tokens). */
const WARN_BEFORE_MS = 2 * 60 * 1000;
/** kmk_<16 base62 client id>_<32 base62 secret + 6 base62 checksum> (the server's ApiKeyFormat). */
const KEY_SHAPE = /^kmk_([0-9A-Za-z]{16})_[0-9A-Za-z]{38}$/;

let session = null;       // { token, expiresAt, claims, clientId }
let metadata = null;      // /.well-known/oauth-authorization-server
let ticker = null;
let announced = "fresh";  // the session state screen readers were last told about
let pendingRenewal = null; // { promise, resolve, reject } while the sign-in-again dialog is open
const listeners = { signedIn: [], signedOut: [] };

export function onSignedIn(listener) { listeners.signedIn.push(listener); }
export function onSignedOut(listener) { listeners.signedOut.push(listener); }
export function claims() { return session ? session.claims : {}; }

export async function loadMetadata() {
  if (metadata) return metadata;
  try {
    const response = await fetch("/.well-known/oauth-authorization-server", { credentials: "omit", cache: "no-store" });
    if (response.ok) metadata = await response.json();
  } catch { /* fall back below */ }
  if (!metadata) metadata = { issuer: location.origin, token_endpoint: `${location.origin}/oauth/token` };
  return metadata;
}

async function readBody(response) {
  if (response.status === 204) return null;
  const type = response.headers.get("Content-Type") || "";
  let body = null;
  if (type.includes("json")) body = await response.json().catch(() => null);
  else {
    const text = await response.text();
    body = text ? { detail: text.slice(0, 300) } : null;
  }
  const retryAfter = response.headers.get("Retry-After");
  if (!response.ok && retryAfter && body && typeof body === "object") body.retry_after = retryAfter;
  return body;
}

/** RFC 6749 §2.3.1: id and secret are form-url-encoded before Basic encoding. */
function formEncode(value) {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

function decodeClaims(token) {
  try {
    const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const bytes = Uint8Array.from(atob(part.padEnd(part.length + ((4 - (part.length % 4)) % 4), "=")), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return {};
  }
}

/** The client id is the key's own middle part: no separate field to fill in. */
function clientIdOf(apiKey) {
  const match = KEY_SHAPE.exec(apiKey);
  return match ? match[1] : null;
}

/** Exchanges the key for a token (client_secret_basic). Resolves to the new session or throws a Problem. */
async function exchange(apiKey) {
  const clientId = clientIdOf(apiKey);
  if (!clientId) {
    throw new Problem(400, {
      title: "That is not a Keymint API key.",
      detail: "A key starts with kmk_ and is 59 letters, digits and underscores long. Paste the whole key.",
    });
  }
  const meta = await loadMetadata();
  // Same origin only: the token endpoint path of this server, whatever the issuer says.
  const tokenPath = new URL(meta.token_endpoint, location.origin).pathname;
  let response;
  try {
    response = await fetch(tokenPath, {
      method: "POST",
      headers: { Authorization: `Basic ${btoa(`${formEncode(clientId)}:${formEncode(apiKey)}`)}`, "Content-Type": "application/x-www-form-urlencoded" },
      body: "grant_type=client_credentials",
      credentials: "omit", cache: "no-store", referrerPolicy: "no-referrer",
    });
  } catch {
    throw unreachable();
  }
  const data = await readBody(response);
  if (!response.ok || !data || !data.access_token) throw new Problem(response.status, data);
  // A little before the server's end: the token was issued before its answer travelled here.
  const lifetime = Math.max(1, Number(data.expires_in) || 60) * 1000 * 0.98;
  return { token: data.access_token, expiresAt: Date.now() + lifetime, lifetime, claims: decodeClaims(data.access_token), clientId };
}

function startTicker() {
  clearInterval(ticker);
  ticker = setInterval(tick, 1000);
  tick();
}

function remaining() {
  return session ? session.expiresAt - Date.now() : 0;
}

function minutesAndSeconds(ms) {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

/** Keeps the header and the expiry banner up to date, once a second. */
function tick() {
  if (!session) return;
  const left = remaining();
  const until = new Date(session.expiresAt).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  $("session-info").textContent = `Organization ${session.claims.org ?? "?"} · key ${session.clientId} · session until ${until}`;
  const warnAt = Math.min(WARN_BEFORE_MS, session.lifetime / 2);
  const banner = $("session-warning");
  const state = left > warnAt ? "fresh" : left > 0 ? "ending" : "ended";
  if (state !== announced) {
    announced = state;
    $("session-announce").textContent = state === "fresh" ? ""
      : state === "ending" ? "Your session ends in less than two minutes. Use Sign in again to keep working."
        : "Your session has ended. Use Sign in again to continue.";
  }
  if (state === "fresh") {
    banner.hidden = true;
    return;
  }
  $("session-warning-text").textContent = state === "ending"
    ? `Your session ends in ${minutesAndSeconds(left)}. Sign in again to keep working; this page stays as it is.`
    : "Your session has ended. Sign in again to continue; this page stays as it is.";
  banner.hidden = false;
}

function forget(field) {
  const value = field.value.trim();
  field.value = "";            // the key is not kept anywhere, not even in the field
  return value;
}

/** The first sign-in, from the sign-in page. */
async function signIn(event) {
  event.preventDefault();
  const problem = $("signin-problem");
  clearProblem(problem);
  const apiKey = forget($("signin-api-key"));
  if (!apiKey) {
    showProblem(problem, new Problem(400, { title: "Paste your admin API key first." }));
    $("signin-api-key").focus();
    return;
  }
  try {
    session = await exchange(apiKey);
    $("session").hidden = false;
    $("signin").hidden = true;
    $("app").hidden = false;
    notice("");
    startTicker();
    for (const listener of listeners.signedIn) listener();
  } catch (error) {
    showProblem(problem, error);
    $("signin-api-key").focus();
  }
}

function signOut(message) {
  session = null;
  clearInterval(ticker);
  if (pendingRenewal) pendingRenewal.reject(new Problem(401, { title: "Signed out" }));
  pendingRenewal = null;
  for (const dialog of document.querySelectorAll("dialog")) if (dialog.open) dialog.close();
  $("session-warning").hidden = true;
  $("app").hidden = true;
  $("session").hidden = true;
  $("signin").hidden = false;
  for (const listener of listeners.signedOut) listener();
  notice(message || "Signed out.");
  $("signin-api-key").focus();
}

/** Opens the sign-in-again dialog; resolves once a new token is held. */
function renew(why) {
  if (!pendingRenewal) {
    let resolve, reject;
    const promise = new Promise((yes, no) => { resolve = yes; reject = no; });
    pendingRenewal = { promise, resolve, reject };
    clearProblem($("reauth-problem"));
    $("reauth-why").textContent = why || "Enter your admin API key to get a fresh session. Nothing on this page is lost.";
    $("reauth-dialog").showModal();
    $("reauth-api-key").focus();
  }
  return pendingRenewal.promise;
}

async function submitRenewal(event) {
  event.preventDefault();
  const problem = $("reauth-problem");
  clearProblem(problem);
  const apiKey = forget($("reauth-api-key"));
  try {
    const fresh = await exchange(apiKey);
    // Another organization's key: what this page shows belongs to the old one, so it reloads.
    const otherOrganization = session && fresh.claims.org !== session.claims.org;
    session = fresh;
    $("reauth-dialog").close();
    if (otherOrganization) for (const listener of listeners.signedIn) listener();
    $("session").hidden = false;
    startTicker();
    notice("Signed in again.");
    const waiting = pendingRenewal;
    pendingRenewal = null;
    if (waiting) waiting.resolve();
  } catch (error) {
    showProblem(problem, error);
    $("reauth-api-key").focus();
  }
}

function cancelRenewal() {
  if ($("reauth-dialog").open) $("reauth-dialog").close();
  const waiting = pendingRenewal;
  pendingRenewal = null;
  if (waiting) waiting.reject(new Problem(401, { title: "Your session has ended. Sign in again to continue." }));
}

/**
 * Calls the admin API with the in-memory token. An expired token, or a 401, asks for the key again
 * and then repeats the call once.
 */
export async function api(method, path, body) {
  if (!session) throw new Problem(401, {});
  if (remaining() <= 0) await renew("Your session has ended. Enter your admin API key to continue where you were.");
  let response = await send(method, path, body);
  if (response.status === 401) {
    await renew("The server no longer accepts your session. Enter your admin API key to continue where you were.");
    response = await send(method, path, body);
  }
  const data = await readBody(response);
  if (!response.ok) throw new Problem(response.status, data);
  return data;
}

async function send(method, path, body) {
  const headers = { Authorization: `Bearer ${session.token}`, Accept: "application/json, application/problem+json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  try {
    return await fetch(API + path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "omit", cache: "no-store", referrerPolicy: "no-referrer",
    });
  } catch {
    throw unreachable();
  }
}

export function wireSession() {
  $("signin-form").addEventListener("submit", signIn);
  $("sign-out").addEventListener("click", () => signOut("Signed out."));
  $("session-renew").addEventListener("click", () => renew().catch(() => {}));
  $("reauth-form").addEventListener("submit", submitRenewal);
  $("reauth-cancel").addEventListener("click", cancelRenewal);
  $("reauth-dialog").addEventListener("cancel", (event) => { event.preventDefault(); cancelRenewal(); });
  loadMetadata();
}
