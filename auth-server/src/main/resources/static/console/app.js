// Keymint console. Plain ES module, no dependencies.
// Rules: the access token lives only in the variable `session` (never in storage or cookies);
// API data is only ever put into the page as text (textContent / value), never parsed as HTML.

const API = "/admin/v1";
const $ = (id) => document.getElementById(id);

let session = null;      // { token, expiresAt, claims }
let expiryTimer = null;
let metadata = null;     // /.well-known/oauth-authorization-server
let current = null;      // the key shown in the detail panel
let editing = null;      // the key being edited (null: creating)
let keysCursor = null;
let auditCursor = null;

// ---------- DOM helpers (text only) ----------

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value);
  }
  for (const child of children) {
    if (child == null) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function when(iso) {
  if (!iso) return "—";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : date.toLocaleString();
}

function toLocalInput(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function fromLocalInput(value) {
  return value ? new Date(value).toISOString() : null;
}

function lines(text) {
  return text.split("\n").map((line) => line.trim()).filter((line) => line.length > 0);
}

function notice(message) {
  $("notice").textContent = message || "";
}

// ---------- problems ----------

class Problem extends Error {
  constructor(status, body) {
    super((body && (body.detail || body.title || body.error_description || body.error)) || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
  }
}

function clearProblem(container) {
  container.replaceChildren();
  const form = container.closest("form");
  if (form) form.querySelectorAll("[aria-invalid]").forEach((field) => field.removeAttribute("aria-invalid"));
}

/** Shows a problem+json (or OAuth error) as text next to the form; marks the fields it names. */
function showProblem(container, error) {
  clearProblem(container);
  if (!(error instanceof Problem)) {
    container.append(el("p", { class: "title", text: "Something went wrong" }), el("p", { text: String(error.message || error) }));
    return;
  }
  const body = error.body;
  container.append(el("p", { class: "title", text: body.title || body.error || `HTTP ${error.status}` }));
  const detail = body.detail || body.error_description;
  if (detail) container.append(el("p", { text: detail }));
  if (Array.isArray(body.errors) && body.errors.length) {
    const list = el("ul");
    const form = container.closest("form");
    for (const item of body.errors) {
      list.append(el("li", {}, el("code", { text: String(item.field ?? "") }), ": ", String(item.message ?? "")));
      const name = String(item.field ?? "").split(/[.[]/)[0];
      const field = form && name ? form.elements.namedItem(name) : null;
      if (field && field.setAttribute) field.setAttribute("aria-invalid", "true");
    }
    container.append(list);
  }
  if (Array.isArray(body.scopes_not_held) && body.scopes_not_held.length) {
    container.append(el("p", { text: "Scopes you do not hold: " + body.scopes_not_held.join(", ") }));
  }
}

// ---------- HTTP ----------

async function readBody(response) {
  const type = response.headers.get("Content-Type") || "";
  if (response.status === 204) return null;
  if (type.includes("json")) return response.json();
  const text = await response.text();
  return text ? { detail: text.slice(0, 300) } : null;
}

/** Calls the admin API with the in-memory token. A 401 ends the session. */
async function api(method, path, body) {
  if (!session || Date.now() >= session.expiresAt) {
    signOut("Your session expired. Sign in again.");
    throw new Problem(401, { title: "Signed out", detail: "Your session expired. Sign in again." });
  }
  const headers = { Authorization: `Bearer ${session.token}`, Accept: "application/json, application/problem+json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(API + path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "omit", cache: "no-store", referrerPolicy: "no-referrer",
  });
  const data = await readBody(response);
  if (response.status === 401) {
    signOut("The server no longer accepts your session. Sign in again.");
    throw new Problem(401, data);
  }
  if (!response.ok) throw new Problem(response.status, data);
  return data;
}

function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== "") search.set(name, value);
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

// ---------- sign in / out ----------

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

async function loadMetadata() {
  if (metadata) return metadata;
  try {
    const response = await fetch("/.well-known/oauth-authorization-server", { credentials: "omit", cache: "no-store" });
    if (response.ok) metadata = await response.json();
  } catch { /* fall back below */ }
  if (!metadata) metadata = { issuer: location.origin, token_endpoint: `${location.origin}/oauth/token` };
  return metadata;
}

async function signIn(event) {
  event.preventDefault();
  const problem = $("signin-problem");
  clearProblem(problem);
  const idField = $("signin-client-id");
  const keyField = $("signin-api-key");
  const clientId = idField.value.trim();
  let apiKey = keyField.value.trim();
  keyField.value = "";            // the key is not kept anywhere, not even in the field
  if (!clientId || !apiKey) {
    showProblem(problem, new Problem(400, { title: "Missing input", detail: "Enter the client id and the admin API key." }));
    return;
  }
  const basic = btoa(`${formEncode(clientId)}:${formEncode(apiKey)}`);
  apiKey = null;
  try {
    const meta = await loadMetadata();
    // Same origin only: the token endpoint path of this server, whatever the issuer says.
    const tokenPath = new URL(meta.token_endpoint, location.origin).pathname;
    const response = await fetch(tokenPath, {
      method: "POST",
      headers: { Authorization: `Basic ${basic}`, "Content-Type": "application/x-www-form-urlencoded" },
      body: "grant_type=client_credentials",
      credentials: "omit", cache: "no-store", referrerPolicy: "no-referrer",
    });
    const data = await readBody(response);
    if (!response.ok || !data || !data.access_token) throw new Problem(response.status, data);
    const lifetime = Math.max(1, Number(data.expires_in) || 60) * 1000;
    session = { token: data.access_token, expiresAt: Date.now() + lifetime - 5000, claims: decodeClaims(data.access_token) };
    clearTimeout(expiryTimer);
    expiryTimer = setTimeout(() => signOut("Your session expired. Sign in again."), lifetime - 5000);
    $("session-info").textContent = `Organization ${session.claims.org ?? "?"} · key ${clientId} · until ${new Date(session.expiresAt).toLocaleTimeString()}`;
    $("session").hidden = false;
    $("signin").hidden = true;
    $("app").hidden = false;
    notice("");
    showView("keys");
  } catch (error) {
    showProblem(problem, error);
  }
}

function signOut(message) {
  session = null;
  clearTimeout(expiryTimer);
  current = null;
  for (const dialog of [$("key-dialog"), $("secret-dialog")]) if (dialog.open) dialog.close();
  $("secret-body").replaceChildren();
  $("keys-rows").replaceChildren();
  $("audit-rows").replaceChildren();
  $("usage-result").replaceChildren();
  $("detail-fields").replaceChildren();
  $("detail-usage").replaceChildren();
  $("key-detail").hidden = true;
  $("app").hidden = true;
  $("session").hidden = true;
  $("signin").hidden = false;
  notice(message || "Signed out.");
  $("signin-client-id").focus();
}

// ---------- views ----------

function showView(name) {
  for (const tab of document.querySelectorAll(".tab")) {
    if (tab.dataset.view === name) tab.setAttribute("aria-current", "page");
    else tab.removeAttribute("aria-current");
  }
  for (const view of ["keys", "usage", "audit"]) $(`view-${view}`).hidden = view !== name;
  if (name === "keys") loadKeys(false);
  if (name === "usage") loadUsage();
  if (name === "audit") loadAudit(false);
}

// ---------- keys ----------

async function loadKeys(more) {
  const problem = $("keys-problem");
  clearProblem(problem);
  if (!more) keysCursor = null;
  const filter = $("keys-filter");
  try {
    const page = await api("GET", "/keys" + query({
      status: filter.elements.status.value, name: filter.elements.name.value.trim(), limit: 50, cursor: more ? keysCursor : null,
    }));
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
  const open = el("button", { type: "button", class: "link", text: key.name || key.id, onclick: () => showKey(key.id) });
  return el("tr", {},
    el("td", {}, open),
    el("td", {}, el("span", { class: `status status-${String(key.status).replace(/[^a-z]/g, "")}`, text: key.status })),
    el("td", {}, el("code", { text: key.client_id || key.id })),
    el("td", { text: (key.scopes || []).join(" ") }),
    el("td", { text: when(key.expires_at) }),
    el("td", { text: when(key.last_used_at) }));
}

async function showKey(id) {
  const problem = $("detail-problem");
  clearProblem(problem);
  try {
    current = await api("GET", `/keys/${encodeURIComponent(id)}`);
    renderKey(current);
    $("key-detail").hidden = false;
    $("key-detail").scrollIntoView({ block: "nearest" });
    loadKeyUsage(current.id);
  } catch (error) {
    showProblem($("keys-problem"), error);
  }
}

function budgetText(budget) {
  if (!budget) return "—";
  return budget.period === "none" ? `${budget.limit} in total` : `${budget.limit} per ${budget.period}`;
}

function renderKey(key) {
  $("detail-title").textContent = key.name;
  const quota = key.quota ? `${key.quota.limit} per ${key.quota.period}` : "—";
  const fields = [
    ["Id", key.id], ["Client id", key.client_id], ["Key", key.masked_key], ["Status", key.status],
    ["Scopes", (key.scopes || []).join("\n")], ["Allowed CIDRs", (key.allowed_cidrs || []).join("\n") || "any"],
    ["Token requests per minute", key.rate_limit_per_minute ? String(key.rate_limit_per_minute) : "—"], ["Quota", quota],
    ["API requests per minute", key.api_requests_per_minute ? String(key.api_requests_per_minute) : "—"],
    ["Request budget", budgetText(key.request_budget)], ["Cost budget", budgetText(key.cost_budget)],
    ["Team", key.team || "—"], ["Owner", key.owner || "—"], ["Expires", when(key.expires_at)],
    ["Created", when(key.created_at)], ["Last used", when(key.last_used_at)],
  ];
  if (key.over_budget) fields.push(["Budget", key.over_budget_until ? `over budget until ${when(key.over_budget_until)}` : "over budget until raised"]);
  if (key.revoked_at) fields.push(["Revoked", when(key.revoked_at)]);
  $("detail-fields").replaceChildren(...fields.flatMap(([name, value]) => [el("dt", { text: name }), el("dd", { text: value ?? "—" })]));
  const revoked = key.status === "revoked";
  $("detail-edit").hidden = revoked;
  $("detail-disable").hidden = revoked || key.status === "disabled";
  $("detail-enable").hidden = key.status !== "disabled";
  $("detail-revoke").hidden = revoked;
}

async function keyAction(action) {
  const problem = $("detail-problem");
  clearProblem(problem);
  if (action === "revoke" && !window.confirm(`Revoke "${current.name}" permanently? Callers using it get no new tokens.`)) return;
  try {
    current = await api("POST", `/keys/${encodeURIComponent(current.id)}/${action}`);
    renderKey(current);
    notice(`Key ${action}d.`);
    loadKeys(false);
  } catch (error) {
    showProblem(problem, error);
  }
}

async function deleteKey(confirmed) {
  const problem = $("detail-problem");
  clearProblem(problem);
  if (!confirmed && !window.confirm(`Delete "${current.name}"? This cannot be undone.`)) return;
  try {
    await api("DELETE", `/keys/${encodeURIComponent(current.id)}` + (confirmed ? "?confirm=true" : ""));
    notice(`Key "${current.name}" deleted.`);
    current = null;
    $("key-detail").hidden = true;
    loadKeys(false);
  } catch (error) {
    if (error instanceof Problem && error.status === 409 && error.body.last_used_at) {
      problem.append(
        el("p", { class: "title", text: "This key was used recently" }),
        el("p", { text: `Last used ${when(error.body.last_used_at)}. Deleting it breaks whoever still uses it.` }),
        el("button", { type: "button", class: "danger", text: "Delete anyway", onclick: () => deleteKey(true) }));
    } else {
      showProblem(problem, error);
    }
  }
}

// ---------- create / edit ----------

function openKeyForm(key) {
  editing = key;
  const form = $("key-form");
  form.reset();
  clearProblem($("key-form-problem"));
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
  const values = formValues();
  try {
    if (editing) {
      const patch = changes(editing, values);
      if (Object.keys(patch).length === 0) { $("key-dialog").close(); return; }
      current = await api("PATCH", `/keys/${encodeURIComponent(editing.id)}`, patch);
      $("key-dialog").close();
      renderKey(current);
      notice("Key saved.");
    } else {
      const body = Object.fromEntries(Object.entries(values).filter(([, value]) => value !== null));
      const created = await api("POST", "/keys", body);
      $("key-dialog").close();
      $("key-form").reset();
      await showSecret(created);
      current = created;
      renderKey(created);
      $("key-detail").hidden = false;
    }
    loadKeys(false);
  } catch (error) {
    showProblem(problem, error);
  }
}

// ---------- the secret, once ----------

function shellQuote(value) {
  return `'${String(value).replace(/'/g, `'\\''`)}'`;
}

function snippets(meta, clientId) {
  const tokenUri = meta.token_endpoint;
  const q = JSON.stringify;   // a JSON string is a valid YAML, Python and JavaScript string literal
  return [
    ["curl", [
      `export KEYMINT_CLIENT_ID=${shellQuote(clientId)}`,
      `read -rs KEYMINT_API_KEY && export KEYMINT_API_KEY   # paste the key, then Enter`,
      `curl -s -u "$KEYMINT_CLIENT_ID:$KEYMINT_API_KEY" -d grant_type=client_credentials \\`,
      `  ${shellQuote(tokenUri)}`,
    ].join("\n")],
    ["Spring (application.yml, spring-security-oauth2-client)", [
      `spring:`,
      `  security:`,
      `    oauth2:`,
      `      client:`,
      `        registration:`,
      `          keymint:`,
      `            provider: keymint`,
      `            client-id: ${q(clientId)}`,
      `            client-secret: \${KEYMINT_API_KEY}`,
      `            client-authentication-method: client_secret_basic`,
      `            authorization-grant-type: client_credentials`,
      `        provider:`,
      `          keymint:`,
      `            token-uri: ${q(tokenUri)}`,
      `# Then e.g. RestClient.builder().requestInterceptor(new OAuth2ClientHttpRequestInterceptor(authorizedClientManager))`,
      `# with ClientAttributes.clientRegistrationId("keymint") on each request.`,
    ].join("\n")],
    ["Python (requests)", [
      `import os, requests`,
      ``,
      `response = requests.post(`,
      `    ${q(tokenUri)},`,
      `    auth=(${q(clientId)}, os.environ["KEYMINT_API_KEY"]),`,
      `    data={"grant_type": "client_credentials"},`,
      `    timeout=10,`,
      `)`,
      `response.raise_for_status()`,
      `access_token = response.json()["access_token"]  # valid for response.json()["expires_in"] seconds`,
    ].join("\n")],
    ["Node (fetch, Node 18+)", [
      `const basic = Buffer.from(\`\${encodeURIComponent(${q(clientId)})}:\${encodeURIComponent(process.env.KEYMINT_API_KEY)}\`).toString("base64");`,
      `const response = await fetch(${q(tokenUri)}, {`,
      `  method: "POST",`,
      `  headers: { Authorization: \`Basic \${basic}\`, "Content-Type": "application/x-www-form-urlencoded" },`,
      `  body: new URLSearchParams({ grant_type: "client_credentials" }),`,
      `});`,
      `if (!response.ok) throw new Error(\`token request failed: \${response.status}\`);`,
      `const { access_token, expires_in } = await response.json();`,
    ].join("\n")],
  ];
}

