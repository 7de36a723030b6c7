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
export function snippets({ issuer, tokenEndpoint, clientId, scopes, audience, organization, audiences }) {
  const q = JSON.stringify;   // a JSON string is a valid Java, YAML, Python and JavaScript string literal
  const [action, resource] = actionAndResource((scopes && scopes[0]) || "read:**");
  const masked = `kmk_${clientId}_…`;
  const target = audiences && audiences.length ? audiences[0] : null;   // RFC 8707 resource, when the key lists audiences
  return [
    ["curl", curl({ tokenEndpoint, clientId, target, masked })],
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
      ...(target ? [`# The token's audience: add resource=${target} with the token client of "Connect a client".`] : []),
      `# Then e.g. RestClient.builder().requestInterceptor(new OAuth2ClientHttpRequestInterceptor(authorizedClientManager))`,
      `# with ClientAttributes.clientRegistrationId("keymint") on each request.`,
    ].join("\n")],
    ["Verify its tokens in your API: resource-sdk (Java)", [
      `// dev.keymint:resource-sdk`,
      `TokenVerifier verifier = TokenVerifier.forIssuer(${q(issuer)})`,
      `        .audience(${q(target || audience)})`,
      ...(organization ? [`        .organization(${q(organization)})`] : []),
      `        .build();   // build once, share`,
      ``,
      `VerifiedToken token = verifier.verify(request.getHeader("Authorization"));`,
      `token.require(${q(action)}, ${q(resource)});   // this key holds ${(scopes || []).join(" ")}`,
    ].join("\n")],
    ["Verify its tokens in your API: Spring Boot starter", [
      `# dev.keymint:keymint-spring-boot-starter, application.properties`,
      `keymint.resource.issuer-uri=${issuer}`,
      `keymint.resource.audience=${target || audience}`,
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
      `    data={"grant_type": "client_credentials"${target ? `, "resource": ${q(target)}` : ""}},`,
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
      `  body: new URLSearchParams({ grant_type: "client_credentials"${target ? `, resource: ${q(target)}` : ""} }),`,
      `});`,
      `if (!response.ok) throw new Error(\`token request failed: \${response.status}\`);`,
      `const { access_token, expires_in } = await response.json();`,
    ].join("\n")],
  ];
}

function curl({ tokenEndpoint, clientId, target, masked }) {
  return [
    `read -rs KEYMINT_API_KEY && export KEYMINT_API_KEY   # paste the key (${masked}), then Enter`,
    `TOKEN=$(curl -s -u ${shellQuote(clientId)}":$KEYMINT_API_KEY" -d grant_type=client_credentials \\`,
    ...(target ? [`  --data-urlencode resource=${shellQuote(target)} \\`] : []),
    `  ${shellQuote(tokenEndpoint)} | jq -r .access_token)`,
    `curl -H "Authorization: Bearer $TOKEN" https://your-api.example/…`,
  ].join("\n");
}

/**
 * A .env file for the key: everything a client needs but the secret, which stays a placeholder.
 * The audience is the one its tokens carry without a resource parameter.
 */
export function envFile({ issuer, tokenEndpoint, clientId, audience, audiences }) {
  return [
    `# Keymint client settings for key ${clientId}. Paste the API key (kmk_${clientId}_…, shown once) below.`,
    `KEYMINT_ISSUER=${issuer}`,
    `KEYMINT_TOKEN_URL=${tokenEndpoint}`,
    `KEYMINT_CLIENT_ID=${clientId}`,
    `KEYMINT_API_KEY=`,
    `KEYMINT_AUDIENCE=${audiences && audiences.length ? audiences[0] : audience}`,
    ``,
  ].join("\n");
}

/**
 * "Connect a client": [library, code] for the common OAuth client-credentials libraries, each
 * asking for the key's first audience as resource (RFC 8707) when the key lists audiences.
 */
