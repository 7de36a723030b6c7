// "Roll secret" on a key's page: a new secret under the same client id, the old one kept working for
// a grace period the admin chooses (POST /keys/<id>/reroll). The new secret is then shown once by the
// same dialog as on creation (app.js), with its acknowledgement.

import { $ } from "./dom.js";
import { clearProblem, showProblem } from "./problems.js";
import { api } from "./session.js";

/** Wires the dialog; currentKey() gives the key on the page, shown(rerolled) shows the secret once. */
export function wireReroll(currentKey, shown) {
  const dialog = $("reroll-dialog");
  const form = $("reroll-form");
  $("detail-reroll").addEventListener("click", () => {
    form.reset();
    clearProblem($("reroll-problem"));
    $("reroll-title").textContent = `Roll the secret of "${currentKey().name}"?`;
    dialog.showModal();
    form.elements.grace.focus();
  });
  $("reroll-cancel").addEventListener("click", () => dialog.close());
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearProblem($("reroll-problem"));
    try {
      const rerolled = await api("POST", `/keys/${encodeURIComponent(currentKey().id)}/reroll`,
        { grace_period_seconds: Number(form.elements.grace.value) });
      dialog.close();
      await shown(rerolled);
    } catch (error) {
      showProblem($("reroll-problem"), error);
    }
  });
}