async function copy(text, button, fallbackField) {
  try {
    if (!navigator.clipboard) throw new Error("no clipboard");
    await navigator.clipboard.writeText(text);
    button.textContent = "Copied";
  } catch {
    if (fallbackField) { fallbackField.focus(); fallbackField.select(); }
    button.textContent = "Press Ctrl+C / ⌘C";
  }
  setTimeout(() => { button.textContent = "Copy"; }, 2500);
}

async function showSecret(created) {
  const meta = await loadMetadata();
  const body = $("secret-body");
  const secret = el("input", { id: "secret-value", readonly: "", autocomplete: "off", spellcheck: "false", class: "secret" });
  secret.value = created.api_key;
  const copyButton = el("button", { type: "button", class: "primary" }, "Copy");
  copyButton.addEventListener("click", () => copy(secret.value, copyButton, secret));
  body.replaceChildren(
    el("p", {}, "Key ", el("strong", { text: created.name }), " · client id ", el("code", { text: created.client_id || created.id })),
    el("label", { for: "secret-value", text: "API key" }),
    el("div", { class: "copyrow" }, secret, copyButton),
    el("h3", { text: "Use it" }),
    el("p", { class: "hint", text: "The snippets read the key from the KEYMINT_API_KEY environment variable; keep it out of source code." }),
    ...snippets(meta, created.client_id || created.id).map(([title, code]) => {
      const pre = el("pre", { tabindex: "0" }, el("code", { text: code }));
      const button = el("button", { type: "button", class: "small" }, "Copy");
      button.addEventListener("click", () => copy(code, button, null));
      return el("section", { class: "snippet" }, el("div", { class: "snippet-head" }, el("h4", { text: title }), button), pre);
    }));
  $("secret-ack").checked = false;
  $("secret-close").disabled = true;
  $("secret-dialog").showModal();
  secret.focus();
  secret.select();
}

