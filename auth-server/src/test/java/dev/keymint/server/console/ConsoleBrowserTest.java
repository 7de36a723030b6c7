package dev.keymint.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keymint.server.organizations.OrganizationBootstrapper.BootstrappedOrganization;
import dev.keymint.server.testsupport.AdminClient;
import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.TokenClient;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import tools.jackson.databind.JsonNode;

/**
 * The console as an admin uses it, in a real Chromium against a real server on real PostgreSQL:
 * sign in with the key alone, create a key and see its secret once, roll a secret, edit, disable, revoke,
 * delete, usage charts with data, the audit trail, narrow screens and the keyboard. Each check
 * is also made through the API where the console's claim could be wrong.
 */
class ConsoleBrowserTest {

    private static ConsoleFixture console;
    private static BootstrappedOrganization admin;
    private static AdminClient api;
    private static TokenClient tokens;
    private static ConsoleBrowser browser;

    @BeforeAll
    static void start() {
        console = ConsoleFixture.start(KeymintServer.onFreshDatabase());
        admin = console.admin();
        api = console.api();
        tokens = new TokenClient(console.server().tokenEndpoint());
        browser = console.browser();
    }

    @AfterAll
    static void stop() {
        console.close();
    }

    @BeforeEach
    void freshPage() {
        browser.size(1280, 900);
        browser.open("/console/");   // a reload forgets the session
    }

    @AfterEach
    void nothingRefusedByTheContentSecurityPolicy() {
        assertThat(browser.consoleMessages()).noneMatch(message -> message.contains("Content Security Policy"));
    }

    private void signIn(String apiKey) {
        WebElement field = browser.visible("#signin-api-key");
        field.sendKeys(apiKey, Keys.ENTER);
    }

    private void signInAsAdmin() {
        signIn(admin.apiKey());
        browser.visible("#keys-rows tr");
    }

    private JsonNode createKeyThroughTheApi(String name, String scope) {
        return api.post("/keys", "{\"name\": \"" + name + "\", \"scopes\": [\"" + scope + "\"]}").json();
    }

    /** A key created through the API that has just had a token: "used in the last 24 hours". */
    private String keyUsedJustNow(String name, String scope) {
        JsonNode key = createKeyThroughTheApi(name, scope);
        String id = key.get("id").asString();
        assertThat(tokens.basic(id, key.get("api_key").asString(), "grant_type", "client_credentials").status()).isEqualTo(200);
        return id;
    }

    private void openKeyPage(String id) {
        browser.open("/console/#keys/" + id);   // a fresh load: sign in, then the key's page
        signIn(admin.apiKey());
        browser.visible("#detail-fields dd");
    }

    @Test
    void signInPageAsksForTheKeyAloneAndOffersNoSignOut() {
        assertThat(browser.all("#signin input")).extracting(input -> input.getAttribute("id")).containsExactly("signin-api-key");
        assertThat(browser.find("#sign-out").isDisplayed()).isFalse();
        assertThat(browser.driver().switchTo().activeElement().getAttribute("id")).isEqualTo("signin-api-key");
        browser.screenshot("signin");

        signInAsAdmin();

        assertThat(browser.find("#session-info").getText()).contains("Organization acme", admin.clientId());
        assertThat(browser.find("#sign-out").isDisplayed()).isTrue();
        assertThat(browser.find("#signin").isDisplayed()).isFalse();
        assertThat(browser.find("#signin-api-key").getAttribute("value")).isEmpty();   // the key is not kept
    }

    @Test
    void wrongKeysAreExplainedInPlainWords() {
        signIn("not-a-key");
        browser.textIn("#signin-problem", "That is not a Keymint API key.");

        JsonNode disabled = createKeyThroughTheApi("disabled admin", "*:*");
        api.post("/keys/" + disabled.get("id").asString() + "/disable", null);
        signIn(disabled.get("api_key").asString());

        browser.textIn("#signin-problem", "This key was not accepted.");
        assertThat(browser.find("#signin-problem").getText()).contains("disabled").doesNotContain("invalid_client");
        browser.screenshot("signin-refused");
    }