export function clientLibraries({ issuer, tokenEndpoint, clientId, audiences }) {
  const q = JSON.stringify;
  const target = audiences && audiences.length ? audiences[0] : null;
  const masked = `kmk_${clientId}_…`;
  return [
    ["Spring Security OAuth2 client (Java)", [
      `// spring-boot-starter-oauth2-client; registration "keymint" as in the Spring snippet (client-id ${q(clientId)})`,
      `@Bean`,
      `OAuth2AuthorizedClientProvider keymintTokens() {`,
      `    var tokens = new RestClientClientCredentialsTokenResponseClient();`,
      ...(target ? [
        `    tokens.addParametersConverter(grant -> {`,
        `        var parameters = new LinkedMultiValueMap<String, String>();`,
        `        parameters.add("resource", ${q(target)});   // the token's aud`,
        `        return parameters;`,
        `    });`] : []),
      `    return OAuth2AuthorizedClientProviderBuilder.builder()`,
      `            .clientCredentials(grant -> grant.accessTokenResponseClient(tokens)).build();`,
      `}`,
    ].join("\n")],
    ["Python: requests-oauthlib", [
      `import os`,
      `from oauthlib.oauth2 import BackendApplicationClient`,
      `from requests.auth import HTTPBasicAuth`,
      `from requests_oauthlib import OAuth2Session`,
      ``,
      `session = OAuth2Session(client=BackendApplicationClient(client_id=${q(clientId)}))`,
      `token = session.fetch_token(`,
      `    token_url=${q(tokenEndpoint)},`,
      `    auth=HTTPBasicAuth(${q(clientId)}, os.environ["KEYMINT_API_KEY"]),  # ${masked}`,
      ...(target ? [`    resource=${q(target)},`] : []),
      `)`,
      `session.get("https://your-api.example/…")  # sends the token`,
    ].join("\n")],
    ["Python: Authlib", [
      `import os`,
      `from authlib.integrations.requests_client import OAuth2Session`,
      ``,
      `session = OAuth2Session(${q(clientId)}, os.environ["KEYMINT_API_KEY"],  # ${masked}`,
      `                        token_endpoint=${q(tokenEndpoint)}, token_endpoint_auth_method="client_secret_basic")`,
      `session.fetch_token(grant_type="client_credentials"${target ? `, resource=${q(target)}` : ""})`,
      `session.get("https://your-api.example/…")  # sends the token`,
    ].join("\n")],
    ["Node: openid-client (v6)", [
      `import * as client from "openid-client";`,
      ``,
      `const config = new client.Configuration(`,
      `  { issuer: ${q(issuer)}, token_endpoint: ${q(tokenEndpoint)} },`,
      `  ${q(clientId)}, undefined, client.ClientSecretBasic(process.env.KEYMINT_API_KEY));  // ${masked}`,
      `const tokens = await client.clientCredentialsGrant(config${target ? `, { resource: ${q(target)} }` : ""});`,
      `// tokens.access_token, valid for tokens.expires_in seconds`,
    ].join("\n")],
    ["Go: golang.org/x/oauth2/clientcredentials", [
      `cfg := clientcredentials.Config{`,
      `\tClientID:     ${q(clientId)},`,
      `\tClientSecret: os.Getenv("KEYMINT_API_KEY"), // ${masked}`,
      `\tTokenURL:     ${q(tokenEndpoint)},`,
      `\tAuthStyle:    oauth2.AuthStyleInHeader,`,
      ...(target ? [`\tEndpointParams: url.Values{"resource": {${q(target)}}},`] : []),
      `}`,
      `httpClient := cfg.Client(ctx) // adds the token to each request and renews it`,
    ].join("\n")],
    ["curl", curl({ tokenEndpoint, clientId, target, masked })],
  ];
}

/** One snippet: its code in a focusable block, with a Copy button. */
function codeBlock(title, code) {
  const pre = el("pre", { tabindex: "0", "aria-label": title }, el("code", { text: code }));
  const button = el("button", { type: "button", class: "small" }, "Copy");
  button.addEventListener("click", () => copy(pre.textContent, button, null));
  return [pre, button];
}

/** The .env file, shown and downloadable. */
function envBlock(context) {
  const text = envFile(context);
  const link = el("a", { class: "button small env-download", download: ".env",
    href: `data:text/plain;charset=utf-8,${encodeURIComponent(text)}` }, "Download .env");
  return el("details", { class: "snippet" }, el("summary", { text: ".env file" }),
    el("div", { class: "snippet-body" }, ...codeBlock(".env file", text), link));
}

/** "Connect a client": a choice of library and its snippet. */
function connectBlock(context) {
  const libraries = clientLibraries(context);
  const select = el("select", { class: "connect-library", "aria-label": "OAuth client library" },
    ...libraries.map(([name], index) => el("option", { value: String(index) }, name)));
  const code = el("code", { class: "connect-code", text: libraries[0][1] });
  const pre = el("pre", { tabindex: "0", "aria-label": "Client code" }, code);
  const button = el("button", { type: "button", class: "small" }, "Copy");
  button.addEventListener("click", () => copy(code.textContent, button, null));
  select.addEventListener("change", () => { code.textContent = libraries[Number(select.value)][1]; });
  return el("details", { class: "snippet connect-client" }, el("summary", { text: "Connect a client (OAuth libraries)" }),
    el("div", { class: "snippet-body" }, select, pre, button));
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

/** The snippets as disclosure blocks (the first one open), each with a Copy button; then the .env file and the client helper. */
export function snippetBlocks(context) {
  const blocks = snippets(context).map(([title, code], index) => {
    const block = el("details", { class: "snippet" }, el("summary", { text: title }),
      el("div", { class: "snippet-body" }, ...codeBlock(title, code)));
    block.open = index === 0;
    return block;
  });
  return [...blocks, envBlock(context), connectBlock(context)];
}