function closeSecret() {
  if (!$("secret-ack").checked) return;
  const field = $("secret-value");
  if (field) field.value = "";
  $("secret-body").replaceChildren();   // the secret leaves the DOM
  $("secret-ack").checked = false;
  $("secret-close").disabled = true;
  $("secret-dialog").close();
  notice("Key created. Its secret is no longer shown anywhere.");
}

// ---------- usage ----------

const OUTCOMES = ["issued", "wrong_secret", "disabled", "revoked", "expired", "cidr", "rate_limited", "quota_exceeded", "invalid_scope"];

function renderUsage(container, usage) {
  const totals = usage.totals || {};
  const names = [...new Set([...OUTCOMES, ...Object.keys(totals)])];
  const totalTable = el("table", { class: "totals" },
    el("caption", { text: `${when(usage.from)} – ${when(usage.to)}` }),
    el("thead", {}, el("tr", {}, el("th", { text: "Token request outcome" }), el("th", { text: "Requests" }))),
    el("tbody", {}, ...names.map((name) => el("tr", {}, el("td", { text: name }), el("td", { class: "num", text: String(totals[name] ?? 0) })))));
  const api = usage.api_totals || {};
  const apiTable = el("table", { class: "totals" },
    el("caption", { text: "API requests reported by resource servers" }),
    el("thead", {}, el("tr", {}, el("th", { text: "Outcome" }), el("th", { text: "Requests" }))),
    el("tbody", {}, ...["allowed", "refused_scope", "refused_rate", "cost"].map((name) =>
      el("tr", {}, el("td", { text: name === "cost" ? "cost (units)" : name }), el("td", { class: "num", text: String(api[name] ?? 0) })))));
  const hours = usage.hours || [];
  const sum = (counts) => Object.values(counts || {}).reduce((a, b) => a + Number(b || 0), 0);
  const apiRequests = (hour) => hour.api_requests || {};
  const apiRefused = (hour) => Number(apiRequests(hour).refused_scope || 0) + Number(apiRequests(hour).refused_rate || 0);
  const max = Math.max(1, ...hours.map((hour) => sum(hour.counts)));
  const apiMax = Math.max(1, ...hours.map((hour) => Number(apiRequests(hour).allowed || 0) + apiRefused(hour)));
  const bars = (good, badCount, scale) => {
    const ok = el("span", { class: "bar ok" });
    const bad = el("span", { class: "bar bad" });
    ok.style.width = `${(good / scale) * 50}%`;      // CSSOM, allowed by the CSP (no inline style attribute)
    bad.style.width = `${(badCount / scale) * 50}%`;
    return el("td", { class: "bars", "aria-hidden": "true" }, ok, bad);
  };
  const chart = el("table", { class: "chart" },
    el("caption", { text: "Per hour: token requests (issued / rejected) and API requests (allowed / refused), side by side" }),
    el("thead", {}, el("tr", {}, el("th", { text: "Hour" }), el("th", { text: "Tokens issued" }), el("th", { text: "Token rejected" }), el("th", { text: "" }),
      el("th", { text: "API allowed" }), el("th", { text: "API refused" }), el("th", { text: "" }))),
    el("tbody", {}, ...hours.map((hour) => {
      const issued = Number((hour.counts || {}).issued || 0);
      const rejected = sum(hour.counts) - issued;
      const allowed = Number(apiRequests(hour).allowed || 0);
      return el("tr", {}, el("td", { text: when(hour.hour) }), el("td", { class: "num", text: String(issued) }),
        el("td", { class: "num", text: String(rejected) }), bars(issued, rejected, max),
        el("td", { class: "num", text: String(allowed) }), el("td", { class: "num", text: String(apiRefused(hour)) }),
        bars(allowed, apiRefused(hour), apiMax));
    })));
  container.replaceChildren(totalTable, apiTable, hours.length ? chart : el("p", { class: "hint", text: "No requests in this range." }));
}

