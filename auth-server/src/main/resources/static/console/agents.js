// Keymint console: the Agents view. An agent's capabilities are the scopes of all its keys; a new
// agent's "Production" key is shown once through the same dialog as any new key's secret.

import { $, el, cell, lines, notice, confirmAction } from "./dom.js";
import { clearProblem, showProblem } from "./problems.js";
import { api } from "./session.js";

let showSecret = null;

export async function loadAgents() {
  const problem = $("agents-problem");
  clearProblem(problem);
  try {
    const page = await api("GET", "/agents?limit=200");
    // Rows are built first and swapped in at once: the table is never empty while keys are fetched.
    const built = await Promise.all((page.items || []).map(agentRow));
    $("agents-rows").replaceChildren(...built);
    $("agents-empty").hidden = built.length > 0;
  } catch (error) {
    showProblem(problem, error);
  }
}

async function agentRow(agent) {
  const keys = (await api("GET", `/agents/${encodeURIComponent(agent.id)}/keys`)).items || [];
  const live = keys.filter((key) => key.status !== "revoked");
  const editor = el("textarea", { rows: "2", spellcheck: "false", "aria-label": `Capabilities of ${agent.name}`,
    class: "agent-capabilities" });
  editor.value = agent.capabilities.join("\n");
  const save = el("button", { type: "button", class: "agent-save" }, "Save capabilities");
  save.addEventListener("click", () => saveCapabilities(agent, editor));
  const remove = el("button", { type: "button", class: "danger agent-delete" }, "Delete");
  remove.addEventListener("click", () => deleteAgent(agent, live.length));
  return el("tr", { "data-agent-id": agent.id },
    cell("Name", el("strong", { text: agent.name }), agent.description ? el("p", { class: "hint", text: agent.description }) : ""),
    cell("Capabilities", editor),
    cell("Team", agent.team ?? "all teams"),
    cell("Keys", ...keys.map((key) => el("p", {}, el("a", { href: `#keys/${encodeURIComponent(key.id)}`, text: key.name }), ` (${key.status})`))),
    cell("Actions", save, " ", remove));
}

async function createAgent(event) {
  event.preventDefault();
  const form = $("agent-form").elements;
  const body = { name: form.name.value, capabilities: lines(form.capabilities.value) };
  for (const field of ["description", "team", "owner"]) if (form[field].value.trim()) body[field] = form[field].value.trim();
  const problem = $("agents-problem");
  clearProblem(problem);
  try {
    const created = await api("POST", "/agents", body);
    $("agent-form").reset();
    await loadAgents();
    await showSecret(created.production_key);   // the Production key's secret, this once
  } catch (error) {
    showProblem(problem, error);
  }
}

async function saveCapabilities(agent, editor) {
  const problem = $("agents-problem");
  clearProblem(problem);
  try {
    await api("PATCH", `/agents/${encodeURIComponent(agent.id)}`, { capabilities: lines(editor.value) });
    notice(`Capabilities of "${agent.name}" saved: the next token of each of its keys carries them.`);
    await loadAgents();
  } catch (error) {
    showProblem(problem, error);
  }
}

async function deleteAgent(agent, liveKeys) {
  const text = liveKeys === 0 ? "It has no keys that work." :
    `This revokes its ${liveKeys} key(s): their tokens stop working. Revoking cannot be undone.`;
  if (!await confirmAction(`Delete agent "${agent.name}"?`, text, liveKeys === 0 ? "Delete" : "Delete and revoke keys")) return;
  const problem = $("agents-problem");
  clearProblem(problem);
  try {
    await api("DELETE", `/agents/${encodeURIComponent(agent.id)}?confirm=revoke-keys`);
    notice(`Agent "${agent.name}" deleted; ${liveKeys} key(s) revoked.`);
    await loadAgents();
  } catch (error) {
    showProblem(problem, error);
  }
}

/** @param secretDialog shows a created key's secret once (app.js's dialog) */
export function wireAgents(secretDialog) {
  showSecret = secretDialog;
  $("agent-form").addEventListener("submit", createAgent);
}
