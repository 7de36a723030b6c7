package dev.keymint.server.testsupport;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** The check every admin response in the tests passes through: it must be able to fail. */
class OpenApiConformanceTest {

    private static final URI KEY = URI.create("http://localhost/admin/v1/keys/ABCDEFGHIJKLMNOP");
    private static final String VIEW = """
            {"id":"ABCDEFGHIJKLMNOP","client_id":"ABCDEFGHIJKLMNOP","masked_key":"km_ABCDEFGHIJKLMNOP_…","name":"n",
             "status":"active","scopes":["read:x"],"allowed_cidrs":[],"over_budget":false,
             "created_at":"2026-06-01T00:00:00Z"}""";

    @Test
    void documentedResponseThenAccepted() {
        assertThatCode(() -> OpenApiConformance.check("GET", KEY, 200, "application/json", VIEW)).doesNotThrowAnyException();
    }

    @Test
    void bodyTheSchemaRefusesThenAssertionError() {
        assertThatThrownBy(() -> OpenApiConformance.check("GET", KEY, 200, "application/json",
                VIEW.replace("\"status\":\"active\"", "\"status\":5")))
                .isInstanceOf(AssertionError.class).hasMessageContaining("status");
    }

    @Test
    void memberTheDocumentDoesNotDeclareThenAssertionError() {
        assertThatThrownBy(() -> OpenApiConformance.check("GET", KEY, 200, "application/json",
                VIEW.replace("\"name\":\"n\"", "\"name\":\"n\",\"secret_digest\":\"x\"")))
                .isInstanceOf(AssertionError.class).hasMessageContaining("/secret_digest");
    }

    @Test
    void undocumentedStatusOrSuccessOnUnknownPathThenAssertionError() {
        assertThatThrownBy(() -> OpenApiConformance.check("GET", KEY, 418, "application/problem+json", "{}"))
                .isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> OpenApiConformance.check("GET", URI.create("http://localhost/admin/v1/nothing"), 200,
                "application/json", "{}")).isInstanceOf(AssertionError.class);
    }
}