async function loadUsage(event) {
  if (event) event.preventDefault();
  const problem = $("usage-problem");
  clearProblem(problem);
  const form = $("usage-form").elements;
  try {
    const usage = await api("GET", "/usage" + query({ from: fromLocalInput(form.from.value), to: fromLocalInput(form.to.value) }));
    renderUsage($("usage-result"), usage);
  } catch (error) {
    showProblem(problem, error);
  }
}

async function loadKeyUsage(id) {
  const container = $("detail-usage");
  container.replaceChildren(el("p", { class: "hint", text: "Loading…" }));
  try {
    renderUsage(container, await api("GET", `/usage/keys/${encodeURIComponent(id)}`));
  } catch (error) {
    const box = el("div", { class: "problem" });
    showProblem(box, error);
    container.replaceChildren(box);
  }
}

// ---------- audit ----------

async function loadAudit(more) {
  const problem = $("audit-problem");
  clearProblem(problem);
  if (!more) auditCursor = null;
  try {
    const page = await api("GET", "/audit" + query({ limit: 50, cursor: more ? auditCursor : null }));
    const rows = $("audit-rows");
    if (!more) rows.replaceChildren();
    for (const item of page.items || []) {
      const change = el("details", {},
        el("summary", { text: "before / after" }),
        el("pre", { text: JSON.stringify({ before: item.before, after: item.after }, null, 2) }));
      rows.append(el("tr", {},
        el("td", { text: when(item.at) }), el("td", {}, el("code", { text: item.action })),
        el("td", {}, el("code", { text: item.target ?? "" })), el("td", {}, el("code", { text: item.actor_key_id ?? "" })),
        el("td", { text: item.client_address ?? "" }), el("td", {}, change)));
    }
    auditCursor = page.next_cursor || null;
    $("audit-more").hidden = !auditCursor;
    $("audit-empty").hidden = rows.children.length > 0;
  } catch (error) {
    showProblem(problem, error);
  }
}

