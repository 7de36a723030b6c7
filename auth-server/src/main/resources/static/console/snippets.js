// Copy-paste snippets for one key. They never contain the secret: they read it from the
// KEYMINT_API_KEY environment variable and show the key masked (kmk_<client id>_…).

import { el } from "./dom.js";

function shellQuote(value) {
  return `'${String(value).replace(/'/g, `'\\''`)}'`;
}

/** The parts of a scope a resource server checks: "read:invoices/**" → ["read", "invoices/**"]. */
function actionAndResource(scope) {
  const at = String(scope).indexOf(":");
  return at > 0 ? [scope.slice(0, at), scope.slice(at + 1)] : [scope, "**"];
}

/**
 * [title, code] pairs: getting tokens with the key (curl, Spring, Python, Node) and verifying them
 * in the API it calls (resource-sdk, the Spring Boot starter).
 */
export function snippets({ issuer, tokenEndpoint, clientId, scopes, audience, organization }) {
  const q = JSON.stringify;   // a JSON string is a valid Java, YAML, Python and JavaScript string literal
  const [action, resource] = actionAndResource((scopes && scopes[0]) || "read:**");
  const masked = `kmk_${clientId}_…`;
  return [
    ["curl", [
      `read -rs KEYMINT_API_KEY && export KEYMINT_API_KEY   # paste the key (${masked}), then Enter`,
      `TOKEN=$(curl -s -u ${shellQuote(clientId)}":$KEYMINT_API_KEY" -d grant_type=client_credentials \\`,
      `  ${shellQuote(tokenEndpoint)} | jq -r .access_token)`,
      `curl -H "Authorization: Bearer $TOKEN" https://your-api.example/…`,
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
      `            client-secret: \${KEYMINT_API_KEY}   # ${masked}`,
      `            client-authentication-method: client_secret_basic`,
      `            authorization-grant-type: client_credentials`,
      `        provider:`,
      `          keymint:`,
      `            token-uri: ${q(tokenEndpoint)}`,
      `# Then e.g. RestClient.builder().requestInterceptor(new OAuth2ClientHttpRequestInterceptor(authorizedClientManager))`,
      `# with ClientAttributes.clientRegistrationId("keymint") on each request.`,
    ].join("\n")],
    ["Verify its tokens in your API: resource-sdk (Java)", [
      `// dev.keymint:resource-sdk`,
      `TokenVerifier verifier = TokenVerifier.forIssuer(${q(issuer)})`,
      `        .audience(${q(audience)})`,
      ...(organization ? [`        .organization(${q(organization)})`] : []),
      `        .build();   // build once, share`,
      ``,
      `VerifiedToken token = verifier.verify(request.getHeader("Authorization"));`,
      `token.require(${q(action)}, ${q(resource)});   // this key holds ${(scopes || []).join(" ")}`,
    ].join("\n")],
    ["Verify its tokens in your API: Spring Boot starter", [
      `# dev.keymint:keymint-spring-boot-starter, application.properties`,
      `keymint.resource.issuer-uri=${issuer}`,
      `keymint.resource.audience=${audience}`,
      ...(organization ? [`keymint.resource.organization=${organization}`] : []),
      ``,
      `// on a handler`,
      `@PreAuthorize("@keymint.allows(${q(action).replace(/"/g, "'")}, ${q(resource).replace(/"/g, "'")})")`,
    ].join("\n")],
    ["Python (requests)", [
      `import os, requests`,
      ``,
      `response = requests.post(`,
      `    ${q(tokenEndpoint)},`,
      `    auth=(${q(clientId)}, os.environ["KEYMINT_API_KEY"]),  # ${masked}`,
      `    data={"grant_type": "client_credentials"},`,
      `    timeout=10,`,
      `)`,
      `response.raise_for_status()`,
      `access_token = response.json()["access_token"]  # valid for response.json()["expires_in"] seconds`,
    ].join("\n")],
    ["Node (fetch, Node 18+)", [
      `const basic = Buffer.from(\`\${encodeURIComponent(${q(clientId)})}:\${encodeURIComponent(process.env.KEYMINT_API_KEY)}\`).toString("base64");`,
      `const response = await fetch(${q(tokenEndpoint)}, {`,
      `  method: "POST",`,
      `  headers: { Authorization: \`Basic \${basic}\`, "Content-Type": "application/x-www-form-urlencoded" },`,
      `  body: new URLSearchParams({ grant_type: "client_credentials" }),`,
      `});`,
      `if (!response.ok) throw new Error(\`token request failed: \${response.status}\`);`,
      `const { access_token, expires_in } = await response.json();`,
    ].join("\n")],
  ];
}

export async function copy(text, button, fallbackField) {
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

/** The snippets as disclosure blocks (the first one open), each with a Copy button. */
export function snippetBlocks(context) {
  return snippets(context).map(([title, code], index) => {
    const pre = el("pre", { tabindex: "0", "aria-label": title }, el("code", { text: code }));
    const button = el("button", { type: "button", class: "small" }, "Copy");
    button.addEventListener("click", () => copy(code, button, null));
    const block = el("details", { class: "snippet" }, el("summary", { text: title }), el("div", { class: "snippet-body" }, pre, button));
    block.open = index === 0;
    return block;
  });
}
