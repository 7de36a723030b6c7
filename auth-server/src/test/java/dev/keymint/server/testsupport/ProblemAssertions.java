package dev.keymint.server.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keymint.server.testsupport.TokenClient.Response;

/** What every refusal of the admin API must look like to a client. */
public final class ProblemAssertions {

    private ProblemAssertions() {
    }

    /** A problem JSON with this status, in the body as well, and no stack trace; {@code what} names the case in failures. */
    public static void assertProblem(Response response, int status, String what) {
        assertThat(response.status()).as(what + " -> " + response.body()).isEqualTo(status);
        assertThat(response.header("Content-Type")).as(what).startsWith("application/problem+json");
        assertThat(response.json().get("status").asInt()).as(what).isEqualTo(status);
        assertThat(response.body()).as(what).doesNotContain("Exception").doesNotContain("\tat ");
    }
}
