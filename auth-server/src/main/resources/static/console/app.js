// Keymint console: views (keys, one key, usage, audit) behind the URL's fragment, so the browser's
// Back button and links work; the session lives in session.js, charts in usage.js.

import { $, el, cell, when, toLocalInput, fromLocalInput, lines, notice, confirmAction } from "./dom.js";
import { Problem, clearProblem, showProblem } from "./problems.js";
import { api, claims, loadMetadata, onSignedIn, onSignedOut, wireSession } from "./session.js";
import { copy, snippetBlocks } from "./snippets.js";
import { usagePanel } from "./usage.js";
import { wireReroll } from "./reroll.js";
import { loadAgents, wireAgents } from "./agents.js";

let current = null;      // the key shown on the key page
let editing = null;      // the key being edited (null: creating)
let keysCursor = null;
let auditCursor = null;

// ---------- views ----------

const VIEWS = ["keys", "key", "agents", "usage", "audit"];

/** #keys, #keys/<id>, #usage, #audit */
function route() {
  if ($("app").hidden) return;
  const [name, id] = (location.hash.replace(/^#/, "") || "keys").split("/");
  const view = name === "keys" && id ? "key" : VIEWS.includes(name) ? name : "keys";
  for (const tab of document.querySelectorAll(".tab")) {
    const on = tab.dataset.view === (view === "key" ? "keys" : view);
    if (on) tab.setAttribute("aria-current", "page");
    else tab.removeAttribute("aria-current");
  }
  for (const other of VIEWS) $(`view-${other}`).hidden = other !== view;
  if (view === "keys") loadKeys(false);
  if (view === "key") showKey(decodeURIComponent(id));
  if (view === "agents") loadAgents();
  if (view === "usage") showUsage();
  if (view === "audit") loadAudit(false);
  // Like a page load for a screen reader: the new view's heading is read, and Tab goes on from there.
  $(`view-${view}`).querySelector("h2").focus({ preventScroll: true });
  window.scrollTo(0, 0);
}

function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

function clearData() {
  current = null;
  for (const id of ["keys-rows", "audit-rows", "org-usage", "detail-fields", "detail-usage", "detail-snippets", "secret-body", "secret-snippets", "agents-rows"]) $(id).replaceChildren();
}

// ---------- keys ----------

async function loadKeys(more) {
  const problem = $("keys-problem");
  clearProblem(problem);
  if (!more) keysCursor = null;
  const filter = $("keys-filter").elements;
  const params = new URLSearchParams({ status: filter.status.value, limit: "50" });
  if (filter.name.value.trim()) params.set("name", filter.name.value.trim());
  if (more && keysCursor) params.set("cursor", keysCursor);
  try {
    const page = await api("GET", `/keys?${params}`);
    const rows = $("keys-rows");
    if (!more) rows.replaceChildren();
    for (const key of page.items || []) rows.append(keyRow(key));
    keysCursor = page.next_cursor || null;
    $("keys-more").hidden = !keysCursor;
    $("keys-empty").hidden = rows.children.length > 0;
  } catch (error) {
    showProblem(problem, error);
  }
}

function keyRow(key) {
  return el("tr", {},
    cell("Name", el("a", { href: `#keys/${encodeURIComponent(key.id)}`, text: key.name || key.id })),
    cell("Status", el("span", { class: `status status-${String(key.status).replace(/[^a-z]/g, "")}`, text: key.status })),
    cell("Client id", el("code", { text: key.client_id || key.id })),
    cell("Scopes", (key.scopes || []).join(" ")),
    cell("Expires", when(key.expires_at)),
    cell("Last used", when(key.last_used_at)));
}

async function showKey(id) {
  const problem = $("detail-problem");
  clearProblem(problem);
  if (!current || current.id !== id) {
    $("detail-title").textContent = "Loading…";
    for (const part of ["detail-fields", "detail-usage", "detail-snippets"]) $(part).replaceChildren();
  }
  try {
    current = await api("GET", `/keys/${encodeURIComponent(id)}`);
    renderKey(current);
    usagePanel($("detail-usage"), `/usage/keys/${encodeURIComponent(current.id)}`, "key", api);
  } catch (error) {
    $("detail-title").textContent = "Key";
    showProblem(problem, error);
  }
}

function budgetText(budget) {
  if (!budget) return "—";
  return budget.period === "none" ? `${budget.limit} in total` : `${budget.limit} per ${budget.period}`;
}

async function snippetContext(key) {
  const meta = await loadMetadata();
  const token = claims();
  return {
    issuer: meta.issuer, tokenEndpoint: meta.token_endpoint, clientId: key.client_id || key.id, scopes: key.scopes,
    audience: Array.isArray(token.aud) ? token.aud[0] : token.aud || "keymint", organization: token.org,
    audiences: key.audiences || [],
  };
}

async function renderKey(key) {
  $("detail-title").textContent = key.name;
  const quota = key.quota ? `${key.quota.limit} per ${key.quota.period}` : "—";
  const fields = [
    ["Status", key.status], ["Client id", key.client_id], ["Key", key.masked_key],
    ["Scopes", (key.scopes || []).join("\n")], ["Allowed CIDRs", (key.allowed_cidrs || []).join("\n") || "any"],
    ["Token requests per minute", key.rate_limit_per_minute ? String(key.rate_limit_per_minute) : "—"], ["Quota", quota],
    ["API requests per minute", key.api_requests_per_minute ? String(key.api_requests_per_minute) : "—"],
    ["Request budget", budgetText(key.request_budget)], ["Cost budget", budgetText(key.cost_budget)],
    ["Team", key.team || "—"], ["Owner", key.owner || "—"], ["Audiences", (key.audiences || []).join("\n") || "default"],
    ["Expires", when(key.expires_at)],
    ["Created", when(key.created_at)], ["Last used", when(key.last_used_at)],
  ];
  if (key.over_budget) fields.push(["Budget", key.over_budget_until ? `over budget until ${when(key.over_budget_until)}` : "over budget until raised"]);
  if (key.revoked_at) fields.push(["Revoked", when(key.revoked_at)]);
  if (key.previous_secret_expires_at) fields.push(["Old secret", new Date(key.previous_secret_expires_at) > new Date()
    ? `works until ${when(key.previous_secret_expires_at)}` : "replaced, no longer works"]);
  $("detail-fields").replaceChildren(...fields.flatMap(([name, value]) => [el("dt", { text: name }), el("dd", { text: value ?? "—" })]));
  const revoked = key.status === "revoked";
  $("detail-edit").hidden = revoked;
  $("detail-disable").hidden = revoked || key.status === "disabled";
  $("detail-enable").hidden = key.status !== "disabled";
  $("detail-revoke").hidden = revoked;
  $("detail-reroll").hidden = revoked;
  $("detail-snippets").replaceChildren(...snippetBlocks(await snippetContext(key)));
}

const DONE = { disable: "disabled", enable: "enabled", revoke: "revoked" };

async function keyAction(action) {
  const problem = $("detail-problem");
  clearProblem(problem);
  if (action === "revoke" && !await confirmAction(`Revoke "${current.name}"?`,
    "Revoking is permanent: the key gets no new tokens, and its tokens already issued are refused by resource servers within seconds.", "Revoke")) return;
  try {
    current = await api("POST", `/keys/${encodeURIComponent(current.id)}/${action}`);
    await renderKey(current);
    notice(`Key "${current.name}" ${DONE[action]}.`);
  } catch (error) {
    showProblem(problem, error);
  }
}

async function deleteKey(confirmed) {
  const problem = $("detail-problem");
  clearProblem(problem);
  if (!confirmed && !await confirmAction(`Delete "${current.name}"?`, "Deleting cannot be undone. The audit trail keeps a record of it.", "Delete")) return;
  try {
    await api("DELETE", `/keys/${encodeURIComponent(current.id)}` + (confirmed ? "?confirm=true" : ""));
    notice(`Key "${current.name}" deleted.`);
    current = null;
    go("#keys");
  } catch (error) {
    if (error instanceof Problem && error.status === 409 && error.body.last_used_at) {
      problem.append(
        el("p", { class: "title", text: "This key was used in the last 24 hours" }),
        el("p", { text: `Last used ${when(error.body.last_used_at)}. Deleting it breaks whoever still uses it.` }),
        el("button", { type: "button", class: "danger", text: "Delete anyway", onclick: () => deleteKey(true) }));
    } else {
      showProblem(problem, error);
    }
  }
}

// ---------- usage ----------

/** The organization's usage, or one key's: the keys to choose from are the first 200 (newest first). */
async function showUsage() {
  const select = $("usage-key");
  const draw = () => usagePanel($("org-usage"), select.value ? `/usage/keys/${encodeURIComponent(select.value)}` : "/usage", "org", api);
  select.onchange = draw;
  draw();
  try {
    const page = await api("GET", "/keys?status=all&limit=200");
    const chosen = select.value;
    select.replaceChildren(el("option", { value: "", text: "the whole organization" }),
      ...(page.items || []).map((key) => el("option", { value: key.id, text: `${key.name} (${key.status})` })));
    select.value = chosen;
  } catch {
    // The organization's chart works without the list; its own errors show in the panel.
  }
}

// ---------- create / edit ----------

function openKeyForm(key) {
  editing = key;
  const form = $("key-form");
  form.reset();
  clearProblem($("key-form-problem"));
  $("key-form-warnings").replaceChildren();
  $("key-dialog-title").textContent = key ? `Edit "${key.name}"` : "New key";
  $("key-form-submit").textContent = key ? "Save" : "Create";
  if (key) {
    const f = form.elements;
    f.name.value = key.name || "";
    f.scopes.value = (key.scopes || []).join("\n");
    f.expires_at.value = toLocalInput(key.expires_at);
    f.allowed_cidrs.value = (key.allowed_cidrs || []).join("\n");
    f.rate_limit_per_minute.value = key.rate_limit_per_minute ?? "";
    f.quota.value = key.quota ? key.quota.limit : "";
    f.quota_period.value = key.quota ? key.quota.period : "day";
    f.api_requests_per_minute.value = key.api_requests_per_minute ?? "";
    f.request_budget.value = key.request_budget ? key.request_budget.limit : "";
    f.request_budget_period.value = key.request_budget ? key.request_budget.period : "day";
    f.cost_budget.value = key.cost_budget ? key.cost_budget.limit : "";
    f.cost_budget_period.value = key.cost_budget ? key.cost_budget.period : "day";
    f.team.value = key.team || "";
    f.owner.value = key.owner || "";
  }
  $("key-dialog").showModal();
  form.elements.name.focus();
}

function formValues() {
  const f = $("key-form").elements;
  const number = (value) => (value.trim() === "" ? null : Number(value));
  const cidrs = lines(f.allowed_cidrs.value);
  const quotaLimit = number(f.quota.value);
  const budget = (limit, period) => (number(limit) === null ? null : { limit: number(limit), period });
  return {
    name: f.name.value.trim(),
    scopes: lines(f.scopes.value),
    expires_at: fromLocalInput(f.expires_at.value),
    allowed_cidrs: cidrs.length ? cidrs : null,
    rate_limit_per_minute: number(f.rate_limit_per_minute.value),
    quota: quotaLimit === null ? null : { limit: quotaLimit, period: f.quota_period.value },
    api_requests_per_minute: number(f.api_requests_per_minute.value),
    request_budget: budget(f.request_budget.value, f.request_budget_period.value),
    cost_budget: budget(f.cost_budget.value, f.cost_budget_period.value),
    team: f.team.value.trim() || null,
    owner: f.owner.value.trim() || null,
  };
}

/** For PATCH: only what changed; null clears an optional field. */
function changes(before, after) {
  const patch = {};
  const same = (a, b) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  for (const [name, value] of Object.entries(after)) {
    if (name === "expires_at") {
      // The field has minute precision: unchanged text means an unchanged expiry.
      if (toLocalInput(before.expires_at) !== $("f-expires").value) patch.expires_at = value;
    } else if (!same(before[name], value)) {
      patch[name] = value;
    }
  }
  return patch;
}

async function submitKeyForm(event) {
  event.preventDefault();
  const problem = $("key-form-problem");
  clearProblem(problem);
  $("key-form-warnings").replaceChildren();
  const values = formValues();
  try {
    if (editing) {
      const patch = changes(editing, values);
      if (Object.keys(patch).length === 0) { $("key-dialog").close(); return; }
      const preview = await api("PATCH", `/keys/${encodeURIComponent(editing.id)}?dry_run=true`, patch);
      if (preview.warnings.length) showEditWarnings(preview.warnings, () => saveEdit(patch));
      else await saveEdit(patch);
    } else {
      const body = Object.fromEntries(Object.entries(values).filter(([, value]) => value !== null));
      const created = await api("POST", "/keys", body);
      $("key-dialog").close();
      $("key-form").reset();
      await showSecret(created);
    }
  } catch (error) {
    showProblem(problem, error);
  }
}

/** Saves an edit (after its dry run) and shows the key. */
async function saveEdit(patch) {
  try {
    current = await api("PATCH", `/keys/${encodeURIComponent(editing.id)}`, patch);
    $("key-dialog").close();
    await renderKey(current);
    notice(`Key "${current.name}" saved.`);
  } catch (error) {
    showProblem($("key-form-problem"), error);
  }
}

/** What the edit would take from the key's recent callers, and a way to save it anyway; any change to the form asks again. */
function showEditWarnings(warnings, save) {
  const box = $("key-form-warnings");
  const sentence = (text) => text.charAt(0).toUpperCase() + text.slice(1) + ".";
  box.replaceChildren(
    el("p", { class: "title", text: "This change breaks calls that worked in the last 24 hours" }),
    el("ul", {}, ...warnings.map((warning) => el("li", { text: sentence(warning.message) }))),
    el("button", { type: "button", class: "danger", id: "key-form-save-anyway", text: "Save anyway", onclick: save }));
  box.scrollIntoView({ block: "nearest" });
}
$("key-form").addEventListener("input", () => $("key-form-warnings").replaceChildren());

// ---------- the secret, once ----------

async function showSecret(created) {
  const body = $("secret-body");
  const secret = el("input", { id: "secret-value", readonly: "", autocomplete: "off", spellcheck: "false", class: "secret" });
  secret.value = created.api_key;
  const copyButton = el("button", { type: "button", class: "primary" }, "Copy");
  copyButton.addEventListener("click", () => copy(secret.value, copyButton, secret));
  body.replaceChildren(
    el("p", {}, "Key ", el("strong", { text: created.name }), " · client id ", el("code", { text: created.client_id || created.id })),
    el("label", { for: "secret-value", text: "API key" }),
    el("div", { class: "copyrow" }, secret, copyButton));
  $("secret-snippets").replaceChildren(...snippetBlocks(await snippetContext(created)));
  $("secret-ack").checked = false;
  $("secret-close").disabled = true;
  $("secret-dialog").dataset.keyId = created.id;
  $("secret-dialog").dataset.done = created.previous_secret_expires_at ? "Secret rolled" : "Key created";
  $("secret-dialog").showModal();
  secret.focus();
  secret.select();
}

function closeSecret() {
  if (!$("secret-ack").checked) return;
  const field = $("secret-value");
  if (field) field.value = "";
  $("secret-body").replaceChildren();   // the secret leaves the DOM
  $("secret-snippets").replaceChildren();
  $("secret-ack").checked = false;
  $("secret-close").disabled = true;
  $("secret-dialog").close();
  notice(`${$("secret-dialog").dataset.done}. Its secret is no longer shown anywhere.`);
  go(`#keys/${encodeURIComponent($("secret-dialog").dataset.keyId)}`);
}

// ---------- audit ----------

const AUDIT_WORDS = {
  "key.create": "created", "key.update": "edited", "key.disable": "disabled", "key.enable": "enabled",
  "key.revoke": "revoked", "key.delete": "deleted", "key.reroll": "rerolled",
  "agent.create": "agent created", "agent.update": "agent edited", "agent.delete": "agent deleted",
};

async function loadAudit(more) {
  const problem = $("audit-problem");
  clearProblem(problem);
  if (!more) auditCursor = null;
  const params = new URLSearchParams({ limit: "50" });
  if (more && auditCursor) params.set("cursor", auditCursor);
  try {
    const page = await api("GET", `/audit?${params}`);
    const rows = $("audit-rows");
    if (!more) rows.replaceChildren();
    for (const item of page.items || []) {
      const change = el("details", {},
        el("summary", { text: "before / after" }),
        el("pre", { text: JSON.stringify({ before: item.before, after: item.after }, null, 2) }));
      const name = (item.after && item.after.name) || (item.before && item.before.name) || "";
      rows.append(el("tr", {},
        cell("When", when(item.at)),
        cell("Action", AUDIT_WORDS[item.action] || item.action),
        cell("Key", name ? `${name} ` : "", el("code", { text: item.target ?? "" })),
        cell("By key", el("code", { text: item.actor_key_id ?? "" })),
        cell("From", item.client_address ?? ""), cell("Change", change)));
    }
    auditCursor = page.next_cursor || null;
    $("audit-more").hidden = !auditCursor;
    $("audit-empty").hidden = rows.children.length > 0;
  } catch (error) {
    showProblem(problem, error);
  }
}

// ---------- wiring ----------

wireSession();
onSignedIn(() => { clearData(); route(); });
onSignedOut(clearData);
window.addEventListener("hashchange", route);
// A notice is about the last action: following a link to another page dismisses it.
document.addEventListener("click", (event) => { if (event.target.closest("a[href^='#']")) notice(""); });
// The fragment names views, so the skip link moves the focus instead of navigating.
document.querySelector(".skip").addEventListener("click", (event) => { event.preventDefault(); $("main").focus(); });
$("keys-filter").addEventListener("submit", (event) => { event.preventDefault(); loadKeys(false); });
$("filter-status").addEventListener("change", () => loadKeys(false));
$("keys-more").addEventListener("click", () => loadKeys(true));
$("new-key").addEventListener("click", () => openKeyForm(null));
$("detail-edit").addEventListener("click", () => openKeyForm(current));
$("detail-disable").addEventListener("click", () => keyAction("disable"));
$("detail-enable").addEventListener("click", () => keyAction("enable"));
$("detail-revoke").addEventListener("click", () => keyAction("revoke"));
$("detail-delete").addEventListener("click", () => deleteKey(false));
wireReroll(() => current, (rerolled) => { current = rerolled; return showSecret(rerolled); });
$("key-form").addEventListener("submit", submitKeyForm);
$("key-form-cancel").addEventListener("click", () => $("key-dialog").close());
$("audit-more").addEventListener("click", () => loadAudit(true));
wireAgents(showSecret);
$("secret-ack").addEventListener("change", () => { $("secret-close").disabled = !$("secret-ack").checked; });
$("secret-close").addEventListener("click", closeSecret);
// Escape must not dismiss the secret before it was acknowledged.
$("secret-dialog").addEventListener("cancel", (event) => { event.preventDefault(); closeSecret(); });
