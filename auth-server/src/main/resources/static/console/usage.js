// Usage over time: token exchanges at Keymint and API requests that resource servers reported,
// for the organization or one key, drawn with Chart.js (loaded from its WebJar by index.html).
// Every chart has the same numbers as a table beside it, for screen readers and for copying.

import { el, cell, when, fromLocalInput } from "./dom.js";
import { clearProblem, showProblem } from "./problems.js";

const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;
const RANGES = [["24h", "Last 24 hours", DAY], ["7d", "Last 7 days", 7 * DAY], ["30d", "Last 30 days", 30 * DAY],
  ["90d", "Last 90 days", 90 * DAY], ["custom", "Custom…", null]];
const TOKEN_OUTCOMES = ["issued", "wrong_secret", "disabled", "revoked", "expired", "cidr", "rate_limited", "quota_exceeded", "invalid_scope"];
const OUTCOME_WORDS = {
  issued: "issued", wrong_secret: "wrong secret", disabled: "key disabled", revoked: "key revoked", expired: "key expired",
  cidr: "address not allowed", rate_limited: "over the rate limit", quota_exceeded: "over quota or budget", invalid_scope: "scope not held",
};
const COLORS = { good: "#2e7d32", bad: "#c62828" };

const sum = (counts) => Object.values(counts || {}).reduce((a, b) => a + Number(b || 0), 0);
const number = (value) => Number(value || 0).toLocaleString();

