package dev.keymint.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz tests of the scope parsers, which read the {@code scope} request parameter, the token's
 * {@code scope} claim and admin request bodies: only {@link InvalidScopeException} may escape, and
 * whatever parses prints back to text that parses to an equal value. Each test also runs over its
 * committed inputs in every build; docs/fuzzing.md says how to fuzz for longer.
 */
class ScopeFuzzTest {

    @FuzzTest(maxDuration = "5m")
    void scopesRoundTrip(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        Scopes scopes;
        try {
            scopes = Scopes.parse(text);
        } catch (InvalidScopeException rejected) {
            return;
        }
        Scopes reparsed = Scopes.parse(scopes.toString());
        assertThat(reparsed).isEqualTo(scopes);
        assertThat(reparsed.toString()).isEqualTo(scopes.toString());
        assertThat(scopes.coversAll(scopes)).isTrue();
        for (Scope scope : scopes.asSet()) {
            assertThat(Scope.parse(scope.toString())).isEqualTo(scope);
            assertThat(Scope.of(scope.action(), scope.filter().toString())).isEqualTo(scope);
            assertThat(scope.covers(scope)).isTrue();
            assertThat(scopes.covers(scope)).isTrue();
        }
    }

    /**
     * Input: a filter, a newline, a resource path. Besides the round trip, {@code matches} never
     * throws, and agrees with {@code covers}: a filter that matches a path covers the literal
     * filter naming that path, and a literal filter matches exactly its own path.
     */
    @FuzzTest(maxDuration = "5m")
    void resourceFilterMatchesAgreeWithCovers(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        int newline = text.indexOf('\n');
        String filterText = newline < 0 ? text : text.substring(0, newline);
        String path = newline < 0 ? "" : text.substring(newline + 1);
        ResourceFilter filter;
        try {
            filter = ResourceFilter.parse(filterText);
        } catch (InvalidScopeException rejected) {
            return;
        }
        assertThat(ResourceFilter.parse(filter.toString())).isEqualTo(filter);
        assertThat(filter.covers(filter)).isTrue();
        assertThat(ResourceFilter.parse("**").covers(filter)).isTrue();
        if (filter.isLiteral()) {
            assertThat(filter.matches(filterText)).isTrue();
        }

        boolean matches = filter.matches(path);
        ResourceFilter literal;
        try {
            literal = ResourceFilter.parse(path);
        } catch (InvalidScopeException notAFilter) {
            assertThat(matches).as("%s matches %s, which is not even a filter", filter, path).isFalse();
            return;
        }
        if (!literal.isLiteral()) {
            assertThat(matches).as("%s matches the wildcard %s as a path", filter, path).isFalse();
            return;
        }
        assertThat(filter.covers(literal)).as("%s covers %s", filter, literal).isEqualTo(matches);
        assertThat(literal.matches(path)).isTrue();
    }
}