// ---------- wiring ----------

$("signin-form").addEventListener("submit", signIn);
$("sign-out").addEventListener("click", () => signOut("Signed out."));
for (const tab of document.querySelectorAll(".tab")) tab.addEventListener("click", () => showView(tab.dataset.view));
$("keys-filter").addEventListener("submit", (event) => { event.preventDefault(); loadKeys(false); });
$("filter-status").addEventListener("change", () => loadKeys(false));
$("keys-more").addEventListener("click", () => loadKeys(true));
$("new-key").addEventListener("click", () => openKeyForm(null));
$("detail-edit").addEventListener("click", () => openKeyForm(current));
$("detail-disable").addEventListener("click", () => keyAction("disable"));
$("detail-enable").addEventListener("click", () => keyAction("enable"));
$("detail-revoke").addEventListener("click", () => keyAction("revoke"));
$("detail-delete").addEventListener("click", () => deleteKey(false));
$("detail-close").addEventListener("click", () => { $("key-detail").hidden = true; current = null; });
$("key-form").addEventListener("submit", submitKeyForm);
$("key-form-cancel").addEventListener("click", () => $("key-dialog").close());
$("usage-form").addEventListener("submit", loadUsage);
$("audit-more").addEventListener("click", () => loadAudit(true));
$("secret-ack").addEventListener("change", () => { $("secret-close").disabled = !$("secret-ack").checked; });
$("secret-close").addEventListener("click", closeSecret);
// Escape must not dismiss the secret before it was acknowledged.
$("secret-dialog").addEventListener("cancel", (event) => { event.preventDefault(); closeSecret(); });
loadMetadata();
