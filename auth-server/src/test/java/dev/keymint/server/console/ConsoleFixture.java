package dev.keymint.server.console;

import dev.keymint.server.organizations.OrganizationBootstrapper.BootstrappedOrganization;
import dev.keymint.server.testsupport.AdminClient;
import dev.keymint.server.testsupport.KeymintServer;

/** A server, the admin key of its organization "acme" ({@code *:*}), and a browser on its console. */
record ConsoleFixture(KeymintServer server, BootstrappedOrganization admin, ConsoleBrowser browser) implements AutoCloseable {

    static ConsoleFixture start(KeymintServer.Builder builder) {
        KeymintServer server = builder.start();
        try {
            return new ConsoleFixture(server, server.bootstrap("acme", "*:*"), new ConsoleBrowser(server.baseUrl()));
        } catch (RuntimeException | AssertionError e) {
            server.close();
            throw e;
        }
    }

    /** The admin API with a fresh token of the admin key. */
    AdminClient api() {
        return AdminClient.of(server, admin);
    }

    @Override
    public void close() {
        try {
            browser.close();
        } finally {
            server.close();
        }
    }
}