    @Test
    void createShowsTheSecretOnceUntilAcknowledgedAndTheKeyWorks() {
        signInAsAdmin();
        browser.click("#new-key");
        browser.visible("#f-name").sendKeys("billing reader");
        browser.find("#f-scopes").sendKeys("read:invoices/**");
        browser.find("#key-form-submit").click();

        String secret = browser.visible("#secret-value").getAttribute("value");
        assertThat(secret).matches("kmk_[0-9A-Za-z]{16}_[0-9A-Za-z]{38}");
        assertThat(browser.find("#secret-close").isEnabled()).isFalse();
        browser.screenshot("secret-once");
        browser.find("#secret-value").sendKeys(Keys.ESCAPE);   // Escape does not dismiss an unacknowledged secret
        assertThat(browser.find("#secret-dialog").isDisplayed()).isTrue();

        String clientId = secret.substring(4, 20);
        assertThat(tokens.basic(clientId, secret, "grant_type", "client_credentials").status()).isEqualTo(200);

        browser.click("#secret-ack");
        browser.click("#secret-close");
        browser.gone("#secret-dialog");
        browser.textIn("#detail-title", "billing reader");
        assertThat(browser.driver().getPageSource()).doesNotContain(secret);
        // The key's page: masked key and snippets naming the client id, never the secret.
        assertThat(browser.find("#detail-fields").getText()).contains("kmk_" + clientId + "_…");
        String snippets = browser.find("#detail-snippets").getAttribute("textContent");   // closed blocks too
        assertThat(snippets).contains("curl", "TokenVerifier.forIssuer", "keymint.resource.issuer-uri", "client-id: \"" + clientId + "\"",
                "token.require(\"read\", \"invoices/**\")").doesNotContain(secret);
        browser.screenshot("key-page");
    }

    @Test
    void keyPageOffersADotEnvFileAndConnectsClientsToTheKeysAudience() {
        JsonNode key = api.post("/keys", "{\"name\": \"billing client\", \"scopes\": [\"read:invoices/**\"],"
                + " \"audiences\": [\"https://billing.example.com\"]}").json();
        String clientId = key.get("id").asString();
        openKeyPage(clientId);

        assertThat(browser.find("#detail-fields").getText()).contains("https://billing.example.com");
        String snippets = browser.find("#detail-snippets").getAttribute("textContent");
        assertThat(snippets).contains("--data-urlencode resource='https://billing.example.com'",
                ".audience(\"https://billing.example.com\")").doesNotContain(key.get("api_key").asString());
        WebElement download = browser.find("#detail-snippets a.env-download");
        assertThat(download.getAttribute("download")).isEqualTo(".env");
        String env = java.net.URLDecoder.decode(download.getAttribute("href").substring("data:text/plain;charset=utf-8,".length()),
                java.nio.charset.StandardCharsets.UTF_8);
        assertThat(env).contains("KEYMINT_ISSUER=" + console.server().issuer() + "\n", "KEYMINT_TOKEN_URL="
                + console.server().issuer() + "/oauth/token\n", "KEYMINT_CLIENT_ID=" + clientId + "\n", "KEYMINT_API_KEY=\n",
                "KEYMINT_AUDIENCE=https://billing.example.com\n").doesNotContain(key.get("api_key").asString());

        browser.find("#detail-snippets details.connect-client summary").click();
        Select library = new Select(browser.visible("#detail-snippets select.connect-library"));
        assertThat(library.getOptions()).extracting(WebElement::getText).containsExactly(
                "Spring Security OAuth2 client (Java)", "Python: requests-oauthlib", "Python: Authlib",
                "Node: openid-client (v6)", "Go: golang.org/x/oauth2/clientcredentials", "curl");
        library.selectByVisibleText("Go: golang.org/x/oauth2/clientcredentials");
        assertThat(browser.find("#detail-snippets code.connect-code").getText())
                .contains("ClientID:     \"" + clientId + "\"", "EndpointParams: url.Values{\"resource\": {\"https://billing.example.com\"}}");
        library.selectByVisibleText("Python: requests-oauthlib");
        assertThat(browser.find("#detail-snippets code.connect-code").getText()).contains("resource=\"https://billing.example.com\"");
        browser.screenshot("key-connect-client");
    }

