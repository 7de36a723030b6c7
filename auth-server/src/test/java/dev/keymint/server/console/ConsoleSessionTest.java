package dev.keymint.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keymint.server.organizations.OrganizationBootstrapper.BootstrappedOrganization;
import dev.keymint.server.testsupport.KeymintServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;
import tools.jackson.databind.JsonNode;

/**
 * The console's session with tokens that live 8 seconds: it warns before the end, and after the
 * end an action asks for the key again and then completes, on the same page.
 */
class ConsoleSessionTest {

    private static ConsoleFixture console;
    private static BootstrappedOrganization admin;
    private static ConsoleBrowser browser;

    @BeforeAll
    static void start() {
        console = ConsoleFixture.start(KeymintServer.onFreshDatabase().property("keymint.tokens.ttl", "8s"));
        admin = console.admin();
        browser = console.browser();
    }

    @AfterAll
    static void stop() {
        console.close();
    }

    @Test
    void anExpiredSessionAsksForTheKeyAndThenFinishesTheActionOnTheSamePage() {
        JsonNode key = console.api().post("/keys", "{\"name\": \"nightly\", \"scopes\": [\"read:x/**\"]}").json();
        String id = key.get("id").asString();
        browser.open("/console/#keys/" + id);
        browser.visible("#signin-api-key").sendKeys(admin.apiKey(), Keys.ENTER);
        browser.textIn("#detail-title", "nightly");

        browser.textIn("#session-warning-text", "Your session ends in");
        browser.textIn("#session-warning-text", "Your session has ended");
        browser.screenshot("session-ended");
        browser.click("#detail-disable");

        browser.visible("#reauth-dialog");
        browser.find("#reauth-api-key").sendKeys(admin.apiKey(), Keys.ENTER);
        browser.gone("#reauth-dialog");
        browser.textIn("#notice", "disabled");
        assertThat(browser.find("#detail-title").getText()).isEqualTo("nightly");
        assertThat(browser.driver().getCurrentUrl()).endsWith("#keys/" + id);
        assertThat(console.api().get("/keys/" + id).json().get("status").asString()).isEqualTo("disabled");
    }

    @Test
    void signingInAgainFromTheWarningKeepsThePage() {
        browser.open("/console/#audit");
        browser.visible("#signin-api-key").sendKeys(admin.apiKey(), Keys.ENTER);
        browser.visible("#audit-title");

        browser.textIn("#session-warning-text", "Your session");
        browser.click("#session-renew");
        browser.visible("#reauth-api-key").sendKeys(admin.apiKey(), Keys.ENTER);
        browser.gone("#reauth-dialog");

        browser.textIn("#notice", "Signed in again.");
        assertThat(browser.find("#view-audit").isDisplayed()).isTrue();
        assertThat(browser.find("#signin").isDisplayed()).isFalse();
    }
}