/** Per bucket (hour, or day for longer ranges): token and API counts, empty buckets included. */
function buckets(usage) {
  const from = new Date(usage.from).getTime();
  const to = new Date(usage.to).getTime();
  const daily = to - from > 3 * DAY;
  const start = (time) => {
    const d = new Date(time);
    if (daily) d.setHours(0, 0, 0, 0);
    else d.setMinutes(0, 0, 0);
    return d.getTime();
  };
  const next = (time) => {
    const d = new Date(time);
    if (daily) d.setDate(d.getDate() + 1);
    else d.setHours(d.getHours() + 1);
    return d.getTime();
  };
  const rows = new Map();
  for (let t = start(from); t < to; t = next(t)) {
    rows.set(t, { at: t, issued: 0, rejected: 0, allowed: 0, refused: 0, cost: 0 });
  }
  for (const hour of usage.hours || []) {
    const key = start(new Date(hour.hour).getTime());
    if (!rows.has(key)) rows.set(key, { at: key, issued: 0, rejected: 0, allowed: 0, refused: 0, cost: 0 });
    const row = rows.get(key);
    const issued = Number((hour.counts || {}).issued || 0);
    const api = hour.api_requests || {};
    row.issued += issued;
    row.rejected += sum(hour.counts) - issued;
    row.allowed += Number(api.allowed || 0);
    row.refused += Number(api.refused_scope || 0) + Number(api.refused_rate || 0);
    row.cost += Number(api.cost || 0);
  }
  const label = (time) => new Date(time).toLocaleString([], daily
    ? { month: "short", day: "numeric" }
    : { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
  return { daily, rows: [...rows.values()].sort((a, b) => a.at - b.at).map((row) => ({ ...row, label: label(row.at) })) };
}

function drawChart(canvas, labels, datasets) {
  if (!window.Chart) return false;
  const existing = window.Chart.getChart(canvas);
  if (existing) existing.destroy();
  new window.Chart(canvas, {
    type: "bar",
    data: { labels, datasets: datasets.map(([label, data, color]) => ({ label, data, backgroundColor: color, stack: "one" })) },
    options: {
      animation: false, responsive: true, maintainAspectRatio: false,
      interaction: { mode: "index", intersect: false },
      scales: { x: { stacked: true, ticks: { maxRotation: 0, autoSkip: true } }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
      plugins: { legend: { position: "bottom" } },
    },
  });
  return true;
}

function chartCard(id, title, summary) {
  const canvas = el("canvas", { id, role: "img", "aria-label": `${title}: ${summary}` });
  return { canvas, card: el("figure", { class: "chart-card" }, el("figcaption", { text: title }), el("div", { class: "chart-box" }, canvas)) };
}

function stat(label, value, kind) {
  return el("div", { class: `stat ${kind || ""}` }, el("span", { class: "stat-value", text: number(value) }), el("span", { class: "stat-label", text: label }));
}

function render(container, usage, prefix) {
  const totals = usage.totals || {};
  const api = usage.api_totals || {};
  const issued = Number(totals.issued || 0);
  const rejected = sum(totals) - issued;
  const refused = Number(api.refused_scope || 0) + Number(api.refused_rate || 0);
  const { daily, rows } = buckets(usage);
  const labels = rows.map((row) => row.label);

  const tokens = chartCard(`${prefix}-chart-tokens`, "Token exchanges", `${number(issued)} issued, ${number(rejected)} refused`);
  const requests = chartCard(`${prefix}-chart-api`, "API requests reported by resource servers", `${number(api.allowed)} allowed, ${number(refused)} refused`);
  const outcomeTable = el("table", { class: "totals" },
    el("caption", { text: "Token requests by outcome" }),
    el("thead", {}, el("tr", {}, el("th", { scope: "col", text: "Outcome" }), el("th", { scope: "col", text: "Requests" }))),
    el("tbody", {}, ...[...new Set([...TOKEN_OUTCOMES, ...Object.keys(totals)])].map((name) =>
      el("tr", {}, el("td", { text: OUTCOME_WORDS[name] || name }), el("td", { class: "num", text: number(totals[name]) })))));
  const dataTable = el("table", { class: "list stack", id: `${prefix}-usage-table` },
    el("caption", { text: `Per ${daily ? "day" : "hour"}, ${when(usage.from)} – ${when(usage.to)}` }),
    el("thead", {}, el("tr", {}, ...[daily ? "Day" : "Hour", "Tokens issued", "Token requests refused", "API allowed", "API refused", "Cost units"]
      .map((name) => el("th", { scope: "col", text: name })))),
    el("tbody", {}, ...rows.filter((row) => row.issued || row.rejected || row.allowed || row.refused || row.cost).map((row) => el("tr", {},
      cell(daily ? "Day" : "Hour", row.label), cell("Tokens issued", number(row.issued)), cell("Token requests refused", number(row.rejected)),
      cell("API allowed", number(row.allowed)), cell("API refused", number(row.refused)), cell("Cost units", number(row.cost))))));

  container.replaceChildren(
    el("div", { class: "stats" },
      stat("tokens issued", issued, "good"), stat("token requests refused", rejected, rejected ? "bad" : ""),
      stat("API requests allowed", api.allowed, "good"), stat("API requests refused", refused, refused ? "bad" : ""),
      stat("cost units", api.cost)),
    el("div", { class: "charts" }, tokens.card, requests.card),
    el("details", { class: "usage-details" }, el("summary", { text: "The numbers as tables" }), outcomeTable, dataTable));
  const drawn = drawChart(tokens.canvas, labels, [["issued", rows.map((r) => r.issued), COLORS.good], ["refused", rows.map((r) => r.rejected), COLORS.bad]])
    && drawChart(requests.canvas, labels, [["allowed", rows.map((r) => r.allowed), COLORS.good], ["refused", rows.map((r) => r.refused), COLORS.bad]]);
  if (!drawn) container.prepend(el("p", { class: "hint", text: "The charting library did not load; the numbers are in the tables below." }));
}

/**
 * A usage panel: a range form and its charts, for `path` (/usage or /usage/keys/{id}).
 * `call` is the session's api function. Returns a function that reloads it.
 */
export function usagePanel(container, path, prefix, call) {
  const rangeSelect = el("select", { id: `${prefix}-range`, name: "range" },
    ...RANGES.map(([value, label]) => el("option", { value, text: label })));
  const from = el("input", { id: `${prefix}-from`, name: "from", type: "datetime-local" });
  const to = el("input", { id: `${prefix}-to`, name: "to", type: "datetime-local" });
  const custom = el("span", { class: "custom-range" },
    el("label", { for: from.id, text: "From" }), from, el("label", { for: to.id, text: "To" }), to);
  custom.hidden = true;
  const problem = el("div", { class: "problem", role: "alert" });
  const result = el("div", { class: "usage-result", "aria-live": "polite" });
  const form = el("form", { class: "inline", novalidate: "" },
    el("label", { for: rangeSelect.id, text: "Range" }), rangeSelect, custom, el("button", { type: "submit", text: "Show" }));
  form.append(problem);
  container.replaceChildren(form, result);

  async function load() {
    clearProblem(problem);
    const range = RANGES.find(([value]) => value === rangeSelect.value);
    const params = new URLSearchParams();
    if (range[2]) {
      params.set("from", new Date(Date.now() - range[2]).toISOString());
    } else {
      if (from.value) params.set("from", fromLocalInput(from.value));
      if (to.value) params.set("to", fromLocalInput(to.value));
    }
    try {
      render(result, await call("GET", `${path}?${params}`), prefix);
    } catch (error) {
      showProblem(problem, error);
    }
  }
  rangeSelect.addEventListener("change", () => {
    custom.hidden = rangeSelect.value !== "custom";
    if (custom.hidden) load();
    else from.focus();
  });
  form.addEventListener("submit", (event) => { event.preventDefault(); load(); });
  load();
  return load;
}