    @Test
    void aRefusedFormNamesItsFieldsByTheirLabels() {
        signInAsAdmin();
        browser.click("#new-key");
        browser.visible("#f-name");
        browser.find("#f-scopes").sendKeys("read:x/**\nnot a scope");
        browser.find("#f-cidrs").sendKeys("10.0.0.0/99");
        browser.find("#key-form-submit").click();

        browser.textIn("#key-form-problem", "Some of what you entered needs fixing.");
        String problem = browser.find("#key-form-problem").getText();
        assertThat(problem).contains("Name", "Scopes (one per line)", "Allowed CIDRs (one per line, optional)");
        assertThat(browser.find("#f-name").getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(browser.find("#f-cidrs").getAttribute("aria-invalid")).isEqualTo("true");
        browser.screenshot("form-problem");
        browser.click("#key-form-cancel");
    }

    @Test
    void whenTheServerStopsAcceptingTheSessionTheConsoleAsksForAKeyAgain() {
        JsonNode second = createKeyThroughTheApi("second admin", "*:*");
        signIn(second.get("api_key").asString());
        browser.visible("#keys-rows tr");
        api.post("/keys/" + second.get("id").asString() + "/disable", null);

        browser.click("a.tab[href='#audit']");

        browser.textIn("#reauth-why", "The server no longer accepts your session.");
        browser.find("#reauth-api-key").sendKeys(admin.apiKey(), Keys.ENTER);
        browser.visible("#audit-rows tr");
        assertThat(browser.find("#session-info").getText()).contains(admin.clientId());
    }

    @Test
    void editDisableEnableAndRevokeChangeTheKey() {
        JsonNode key = createKeyThroughTheApi("reports", "read:reports/**");
        String id = key.get("id").asString();
        String secret = key.get("api_key").asString();
        openKeyPage(id);

        browser.click("#detail-edit");
        WebElement name = browser.visible("#f-name");
        name.clear();
        name.sendKeys("reports (eu)");
        browser.find("#key-form-submit").click();
        browser.textIn("#detail-title", "reports (eu)");
        assertThat(api.get("/keys/" + id).json().get("name").asString()).isEqualTo("reports (eu)");

        browser.click("#detail-disable");
        browser.textIn("#notice", "disabled");
        assertThat(tokens.basic(id, secret, "grant_type", "client_credentials").status()).isEqualTo(401);
        browser.click("#detail-enable");
        browser.textIn("#notice", "enabled");
        assertThat(tokens.basic(id, secret, "grant_type", "client_credentials").status()).isEqualTo(200);

        browser.click("#detail-revoke");
        browser.visible("#confirm-dialog");
        browser.screenshot("revoke-confirm");
        browser.click("#confirm-yes");
        browser.textIn("#notice", "revoked");
        assertThat(browser.find("#detail-fields").getText()).contains("revoked");
        assertThat(browser.find("#detail-edit").isDisplayed()).isFalse();
        assertThat(api.get("/keys/" + id).json().get("status").asString()).isEqualTo("revoked");
    }

    @Test
    void narrowingARecentlyUsedKeyShowsWhatCallersLoseAndAsksBeforeSaving() {
        String id = keyUsedJustNow("exporter", "read:exports/**");
        openKeyPage(id);

        browser.click("#detail-edit");
        WebElement scopes = browser.visible("#f-scopes");
        scopes.clear();
        scopes.sendKeys("read:exports/eu/**");
        browser.find("#key-form-submit").click();
        browser.textIn("#key-form-warnings", "This change breaks calls that worked in the last 24 hours");
        assertThat(browser.find("#key-form-warnings").getText())
                .contains("Scope read:exports/** was carried by 1 token in the last 24 h; the new scopes do not cover it.");
        browser.screenshot("edit-warnings");
        assertThat(api.get("/keys/" + id).json().get("scopes").toString()).as("nothing saved yet").isEqualTo("[\"read:exports/**\"]");

        browser.click("#key-form-save-anyway");
        browser.textIn("#notice", "saved");
        assertThat(api.get("/keys/" + id).json().get("scopes").toString()).isEqualTo("[\"read:exports/eu/**\"]");
    }

    @Test
    void agentIsCreatedWithItsProductionKeyShownOnceItsCapabilitiesEditedAndItsDeletionRevokesItsKeys() {
        browser.open("/console/#agents");
        signIn(admin.apiKey());
        browser.visible("#a-name").sendKeys("support bot");
        browser.find("#a-description").sendKeys("answers tickets");
        browser.find("#a-capabilities").sendKeys("read:tickets/**");
        browser.find("#a-team").sendKeys("support");
        browser.click("#agent-create");

        String secret = browser.visible("#secret-value").getAttribute("value");
        assertThat(browser.find("#secret-body").getText()).contains("Production");
        String clientId = secret.substring(4, 20);
        assertThat(tokens.basic(clientId, secret, "grant_type", "client_credentials").field("scope")).isEqualTo("read:tickets/**");
        browser.screenshot("agent-production-key");
        browser.click("#secret-ack");
        browser.click("#secret-close");
        browser.gone("#secret-dialog");
        assertThat(browser.driver().getPageSource()).doesNotContain(secret);

        browser.click("a.tab[data-view='agents']");
        browser.textIn("#agents-rows", "Production (active)");
        WebElement capabilities = browser.visible("#agents-rows textarea.agent-capabilities");
        assertThat(browser.find("#agents-rows").getText()).contains("support bot", "answers tickets", "support", "Production (active)");
        capabilities.clear();
        capabilities.sendKeys("read:tickets/**", Keys.ENTER, "write:tickets/*");
        browser.click("#agents-rows button.agent-save");
        browser.textIn("#notice", "saved");
        assertThat(tokens.basic(clientId, secret, "grant_type", "client_credentials").field("scope"))
                .isEqualTo("read:tickets/** write:tickets/*");
        browser.screenshot("agents");

        browser.click("#agents-rows button.agent-delete");
        browser.textIn("#confirm-text", "revokes its 1 key(s)");
        browser.click("#confirm-yes");
        browser.textIn("#notice", "deleted");
        assertThat(api.get("/keys/" + clientId).json().get("status").asString()).isEqualTo("revoked");
        assertThat(tokens.basic(clientId, secret, "grant_type", "client_credentials").status()).isEqualTo(401);
        browser.visible("#agents-empty");
    }

    @Test
    void deletingARecentlyUsedKeyAsksTwice() {
        String id = keyUsedJustNow("old job", "read:jobs/**");
        openKeyPage(id);

        browser.click("#detail-delete");
        browser.click("#confirm-yes");
        browser.textIn("#detail-problem", "This key was used in the last 24 hours");
        assertThat(api.get("/keys/" + id).status()).isEqualTo(200);
        browser.click("#detail-problem button.danger");

        browser.textIn("#notice", "deleted");
        assertThat(browser.driver().getCurrentUrl()).endsWith("#keys");
        assertThat(api.get("/keys/" + id).status()).isEqualTo(404);
    }

    @Test
    void usageChartsShowTokenExchangesAndReportedApiRequests() {
        JsonNode key = createKeyThroughTheApi("orders client", "read:orders/**");
        String id = key.get("id").asString();
        for (int i = 0; i < 7; i++) {
            assertThat(tokens.basic(id, key.get("api_key").asString(), "grant_type", "client_credentials").status()).isEqualTo(200);
        }
        api.post("/keys/" + id + "/disable", null);
        assertThat(tokens.basic(id, key.get("api_key").asString(), "grant_type", "client_credentials").status()).isEqualTo(401);
        api.post("/keys/" + id + "/enable", null);
        assertThat(api.post("/usage-reports", "{\"batch_id\": \"" + UUID.randomUUID() + "\", \"keys\": [{\"client_id\": \"" + id
                + "\", \"allowed\": 120, \"refused_scope\": 3, \"cost\": 4200}]}").status()).isEqualTo(200);

        openKeyPage(id);
        browser.visible("#key-chart-tokens");
        assertThat(chartTotals("key-chart-tokens")).containsEntry("issued", 7L).containsEntry("refused", 1L);
        assertThat(chartTotals("key-chart-api")).containsEntry("allowed", 120L).containsEntry("refused", 3L);
        assertThat(browser.find("#detail-usage .stats").getText()).contains("7\ntokens issued", "120\nAPI requests allowed", "4,200\ncost units");
        browser.script("document.getElementById('detail-usage').scrollIntoView()");
        browser.screenshot("key-usage");

        browser.click("a.tab[href='#usage']");
        browser.visible("#org-chart-tokens");
        assertThat(chartTotals("org-chart-tokens").get("issued")).isGreaterThanOrEqualTo(7L);
        assertThat(chartTotals("org-chart-api").get("allowed")).isGreaterThanOrEqualTo(120L);
        browser.click("#org-usage details summary");
        assertThat(browser.find("#org-usage-table").getText()).contains("120");
        browser.screenshot("usage");

        browser.wait(driver -> browser.all("#usage-key option").size() > 1);
        new Select(browser.find("#usage-key")).selectByValue(id);   // the same tab, one key
        browser.wait(driver -> Long.valueOf(7).equals(chartTotals("org-chart-tokens").get("issued")));
        assertThat(chartTotals("org-chart-api")).containsEntry("allowed", 120L);
    }

    /** What Chart.js drew on a canvas: each dataset's label and the sum of its bars. */
    @SuppressWarnings("unchecked")
    private Map<String, Long> chartTotals(String canvasId) {
        return (Map<String, Long>) browser.wait(driver -> browser.script("""
                const chart = window.Chart && Chart.getChart(document.getElementById(arguments[0]));
                if (!chart) return null;
                return Object.fromEntries(chart.data.datasets.map(d => [d.label, d.data.reduce((a, b) => a + b, 0)]));
                """, canvasId));
    }

    @Test
    void rollSecretShowsTheNewSecretOnceAndTheOldOneWorksForTheChosenGrace() {
        JsonNode key = createKeyThroughTheApi("rolled", "read:rolled/**");
        String id = key.get("id").asString();
        String first = key.get("api_key").asString();
        openKeyPage(id);

        browser.click("#detail-reroll");
        browser.visible("#reroll-dialog");
        new Select(browser.find("#reroll-grace")).selectByValue("3600");
        browser.screenshot("reroll-grace");
        browser.click("#reroll-submit");
        String second = browser.visible("#secret-value").getAttribute("value");
        assertThat(second).startsWith("kmk_" + id + "_").isNotEqualTo(first);
        assertThat(browser.find("#secret-close").isEnabled()).as("acknowledge first").isFalse();
        browser.screenshot("reroll-secret-once");
        assertThat(tokens.basic(id, second, "grant_type", "client_credentials").status()).isEqualTo(200);
        assertThat(tokens.basic(id, first, "grant_type", "client_credentials").status()).as("1 hour of grace").isEqualTo(200);
        browser.click("#secret-ack");
        browser.click("#secret-close");
        browser.gone("#secret-dialog");
        browser.textIn("#notice", "Secret rolled");
        browser.textIn("#detail-fields", "works until");
        assertThat(browser.driver().getPageSource()).doesNotContain(second);

        browser.click("#detail-reroll");
        new Select(browser.visible("#reroll-grace")).selectByValue("0");
        browser.click("#reroll-submit");
        String third = browser.visible("#secret-value").getAttribute("value");
        browser.click("#secret-ack");
        browser.click("#secret-close");
        browser.textIn("#detail-fields", "replaced, no longer works");
        assertThat(tokens.basic(id, second, "grant_type", "client_credentials").field("error_description"))
                .isEqualTo("The API key's secret was replaced; use the new API key");
        assertThat(tokens.basic(id, first, "grant_type", "client_credentials").status()).isEqualTo(401);
        assertThat(tokens.basic(id, third, "grant_type", "client_credentials").status()).isEqualTo(200);
    }

    @Test
    void auditTrailListsWhatTheConsoleDid() {
        JsonNode key = createKeyThroughTheApi("audited", "read:audit-test/**");
        String id = key.get("id").asString();
        openKeyPage(id);
        browser.click("#detail-disable");
        browser.textIn("#notice", "disabled");

        browser.click("a.tab[href='#audit']");
        browser.visible("#audit-rows tr");
        List<String> rows = browser.all("#audit-rows tr").stream().map(WebElement::getText).filter(text -> text.contains(id)).toList();
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0)).contains("disabled", "audited", admin.clientId());
        assertThat(rows.get(1)).contains("created");
        browser.screenshot("audit");
    }

    @Test
    void dataIsShownAsTextAndTheTokenIsKeptOnlyInMemory() {
        String name = "<img src=x onerror=\"document.title='owned'\">";
        JsonNode key = api.post("/keys", "{\"name\": \"" + name.replace("\"", "\\\"") + "\", \"scopes\": [\"read:x/**\"]}").json();
        openKeyPage(key.get("id").asString());

        assertThat(browser.find("#detail-title").getText()).isEqualTo(name);
        assertThat(browser.all("#view-key img")).isEmpty();
        assertThat(browser.driver().getTitle()).isEqualTo("Keymint console");
        assertThat(browser.script("return localStorage.length + sessionStorage.length")).isEqualTo(0L);
        assertThat(browser.script("return document.cookie")).isEqualTo("");
    }

    @Test
    void narrowScreensStackTheTableInsteadOfSquashingIt() {
        signInAsAdmin();
        browser.screenshot("keys");
        browser.size(390, 844);

        assertThat((Long) browser.script("return document.documentElement.scrollWidth - document.documentElement.clientWidth"))
                .isLessThanOrEqualTo(0L);
        assertThat(browser.script("return getComputedStyle(document.querySelector('#keys-rows td')).display")).isEqualTo("grid");
        assertThat(browser.script("return getComputedStyle(document.querySelector('#keys-rows td'), '::before').content"))
                .isEqualTo("\"Name\"");
        browser.screenshot("narrow");

        browser.click("#keys-rows a");
        browser.visible("#key-chart-tokens");
        assertThat((Long) browser.script("return document.documentElement.scrollWidth - document.documentElement.clientWidth"))
                .isLessThanOrEqualTo(0L);
        browser.screenshot("narrow-key");
    }

    @Test
    void everythingWorksFromTheKeyboardAndEveryFieldHasALabel() {
        browser.driver().switchTo().activeElement().sendKeys(admin.apiKey(), Keys.ENTER);
        browser.visible("#keys-rows tr");

        assertThat(browser.script("""
                return [...document.querySelectorAll('input, select, textarea')]
                  .filter(field => field.labels.length === 0 && !field.getAttribute('aria-label'))
                  .map(field => field.id || field.name)""")).isEqualTo(List.of());
        // Tab from the tabs into the filter form reaches "New key"; Enter opens the form with focus in it.
        WebElement newKey = browser.find("#new-key");
        for (int i = 0; i < 20 && !newKey.equals(browser.driver().switchTo().activeElement()); i++) {
            browser.driver().switchTo().activeElement().sendKeys(Keys.TAB);
        }
        assertThat(browser.driver().switchTo().activeElement()).isEqualTo(newKey);
        newKey.sendKeys(Keys.ENTER);
        assertThat(browser.visible("#key-dialog")).isNotNull();
        assertThat(browser.driver().switchTo().activeElement().getAttribute("id")).isEqualTo("f-name");
        browser.driver().switchTo().activeElement().sendKeys(Keys.ESCAPE);
        browser.gone("#key-dialog");
    }
}
